"""Runtime settings that staff change while the bot runs (the voting window, the phases).

Read on every vote, written by a staff command now and then: the whole table is kept in
memory, and `set_many` (the only writer) forgets it once its write is over.
"""

from storage.db import Database
from storage.participants import now


class _Values:
    """The table as last read, and a generation that every write moves on: a read that
    overlapped a write is not kept."""

    def __init__(self) -> None:
        self.values: dict[str, str] | None = None
        self.generation = 0


async def _all(db: Database) -> dict[str, str]:
    cached = db.cache(_Values)
    if cached.values is not None:
        return cached.values
    generation = cached.generation
    rows = await db.fetchall("SELECT key, value FROM runtime_settings")
    values = {row[0]: row[1] for row in rows}
    if cached.generation == generation:
        cached.values = values
    return values


async def get_all(db: Database, prefix: str) -> dict[str, str]:
    """All stored values whose key starts with `prefix`."""
    return {k: v for k, v in (await _all(db)).items() if k.startswith(prefix)}


async def set_many(
    db: Database, values: dict[str, str], actor_id: int | None, action: str, detail: str
) -> None:
    """Store values and the audit entry for the change in one transaction."""
    stamp = now()
    cached = db.cache(_Values)
    try:
        async with db.transaction() as connection:
            for key, value in values.items():
                await connection.execute(
                    "INSERT INTO runtime_settings (key, value, updated_at, updated_by) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                    "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                    (key, value, stamp, actor_id),
                )
            await connection.execute(
                "INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?, ?, ?, ?)",
                (stamp, actor_id, action, detail),
            )
    finally:
        cached.generation += 1
        cached.values = None
