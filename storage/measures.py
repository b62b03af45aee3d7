"""The measures round: measures and their texts, staff decisions, and the budget ballots.

Measures come from three places: residents' proposals (pending until staff decide; the
proposer's Telegram id is kept to tell them the decision, and removed by /delete and the
purge), the procedure file (approved, with their cost; `seed`) and workshop imports. Every
staff decision is one transaction with its audit entry. Budget ballots are stored under the
voter key (HMAC of the user id, made in bot/), as the prioritisation's ballots; the budget
is checked inside the transaction that adds a measure, so racing taps never exceed it.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import aiosqlite

from storage.db import Database
from storage.participants import now

PENDING, APPROVED, REJECTED, WITHDRAWN, MERGED = (
    "pending",
    "approved",
    "rejected",
    "withdrawn",
    "merged",
)


@dataclass(frozen=True)
class MeasureText:
    """A measure's title and description in one language (plain text, as written)."""

    title: str
    description: str


@dataclass(frozen=True)
class Measure:
    """One measure with its texts per language."""

    id: int
    origin: str  # "resident", "workshop" or "file"
    field_id: str
    goal_id: str
    language: str  # the language it was written in
    state: str
    cost: int | None
    created_at: str
    texts: Mapping[str, MeasureText] = field(default_factory=dict)
    proposer_id: int | None = None
    reason: str | None = None
    note: str | None = None
    merged_into: int | None = None
    ref: str | None = None

    def text(self, language: str) -> tuple[MeasureText, str]:
        """The text in `language`, else in the language it was written in; and which."""
        if language in self.texts:
            return self.texts[language], language
        if self.language in self.texts:
            return self.texts[self.language], self.language
        first = next(iter(sorted(self.texts)))
        return self.texts[first], first


_COLUMNS = (
    "id, origin, field_id, goal_id, language, state, cost, created_at, proposer_id, reason, "
    "note, merged_into, ref"
)


async def _measures(
    reader: Database | aiosqlite.Connection, where: str, params: Sequence[Any]
) -> list[Measure]:
    # The measures that match, with their texts, in id order.
    sql = f"SELECT {_COLUMNS} FROM measures WHERE {where} ORDER BY id"
    if isinstance(reader, Database):
        rows = await reader.fetchall(sql, params)
    else:
        rows = list(await reader.execute_fetchall(sql, params))
    if not rows:
        return []
    ids = [int(row[0]) for row in rows]
    marks = ",".join("?" * len(ids))
    text_sql = (
        "SELECT measure_id, language, title, description FROM measure_texts "
        f"WHERE measure_id IN ({marks})"
    )
    if isinstance(reader, Database):
        text_rows = await reader.fetchall(text_sql, ids)
    else:
        text_rows = list(await reader.execute_fetchall(text_sql, ids))
    texts: dict[int, dict[str, MeasureText]] = {}
    for measure_id, language, title, description in text_rows:
        texts.setdefault(int(measure_id), {})[str(language)] = MeasureText(title, description)
    return [
        Measure(
            id=int(row[0]),
            origin=row[1],
            field_id=row[2],
            goal_id=row[3],
            language=row[4],
            state=row[5],
            cost=row[6],
            created_at=row[7],
            texts=texts.get(int(row[0]), {}),
            proposer_id=row[8],
            reason=row[9],
            note=row[10],
            merged_into=row[11],
            ref=row[12],
        )
        for row in rows
    ]


async def get(db: Database, measure_id: int) -> Measure | None:
    """One measure, or None."""
    found = await _measures(db, "id = ?", (measure_id,))
    return found[0] if found else None


async def in_state(db: Database, state: str, field_id: str | None = None) -> list[Measure]:
    """The measures in a state (e.g. APPROVED), of one field or all."""
    if field_id is None:
        return await _measures(db, "state = ?", (state,))
    return await _measures(db, "state = ? AND field_id = ?", (state, field_id))


async def of_proposer(db: Database, proposer_id: int) -> list[Measure]:
    """A resident's own proposals (withdrawn ones included, so they see what happened)."""
    return await _measures(db, "proposer_id = ?", (proposer_id,))


