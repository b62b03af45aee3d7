"""The audit log: staff actions and refused staff attempts, never residents' messages."""

from storage.db import Database
from storage.participants import now


async def record(db: Database, actor_id: int | None, action: str, detail: str = "") -> None:
    """Append one entry (who, what, a short detail without personal message contents)."""
    async with db.transaction() as connection:
        await connection.execute(
            "INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?, ?, ?, ?)",
            (now(), actor_id, action, detail),
        )


async def entries(
    db: Database, action: str | None = None
) -> list[tuple[str, int | None, str, str]]:
    """All entries, oldest first, optionally only one kind of action."""
    sql = "SELECT at, actor_id, action, detail FROM audit_log"
    params: tuple[str, ...] = ()
    if action is not None:
        sql += " WHERE action = ?"
        params = (action,)
    rows = await db.fetchall(sql + " ORDER BY id", params)
    return [(r[0], r[1], r[2], r[3]) for r in rows]
