"""Runtime settings that staff change while the bot runs (e.g. the voting window)."""

from storage.db import Database
from storage.participants import now


async def get(db: Database, key: str) -> str | None:
    """The stored value, or None if staff never set it."""
    row = await db.fetchone("SELECT value FROM runtime_settings WHERE key = ?", (key,))
    return row[0] if row else None


async def get_all(db: Database, prefix: str) -> dict[str, str]:
    """All stored values whose key starts with `prefix`."""
    rows = await db.fetchall(
        "SELECT key, value FROM runtime_settings WHERE key LIKE ? ESCAPE '\\'",
        (prefix.replace("_", "\\_").replace("%", "\\%") + "%",),
    )
    return {row[0]: row[1] for row in rows}


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