async def _audit(
    connection: aiosqlite.Connection, actor_id: int | None, action: str, detail: str
) -> None:
    await connection.execute(
        "INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?, ?, ?, ?)",
        (now(), actor_id, action, detail),
    )


async def _add(
    connection: aiosqlite.Connection,
    *,
    origin: str,
    field_id: str,
    goal_id: str,
    language: str,
    texts: Mapping[str, MeasureText],
    state: str,
    cost: int | None = None,
    proposer_id: int | None = None,
    ref: str | None = None,
) -> int:
    cursor = await connection.execute(
        "INSERT INTO measures (ref, origin, field_id, goal_id, language, proposer_id, state, "
        "cost, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (ref, origin, field_id, goal_id, language, proposer_id, state, cost, now()),
    )
    measure_id = int(cursor.lastrowid or 0)
    await connection.executemany(
        "INSERT INTO measure_texts (measure_id, language, title, description) VALUES (?, ?, ?, ?)",
        [(measure_id, code, text.title, text.description) for code, text in texts.items()],
    )
    return measure_id


# --- the procedure file's and the workshops' measures ---------------------------------------


@dataclass(frozen=True)
class Seed:
    """A measure that arrives approved, with its cost (procedure file, workshop import)."""

    ref: str
    field_id: str
    goal_id: str
    cost: int
    language: str
    texts: Mapping[str, MeasureText]


async def seed(db: Database, seeds: Iterable[Seed], origin: str = "file") -> int:
    """Add the measures not stored yet (by `ref`); their texts and cost are refreshed while
    nobody has chosen them. Returns how many were added. Idempotent: run at every start."""
    added = 0
    async with db.transaction() as connection:
        for item in seeds:
            rows = await connection.execute_fetchall(
                "SELECT id FROM measures WHERE ref = ?", (item.ref,)
            )
            found = list(rows)
            if not found:
                await _add(
                    connection, origin=origin, field_id=item.field_id, goal_id=item.goal_id,
                    language=item.language, texts=item.texts, state=APPROVED, cost=item.cost,
                    ref=item.ref,
                )  # fmt: skip
                added += 1
                continue
            measure_id = int(found[0][0])
            chosen = await connection.execute_fetchall(
                "SELECT 1 FROM budget_ballots WHERE measure_id = ? LIMIT 1", (measure_id,)
            )
            if list(chosen):
                continue  # residents chose it as it was: it stays so
            await connection.execute(
                "UPDATE measures SET cost = ?, field_id = ?, goal_id = ? WHERE id = ?",
                (item.cost, item.field_id, item.goal_id, measure_id),
            )
            await connection.executemany(
                "INSERT INTO measure_texts (measure_id, language, title, description) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (measure_id, language) DO UPDATE SET "
                "title = excluded.title, description = excluded.description",
                [(measure_id, c, t.title, t.description) for c, t in item.texts.items()],
            )
    return added


async def import_workshop(db: Database, actor_id: int | None, seeds: Sequence[Seed]) -> int:
    """Workshop measures from a CSV, all or nothing, audited; the ones already imported
    (same ref) are skipped. Returns how many were added."""
    added = 0
    async with db.transaction() as connection:
        for item in seeds:
            rows = await connection.execute_fetchall(
                "SELECT 1 FROM measures WHERE ref = ?", (item.ref,)
            )
            if list(rows):
                continue
            await _add(
                connection, origin="workshop", field_id=item.field_id, goal_id=item.goal_id,
                language=item.language, texts=item.texts, state=APPROVED, cost=item.cost,
                ref=item.ref,
            )  # fmt: skip
            added += 1
        await _audit(connection, actor_id, "measures.import", f"{added} of {len(seeds)}")
    return added


# --- residents' proposals -------------------------------------------------------------------


class Proposed(Enum):
    """What a proposal or a change to one did."""

    DONE = "done"
    LIMIT = "limit"  # the resident has as many open proposals as allowed
    DECIDED = "decided"  # staff decided on it already: it can no longer be changed
    MISSING = "missing"  # no such proposal of this resident


