"""Ballots: what each (pseudonymous) voter chose; each change is one transaction.

Every function takes the voter key (HMAC of the user id, made in bot/), never a Telegram id.
Changes are idempotent: they set a state ("goal 3.2 chosen", "4 points"), so a replayed
update changes nothing. Limits (N choices, P points) are checked inside the transaction, so
two racing taps can never exceed them.
"""

from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import aiosqlite

from storage.db import Database
from storage.participants import now


class Outcome(Enum):
    """What a change did."""

    CHANGED = "changed"
    UNCHANGED = "unchanged"  # the state was already so (a replay or a double tap)
    LIMIT = "limit"  # it would exceed N choices or P points; nothing changed
    STALE = "stale"  # the button was made for an earlier state (ranking); nothing changed


@dataclass
class Ballot:
    """One voter's ballot: weights per field and goal, abstentions, the field order."""

    weights: dict[str, dict[str, int]] = field(default_factory=dict)
    abstained: set[str] = field(default_factory=set)
    ranking: list[str] = field(default_factory=list)

    def answered(self, field_id: str) -> bool:
        """True when the voter chose something in the field or said "no preference"."""
        return bool(self.weights.get(field_id)) or field_id in self.abstained

    def chosen(self, field_id: str) -> dict[str, int]:
        """goal id -> weight in one field."""
        return self.weights.get(field_id, {})

    @property
    def empty(self) -> bool:
        """True when nothing is stored for this voter."""
        return not (self.weights or self.abstained or self.ranking)


_READ = (
    "SELECT 'weight', field_id, goal_id, weight FROM ballots WHERE voter_key = ?1 "
    "UNION ALL SELECT 'abstained', field_id, '', 0 FROM abstentions WHERE voter_key = ?1 "
    "UNION ALL SELECT 'rank', field_id, '', position FROM field_ranks WHERE voter_key = ?1 "
    "UNION ALL SELECT 'voter', '', '', 0 FROM voters WHERE voter_key = ?1"
)


def _ballot(rows: Iterable[Sequence[Any]]) -> tuple[Ballot, bool]:
    """The ballot, and whether the voter is known (has a row in voters)."""
    result, ranked, known = Ballot(), [], False
    for kind, field_id, goal_id, number in rows:
        if kind == "weight":
            result.weights.setdefault(field_id, {})[goal_id] = number
        elif kind == "abstained":
            result.abstained.add(field_id)
        elif kind == "rank":
            ranked.append((number, field_id))
        else:
            known = True
    result.ranking = [field_id for _, field_id in sorted(ranked)]
    return result, known


async def ballot(db: Database, voter_key: str) -> Ballot:
    """The voter's whole ballot (empty if they have not voted), in one query."""
    return _ballot(await db.fetchall(_READ, (voter_key,)))[0]


class _Frozen:
    """Whether this file holds the frozen rules (set once a first-ballot transaction committed):
    until then every change takes the transaction that freezes them."""

    def __init__(self) -> None:
        self.done = False


class _Change:
    """One change to one voter's ballot inside one transaction: read once, write, done."""

    def __init__(self, db: Database, connection: aiosqlite.Connection, voter_key: str) -> None:
        self.db, self.connection, self.voter_key = db, connection, voter_key
        self.froze = False  # this change wrote the frozen rules (if they were not there yet)

    async def read(self) -> tuple[Ballot, bool]:
        return _ballot(await self.connection.execute_fetchall(_READ, (self.voter_key,)))

    async def write(self, sql: str, params: tuple[Any, ...]) -> None:
        await self.connection.execute(sql, params)

    async def prepare(self, known: bool, rules: str) -> None:
        # The first ballot freezes the rules voters were told; a new voter gets their row
        # (the key alone: nothing next to a ballot says anything about the person).
        if not self.db.cache(_Frozen).done:
            await self.write(
                "INSERT OR IGNORE INTO frozen_rules (id, rules, frozen_at) VALUES (1, ?, ?)",
                (rules, now()),
            )
            self.froze = True
        if not known:
            await self.write(
                "INSERT OR IGNORE INTO voters (voter_key) VALUES (?)", (self.voter_key,)
            )


@asynccontextmanager
async def _change(db: Database, voter_key: str) -> AsyncIterator[_Change]:
    """One change in one transaction; once one that froze the rules committed, they are known
    to be frozen (a rollback leaves the cache as it was)."""
    async with db.transaction() as connection:
        change = _Change(db, connection, voter_key)
        yield change
    # Only reached after COMMIT succeeded: a failed COMMIT is rolled back and raises out of the
    # block above, so the flag stays unset and the next change writes the rules again.
    if change.froze:
        db.cache(_Frozen).done = True


def _refusal(chosen: dict[str, int], goal_id: str, weight: int,
             max_goals: int | None, max_total: int | None) -> Outcome | None:  # fmt: skip
    """UNCHANGED or LIMIT when setting the weight would not change the ballot, else None."""
    if chosen.get(goal_id, 0) == weight:
        return Outcome.UNCHANGED
    others = {g: w for g, w in chosen.items() if g != goal_id}
    if weight > 0 and (
        (max_goals is not None and len(others) + 1 > max_goals)
        or (max_total is not None and sum(others.values()) + weight > max_total)
    ):
        return Outcome.LIMIT
    return None


