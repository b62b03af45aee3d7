"""Ballots: what each (pseudonymous) voter chose; each change is one transaction.

Every function takes the voter key (HMAC of the user id, made in bot/), never a Telegram id.
Changes are idempotent: they set a state ("goal 3.2 chosen", "4 points"), so a replayed
update changes nothing. Limits (N choices, P points) are checked inside the transaction, so
two racing taps can never exceed them.
"""

from dataclasses import dataclass, field
from enum import Enum

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


async def ballot(db: Database, voter_key: str) -> Ballot:
    """The voter's whole ballot (empty if they have not voted)."""
    result = Ballot()
    for field_id, goal_id, weight in await db.fetchall(
        "SELECT field_id, goal_id, weight FROM ballots WHERE voter_key = ?", (voter_key,)
    ):
        result.weights.setdefault(field_id, {})[goal_id] = weight
    rows = await db.fetchall("SELECT field_id FROM abstentions WHERE voter_key = ?", (voter_key,))
    result.abstained = {row[0] for row in rows}
    rows = await db.fetchall(
        "SELECT field_id FROM field_ranks WHERE voter_key = ? ORDER BY position", (voter_key,)
    )
    result.ranking = [row[0] for row in rows]
    return result


async def _prepare(
    connection: aiosqlite.Connection, voter_key: str, language: str, rules: str
) -> None:
    # The first ballot freezes the rules voters were told; every vote records the language.
    await connection.execute(
        "INSERT OR IGNORE INTO frozen_rules (id, rules, frozen_at) VALUES (1, ?, ?)",
        (rules, now()),
    )
    await connection.execute(
        "INSERT INTO voters (voter_key, language) VALUES (?, ?) "
        "ON CONFLICT (voter_key) DO UPDATE SET language = excluded.language",
        (voter_key, language),
    )


async def _scalar(connection: aiosqlite.Connection, sql: str, params: tuple) -> int:
    async with connection.execute(sql, params) as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else 0


async def set_weight(
    db: Database,
    voter_key: str,
    language: str,
    rules: str,
    field_id: str,
    goal_id: str,
    weight: int,
    *,
    max_goals: int | None = None,
    max_total: int | None = None,
) -> Outcome:
    """Set one goal's weight (0 removes it), within at most `max_goals` chosen goals and at
    most `max_total` weight in the field. One transaction; over a limit nothing changes."""
    async with db.transaction() as connection:
        current = await _scalar(
            connection,
            "SELECT weight FROM ballots WHERE voter_key = ? AND field_id = ? AND goal_id = ?",
            (voter_key, field_id, goal_id),
        )
        if current == weight:
            return Outcome.UNCHANGED
        if weight > 0:
            others = await _scalar(
                connection,
                "SELECT COUNT(*) FROM ballots WHERE voter_key = ? AND field_id = ? "
                "AND goal_id != ?",
                (voter_key, field_id, goal_id),
            )
            other_weight = await _scalar(
                connection,
                "SELECT SUM(weight) FROM ballots WHERE voter_key = ? AND field_id = ? "
                "AND goal_id != ?",
                (voter_key, field_id, goal_id),
            )
            if max_goals is not None and others + 1 > max_goals:
                return Outcome.LIMIT
            if max_total is not None and other_weight + weight > max_total:
                return Outcome.LIMIT
        await _prepare(connection, voter_key, language, rules)
        await connection.execute(
            "DELETE FROM abstentions WHERE voter_key = ? AND field_id = ?", (voter_key, field_id)
        )
        if weight > 0:
            await connection.execute(
                "INSERT INTO ballots (voter_key, field_id, goal_id, weight) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (voter_key, field_id, goal_id) DO UPDATE SET weight = excluded.weight",
                (voter_key, field_id, goal_id, weight),
            )
        else:
            await connection.execute(
                "DELETE FROM ballots WHERE voter_key = ? AND field_id = ? AND goal_id = ?",
                (voter_key, field_id, goal_id),
            )
    return Outcome.CHANGED


async def abstain(
    db: Database, voter_key: str, language: str, rules: str, field_id: str
) -> Outcome:
    """Record "no preference in this field" (removing choices made there)."""
    async with db.transaction() as connection:
        already = await _scalar(
            connection,
            "SELECT COUNT(*) FROM abstentions WHERE voter_key = ? AND field_id = ?",
            (voter_key, field_id),
        )
        if already:
            return Outcome.UNCHANGED
        await _prepare(connection, voter_key, language, rules)
        await connection.execute(
            "DELETE FROM ballots WHERE voter_key = ? AND field_id = ?", (voter_key, field_id)
        )
        await connection.execute(
            "INSERT INTO abstentions (voter_key, field_id) VALUES (?, ?)", (voter_key, field_id)
        )
    return Outcome.CHANGED


async def rank_field(
    db: Database, voter_key: str, language: str, rules: str, field_id: str, position: int
) -> Outcome:
    """Put a field at `position` of the voter's order; the button carries the position it was
    made for, so a replay or an out-of-date button changes nothing."""
    async with db.transaction() as connection:
        placed = await _scalar(
            connection,
            "SELECT position FROM field_ranks WHERE voter_key = ? AND field_id = ?",
            (voter_key, field_id),
        )
        if placed == position:
            return Outcome.UNCHANGED
        count = await _scalar(
            connection, "SELECT COUNT(*) FROM field_ranks WHERE voter_key = ?", (voter_key,)
        )
        if placed or position != count + 1:
            return Outcome.STALE
        await _prepare(connection, voter_key, language, rules)
        await connection.execute(
            "INSERT INTO field_ranks (voter_key, field_id, position) VALUES (?, ?, ?)",
            (voter_key, field_id, position),
        )
    return Outcome.CHANGED


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


async def has_ballots(db: Database) -> bool:
    """True once anybody voted."""
    return await frozen_rules(db) is not None