async def propose(
    db: Database,
    proposer_id: int,
    *,
    field_id: str,
    goal_id: str,
    language: str,
    text: MeasureText,
    limit: int,
) -> tuple[Proposed, int]:
    """A resident's new proposal (pending), unless they have `limit` proposals pending or
    approved already. Returns the outcome and the new id (0 when refused)."""
    async with db.transaction() as connection:
        rows = await connection.execute_fetchall(
            "SELECT COUNT(*) FROM measures WHERE proposer_id = ? AND state IN (?, ?)",
            (proposer_id, PENDING, APPROVED),
        )
        if int(next(iter(rows))[0]) >= limit:
            return Proposed.LIMIT, 0
        measure_id = await _add(
            connection, origin="resident", field_id=field_id, goal_id=goal_id,
            language=language, texts={language: text}, state=PENDING, proposer_id=proposer_id,
        )  # fmt: skip
    return Proposed.DONE, measure_id


async def proposed_since(db: Database, proposer_id: int, since: str) -> int:
    """How many proposals a resident made since a moment (ISO 8601 UTC, as stored), withdrawn
    ones included: the daily limit counts every proposal sent."""
    row = await db.fetchone(
        "SELECT COUNT(*) FROM measures WHERE proposer_id = ? AND created_at >= ?",
        (proposer_id, since),
    )
    return int(row[0]) if row else 0


async def _own_pending(
    connection: aiosqlite.Connection, proposer_id: int, measure_id: int
) -> Proposed | None:
    rows = list(
        await connection.execute_fetchall(
            "SELECT state FROM measures WHERE id = ? AND proposer_id = ?",
            (measure_id, proposer_id),
        )
    )
    if not rows:
        return Proposed.MISSING
    return None if rows[0][0] == PENDING else Proposed.DECIDED


async def change_proposal(
    db: Database, proposer_id: int, measure_id: int, language: str, text: MeasureText
) -> Proposed:
    """The proposer rewrites their pending proposal (in the language they write now)."""
    async with db.transaction() as connection:
        refused = await _own_pending(connection, proposer_id, measure_id)
        if refused is not None:
            return refused
        await connection.execute("DELETE FROM measure_texts WHERE measure_id = ?", (measure_id,))
        await connection.execute(
            "INSERT INTO measure_texts (measure_id, language, title, description) "
            "VALUES (?, ?, ?, ?)",
            (measure_id, language, text.title, text.description),
        )
        await connection.execute(
            "UPDATE measures SET language = ? WHERE id = ?", (language, measure_id)
        )
    return Proposed.DONE


async def withdraw_proposal(db: Database, proposer_id: int, measure_id: int) -> Proposed:
    """The proposer takes back their pending proposal."""
    async with db.transaction() as connection:
        refused = await _own_pending(connection, proposer_id, measure_id)
        if refused is not None:
            return refused
        await connection.execute(
            "UPDATE measures SET state = ?, decided_at = ? WHERE id = ?",
            (WITHDRAWN, now(), measure_id),
        )
    return Proposed.DONE


# --- staff decisions ------------------------------------------------------------------------


class Decided(Enum):
    """What a staff decision did."""

    DONE = "done"
    MISSING = "missing"  # no such measure
    NOT_PENDING = "not_pending"  # decided already (approve, reject and merge need pending)
    CHOSEN = "chosen"  # residents chose it already: its cost and texts stay as they chose them
    TARGET = "target"  # merge: the other measure is not approved (or is this one)
    ORIGINAL = "original"  # translate: the language it was written in (that text stays)


async def _state(connection: aiosqlite.Connection, measure_id: int) -> str | None:
    rows = list(
        await connection.execute_fetchall("SELECT state FROM measures WHERE id = ?", (measure_id,))
    )
    return str(rows[0][0]) if rows else None


async def _not_pending(connection: aiosqlite.Connection, measure_id: int) -> Decided | None:
    # Why a decision that needs a pending proposal cannot be made (None: it can).
    state = await _state(connection, measure_id)
    if state is None:
        return Decided.MISSING
    return None if state == PENDING else Decided.NOT_PENDING