# One statement that sets a weight only if the limits still hold: SQLite runs it atomically,
# so racing taps can never pass N goals or P points, with or without a transaction around it.
_GUARDED_SET = (
    "INSERT INTO ballots (voter_key, field_id, goal_id, weight) SELECT ?1, ?2, ?3, ?4 WHERE "
    "(SELECT COUNT(*) FROM ballots WHERE voter_key = ?1 AND field_id = ?2 AND goal_id != ?3) < ?5 "
    "AND (SELECT COALESCE(SUM(weight), 0) FROM ballots WHERE voter_key = ?1 AND field_id = ?2 "
    "AND goal_id != ?3) + ?4 <= ?6 "
    "ON CONFLICT (voter_key, field_id, goal_id) DO UPDATE SET weight = excluded.weight"
)
_UNSET = "DELETE FROM ballots WHERE voter_key = ? AND field_id = ? AND goal_id = ?"
_NO_LIMIT = 1 << 30


async def set_weight(
    db: Database,
    voter_key: str,
    rules: str,
    field_id: str,
    goal_id: str,
    weight: int,
    *,
    max_goals: int | None = None,
    max_total: int | None = None,
) -> tuple[Outcome, Ballot]:
    """Set one goal's weight (0 removes it), within at most `max_goals` chosen goals and at
    most `max_total` weight in the field; over a limit nothing changes. Returns what happened
    and the ballot as it now is.

    The usual tap (a known voter, no "no preference" to undo) is one guarded statement, its
    own transaction; anything else (first vote, undoing "no preference") one transaction."""
    current, known = _ballot(await db.fetchall(_READ, (voter_key,)))
    chosen = current.chosen(field_id)
    refused = _refusal(chosen, goal_id, weight, max_goals, max_total)
    if refused is not None:
        return refused, current
    limits = (max_goals or _NO_LIMIT, max_total or _NO_LIMIT)
    if known and field_id not in current.abstained and db.cache(_Frozen).done:
        if weight > 0:
            landed = await db.write(_GUARDED_SET, (voter_key, field_id, goal_id, weight, *limits))
            if not landed:  # a racing tap got there first: report the ballot as it is now
                return Outcome.LIMIT, await ballot(db, voter_key)
        else:
            await db.write(_UNSET, (voter_key, field_id, goal_id))
    else:
        async with _change(db, voter_key) as change:
            current, known = await change.read()
            chosen = current.chosen(field_id)
            refused = _refusal(chosen, goal_id, weight, max_goals, max_total)
            if refused is not None:
                return refused, current
            await change.prepare(known, rules)
            if field_id in current.abstained:
                await change.write(
                    "DELETE FROM abstentions WHERE voter_key = ? AND field_id = ?",
                    (voter_key, field_id),
                )
            if weight > 0:
                await change.write(_GUARDED_SET, (voter_key, field_id, goal_id, weight, *limits))
            else:
                await change.write(_UNSET, (voter_key, field_id, goal_id))
    current.abstained.discard(field_id)
    if weight > 0:
        current.weights.setdefault(field_id, {})[goal_id] = weight
    else:
        current.weights.get(field_id, {}).pop(goal_id, None)
    return Outcome.CHANGED, current


async def abstain(
    db: Database, voter_key: str, rules: str, field_id: str
) -> tuple[Outcome, Ballot]:
    """Record "no preference in this field" (removing choices made there)."""
    async with _change(db, voter_key) as change:
        current, known = await change.read()
        if field_id in current.abstained:
            return Outcome.UNCHANGED, current
        await change.prepare(known, rules)
        await change.write(
            "DELETE FROM ballots WHERE voter_key = ? AND field_id = ?", (voter_key, field_id)
        )
        await change.write(
            "INSERT INTO abstentions (voter_key, field_id) VALUES (?, ?)", (voter_key, field_id)
        )
    current.weights.pop(field_id, None)
    current.abstained.add(field_id)
    return Outcome.CHANGED, current


async def rank_field(
    db: Database, voter_key: str, rules: str, field_id: str, position: int
) -> tuple[Outcome, Ballot]:
    """Put a field at `position` of the voter's order; the button carries the position it was
    made for, so a replay or an out-of-date button changes nothing."""
    async with _change(db, voter_key) as change:
        current, known = await change.read()
        if field_id in current.ranking:
            placed = current.ranking.index(field_id) + 1
            return (Outcome.UNCHANGED if placed == position else Outcome.STALE), current
        if position != len(current.ranking) + 1:
            return Outcome.STALE, current
        await change.prepare(known, rules)
        await change.write(
            "INSERT INTO field_ranks (voter_key, field_id, position) VALUES (?, ?, ?)",
            (voter_key, field_id, position),
        )
    current.ranking.append(field_id)
    return Outcome.CHANGED, current


async def reset_ranking(db: Database, voter_key: str) -> Outcome:
    """Forget the voter's order of the fields."""
    async with db.transaction() as connection:
        cursor = await connection.execute(
            "DELETE FROM field_ranks WHERE voter_key = ?", (voter_key,)
        )
        changed = cursor.rowcount > 0
    return Outcome.CHANGED if changed else Outcome.UNCHANGED


async def frozen_rules(db: Database) -> str | None:
    """The rules frozen with the first ballot (JSON), or None before any vote."""
    row = await db.fetchone("SELECT rules FROM frozen_rules WHERE id = 1")
    return row[0] if row else None


async def withdraw(db: Database, voter_key: str) -> bool:
    """Erase the voter's whole ballot (choices, "no preference" answers, field order) in one
    transaction; the tally drops it at once. True when anything was there."""
    async with db.transaction() as connection:
        return await erase_ballot(connection, voter_key)


async def erase_ballot(connection: aiosqlite.Connection, voter_key: str) -> bool:
    """Inside a caller's transaction: erase the voter's whole ballot; True when anything was
    there (storage/privacy.py erases a resident's data in one transaction with it)."""
    erased = 0
    for table in ("ballots", "abstentions", "field_ranks", "voters"):
        # The table names are the fixed ones above, never input.
        cursor = await connection.execute(f"DELETE FROM {table} WHERE voter_key = ?", (voter_key,))
        erased += cursor.rowcount
    return erased > 0
