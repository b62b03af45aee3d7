"""The bot's own bookkeeping, one value per key (table bot_state): the profile texts last set
in Telegram, the webhook's secret, when the last update was handled, staff's news drafts
not yet published. Not staff settings: no audit entry (publishing a draft is audited), and
nothing about residents is stored here."""

from storage.db import Database
from storage.participants import now


async def get(db: Database, key: str) -> str | None:
    """The stored value, or None."""
    row = await db.fetchone("SELECT value FROM bot_state WHERE key = ?", (key,))
    return None if row is None else str(row[0])


async def get_all(db: Database, prefix: str) -> dict[str, str]:
    """All stored values whose key starts with `prefix`."""
    rows = await db.fetchall(
        "SELECT key, value FROM bot_state WHERE substr(key, 1, ?) = ?", (len(prefix), prefix)
    )
    return {str(row[0]): str(row[1]) for row in rows}


async def put(db: Database, key: str, value: str) -> None:
    """Store a value (replacing the old one)."""
    async with db.transaction() as connection:
        await connection.execute(
            "INSERT INTO bot_state (key, value, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at",
            (key, value, now()),
        )