async def _chosen(connection: aiosqlite.Connection, measure_id: int) -> bool:
    rows = await connection.execute_fetchall(
        "SELECT 1 FROM budget_ballots WHERE measure_id = ? LIMIT 1", (measure_id,)
    )
    return bool(list(rows))


async def _decide(
    connection: aiosqlite.Connection,
    measure_id: int,
    staff_id: int | None,
    state: str,
    **columns: Any,
) -> None:
    sets = ", ".join(f"{name} = ?" for name in columns)
    extra = f", {sets}" if sets else ""
    await connection.execute(
        f"UPDATE measures SET state = ?, decided_at = ?, decided_by = ?{extra} WHERE id = ?",
        (state, now(), staff_id, *columns.values(), measure_id),
    )


async def approve(db: Database, staff_id: int | None, measure_id: int, cost: int) -> Decided:
    """Approve a pending proposal with its cost estimate; audited."""
    async with db.transaction() as connection:
        refused = await _not_pending(connection, measure_id)
        if refused is not None:
            return refused
        await _decide(connection, measure_id, staff_id, APPROVED, cost=cost)
        await _audit(connection, staff_id, "measures.approve", f"#{measure_id} cost={cost}")
    return Decided.DONE


async def reject(
    db: Database, staff_id: int | None, measure_id: int, reason: str, note: str | None
) -> Decided:
    """Reject a pending proposal with a reason category and an optional note; audited."""
    async with db.transaction() as connection:
        refused = await _not_pending(connection, measure_id)
        if refused is not None:
            return refused
        await _decide(connection, measure_id, staff_id, REJECTED, reason=reason, note=note)
        await _audit(connection, staff_id, "measures.reject", f"#{measure_id} {reason}")
    return Decided.DONE


async def merge(db: Database, staff_id: int | None, measure_id: int, into: int) -> Decided:
    """A pending proposal is a duplicate of the approved measure `into`; audited."""
    async with db.transaction() as connection:
        refused = await _not_pending(connection, measure_id)
        if refused is not None:
            return refused
        if into == measure_id or await _state(connection, into) != APPROVED:
            return Decided.TARGET
        await _decide(connection, measure_id, staff_id, MERGED, merged_into=into)
        await _audit(connection, staff_id, "measures.merge", f"#{measure_id} into #{into}")
    return Decided.DONE


async def set_cost(db: Database, staff_id: int | None, measure_id: int, cost: int) -> Decided:
    """Change an approved measure's cost estimate, while nobody has chosen it; audited."""
    async with db.transaction() as connection:
        state = await _state(connection, measure_id)
        if state is None:
            return Decided.MISSING
        if await _chosen(connection, measure_id):
            return Decided.CHOSEN
        await connection.execute("UPDATE measures SET cost = ? WHERE id = ?", (cost, measure_id))
        await _audit(connection, staff_id, "measures.cost", f"#{measure_id} cost={cost}")
    return Decided.DONE


async def set_text(
    db: Database, staff_id: int | None, measure_id: int, language: str, text: MeasureText
) -> Decided:
    """Add or replace a measure's text in one language (staff's translation); audited. The
    text in the language it was written in stays the proposer's; only pending and approved
    measures are translated (the others are shown to nobody)."""
    async with db.transaction() as connection:
        found = list(
            await connection.execute_fetchall(
                "SELECT language, state FROM measures WHERE id = ?", (measure_id,)
            )
        )
        if not found:
            return Decided.MISSING
        if found[0][1] not in (PENDING, APPROVED):
            return Decided.TARGET
        if found[0][0] == language:
            # A "translation" into it would silently replace the proposer's own words.
            return Decided.ORIGINAL
        await connection.execute(
            "INSERT INTO measure_texts (measure_id, language, title, description) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (measure_id, language) DO UPDATE SET "
            "title = excluded.title, description = excluded.description",
            (measure_id, language, text.title, text.description),
        )
        await _audit(connection, staff_id, "measures.translate", f"#{measure_id} {language}")
    return Decided.DONE


