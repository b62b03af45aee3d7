"""Runtime settings that staff change while the bot runs (e.g. the voting window)."""

from storage.db import Database
from storage.participants import now

MEMO, GENERATION = "runtime_settings", "runtime_settings.generation"


async def _all(db: Database) -> dict[str, str]:
    # Read on every vote, written by a staff command now and then: kept in memory and dropped
    # by set_many (the only writer). A read that overlapped a write is not kept.
    if MEMO in db.memo:
        return db.memo[MEMO]
    generation = db.memo.get(GENERATION, 0)
    rows = await db.fetchall("SELECT key, value FROM runtime_settings")
    values = {row[0]: row[1] for row in rows}
    if db.memo.get(GENERATION, 0) == generation:
        db.memo[MEMO] = values
    return values


async def get(db: Database, key: str) -> str | None:
    """The stored value, or None if staff never set it."""
    return (await _all(db)).get(key)


async def get_all(db: Database, prefix: str) -> dict[str, str]:
    """All stored values whose key starts with `prefix`."""
    return {k: v for k, v in (await _all(db)).items() if k.startswith(prefix)}


async def set_many(
    db: Database, values: dict[str, str], actor_id: int | None, action: str, detail: str
) -> None:
    """Store values and the audit entry for the change in one transaction."""
    stamp = now()
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
    db.memo[GENERATION] = db.memo.get(GENERATION, 0) + 1
    db.memo.pop(MEMO, None)
