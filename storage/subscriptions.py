"""Subscriptions to the procedure's news: one row per private chat that ever subscribed.

A subscription has no language of its own: it follows the participant's language, so a
resident who switches the language gets the news in the new one. Each change sets a state
("subscribed", "unsubscribed", "blocked") and says whether it changed anything, so a replayed
update or a second tap changes nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from storage.db import Database
from storage.participants import now


@dataclass(frozen=True)
class Subscriber:
    """An active subscriber: where to send, and in which language (the participant's now)."""

    chat_id: int
    language: str


async def is_active(db: Database, chat_id: int) -> bool:
    """True when the chat gets the news."""
    row = await db.fetchone("SELECT active FROM subscriptions WHERE chat_id = ?", (chat_id,))
    return bool(row and row[0])


async def subscribe(db: Database, user_id: int, chat_id: int) -> bool:
    """Subscribe the chat (the participant must exist); False when it already was subscribed.

    Coming back after /unsubscribe or after blocking the bot starts a fresh subscription.
    """
    async with db.transaction() as connection:
        cursor = await connection.execute(
            "INSERT INTO subscriptions (chat_id, user_id, active, subscribed_at) "
            "VALUES (?, ?, 1, ?) ON CONFLICT (chat_id) DO UPDATE SET active = 1, "
            "user_id = excluded.user_id, subscribed_at = excluded.subscribed_at, "
            "unsubscribed_at = NULL, blocked_at = NULL WHERE subscriptions.active = 0",
            (chat_id, user_id, now()),
        )
        return cursor.rowcount == 1


async def unsubscribe(db: Database, chat_id: int) -> bool:
    """End the subscription at the resident's wish; False when there was none active."""
    async with db.transaction() as connection:
        cursor = await connection.execute(
            "UPDATE subscriptions SET active = 0, unsubscribed_at = ? "
            "WHERE chat_id = ? AND active = 1",
            (now(), chat_id),
        )
        return cursor.rowcount == 1


async def mark_blocked(db: Database, chat_id: int) -> bool:
    """The resident blocked the bot: end the subscription at once (no failed sends later).

    False when the chat had no active subscription (then nothing is stored about the block).
    """
    async with db.transaction() as connection:
        cursor = await connection.execute(
            "UPDATE subscriptions SET active = 0, blocked_at = ? WHERE chat_id = ? AND active = 1",
            (now(), chat_id),
        )
        return cursor.rowcount == 1


async def set_reminder(db: Database, chat_id: int, wanted: bool) -> bool | None:
    """Ask for (or stop) the one reminder before voting closes. None: no active subscription;
    False: it already was so; True: changed."""
    async with db.transaction() as connection:
        rows = list(
            await connection.execute_fetchall(
                "SELECT reminders FROM subscriptions WHERE chat_id = ? AND active = 1", (chat_id,)
            )
        )
        if not rows:
            return None
        if bool(rows[0][0]) == wanted:
            return False
        await connection.execute(
            "UPDATE subscriptions SET reminders = ? WHERE chat_id = ?", (int(wanted), chat_id)
        )
    return True


# Active subscribers with the language they read now: the participant's choice, else the
# procedure's default (the one parameter). The outbox fixes a broadcast's audience with it.
ACTIVE_SUBSCRIBERS = (
    "SELECT s.chat_id AS chat_id, COALESCE(p.language, ?) AS language FROM subscriptions s "
    "JOIN participants p ON p.user_id = s.user_id WHERE s.active = 1"
)


async def active(
    db: Database, default_language: str, languages: Iterable[str] | None = None
) -> list[Subscriber]:
    """Active subscribers with the language they read now (participant's choice, else the
    procedure's default), optionally only those of `languages`; ordered by chat id."""
    rows = await db.fetchall(
        f"SELECT chat_id, language FROM ({ACTIVE_SUBSCRIBERS}) ORDER BY chat_id",
        (default_language,),
    )
    wanted = set(languages) if languages is not None else None
    return [Subscriber(r[0], r[1]) for r in rows if wanted is None or r[1] in wanted]