# --- budget ballots -------------------------------------------------------------------------


class Chosen(Enum):
    """What a change to a budget ballot did."""

    CHANGED = "changed"
    UNCHANGED = "unchanged"  # already so (a replay or a double tap)
    OVER = "over"  # it would exceed the budget; nothing changed
    UNAVAILABLE = "unavailable"  # not an approved measure with a cost


@dataclass(frozen=True)
class BudgetBallot:
    """One voter's selection and what it costs."""

    chosen: frozenset[int]
    spent: int

    def left(self, budget: int) -> int:
        """What is left of the budget."""
        return budget - self.spent


async def _selection(reader: Database | aiosqlite.Connection, voter_key: str) -> BudgetBallot:
    sql = (
        "SELECT b.measure_id, m.cost FROM budget_ballots b JOIN measures m ON m.id = b.measure_id "
        "WHERE b.voter_key = ?"
    )
    if isinstance(reader, Database):
        rows = await reader.fetchall(sql, (voter_key,))
    else:
        rows = list(await reader.execute_fetchall(sql, (voter_key,)))
    return BudgetBallot(frozenset(int(r[0]) for r in rows), sum(int(r[1] or 0) for r in rows))


async def budget_ballot(db: Database, voter_key: str) -> BudgetBallot:
    """A voter's selection (empty when they chose nothing)."""
    return await _selection(db, voter_key)


async def choose(
    db: Database, voter_key: str, measure_id: int, selected: bool, budget: int
) -> tuple[Chosen, BudgetBallot, int]:
    """Select (or unselect) a measure; a selection that would exceed the budget is refused.
    Returns the outcome, the ballot after it, and the amount missing when refused (else 0).
    The check and the change are one transaction: racing taps cannot exceed the budget."""
    async with db.transaction() as connection:
        before = await _selection(connection, voter_key)
        if not selected:
            if measure_id not in before.chosen:
                return Chosen.UNCHANGED, before, 0
            await connection.execute(
                "DELETE FROM budget_ballots WHERE voter_key = ? AND measure_id = ?",
                (voter_key, measure_id),
            )
            return Chosen.CHANGED, await _selection(connection, voter_key), 0
        if measure_id in before.chosen:
            return Chosen.UNCHANGED, before, 0
        rows = list(
            await connection.execute_fetchall(
                "SELECT cost FROM measures WHERE id = ? AND state = ? AND cost IS NOT NULL",
                (measure_id, APPROVED),
            )
        )
        if not rows:
            return Chosen.UNAVAILABLE, before, 0
        cost = int(rows[0][0])
        if before.spent + cost > budget:
            return Chosen.OVER, before, before.spent + cost - budget
        await connection.execute(
            "INSERT INTO budget_ballots (voter_key, measure_id) VALUES (?, ?)",
            (voter_key, measure_id),
        )
        return Chosen.CHANGED, await _selection(connection, voter_key), 0


# --- counting -------------------------------------------------------------------------------


async def tally(db: Database) -> dict[int, int]:
    """Votes per measure (measures nobody chose are missing)."""
    rows = await db.fetchall("SELECT measure_id, votes FROM measure_tally WHERE votes > 0")
    return {int(r[0]): int(r[1]) for r in rows}


async def budget_voters(db: Database) -> int:
    """How many voters chose at least one measure."""
    row = await db.fetchone("SELECT voters FROM budget_voter_tally WHERE id = 1")
    return int(row[0]) if row else 0


async def selections(db: Database) -> list[frozenset[int]]:
    """Every voter's selection, without the voter key, in a stable order that says nothing
    about who (sorted by content): what the outcome rules and the Pabulib export need."""
    rows = await db.fetchall("SELECT voter_key, measure_id FROM budget_ballots")
    by_voter: dict[str, set[int]] = {}
    for voter_key, measure_id in rows:
        by_voter.setdefault(str(voter_key), set()).add(int(measure_id))
    return sorted((frozenset(s) for s in by_voter.values()), key=lambda s: sorted(s))
