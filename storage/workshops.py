"""Workshop results: the points (dot votes) each town-hall workshop gave the sub-goals.

A source ("Rathaus 2019") is imported whole and replaces what was there under its name, in
one transaction with its audit entry, so the merge never sees half a workshop.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from storage.db import Database
from storage.participants import now


@dataclass(frozen=True)
class Source:
    """One imported workshop source."""

    name: str
    imported_at: str  # UTC ISO
    file_name: str
    rows: int
    points: int


async def replace_source(
    db: Database,
    name: str,
    file_name: str,
    rows: Sequence[tuple[str, str, int]],
    actor: str,
) -> bool:
    """Store the rows (field id, goal id, points) as the source `name`, replacing it whole;
    audited. True when a source of that name was replaced."""
    async with db.transaction() as connection:
        cursor = await connection.execute("DELETE FROM workshop_results WHERE source = ?", (name,))
        replaced = cursor.rowcount > 0
        await connection.execute("DELETE FROM workshop_sources WHERE source = ?", (name,))
        await connection.executemany(
            "INSERT INTO workshop_results (source, field_id, goal_id, points) VALUES (?, ?, ?, ?)",
            [(name, field_id, goal_id, points) for field_id, goal_id, points in rows],
        )
        await connection.execute(
            "INSERT INTO workshop_sources (source, imported_at, file_name, rows) "
            "VALUES (?, ?, ?, ?)",
            (name, now(), file_name, len(rows)),
        )
        await connection.execute(
            "INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?, NULL, ?, ?)",
            (now(), "workshop.import", f"{name} ({len(rows)} rows from {file_name}, by {actor})"),
        )
    return replaced


async def remove_source(db: Database, name: str, actor: str) -> bool:
    """Remove a source and its points; audited. False when there was no such source."""
    async with db.transaction() as connection:
        cursor = await connection.execute("DELETE FROM workshop_sources WHERE source = ?", (name,))
        if cursor.rowcount == 0:
            return False
        await connection.execute("DELETE FROM workshop_results WHERE source = ?", (name,))
        await connection.execute(
            "INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?, NULL, ?, ?)",
            (now(), "workshop.remove", f"{name} (by {actor})"),
        )
    return True


async def sources(db: Database) -> list[Source]:
    """The imported sources, by name."""
    rows = await db.fetchall(
        "SELECT s.source, s.imported_at, s.file_name, s.rows, "
        "COALESCE((SELECT SUM(points) FROM workshop_results r WHERE r.source = s.source), 0) "
        "FROM workshop_sources s ORDER BY s.source"
    )
    return [Source(r[0], r[1], r[2], r[3], r[4]) for r in rows]


async def points(db: Database) -> dict[str, dict[tuple[str, str], int]]:
    """source -> (field id, goal id) -> points, for every imported source."""
    result: dict[str, dict[tuple[str, str], int]] = {}
    for name in (s.name for s in await sources(db)):
        result[name] = {}
    for source, field_id, goal_id, value in await db.fetchall(
        "SELECT source, field_id, goal_id, points FROM workshop_results"
    ):
        result.setdefault(source, {})[(field_id, goal_id)] = value
    return result
