"""Helpers for the broadcast stories: subscribers, waiting for a broadcast, counting messages."""

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.emulated import EmulatedBot
from storage import outbox

FIRST = 50_000


async def add_subscribers(bot_or_path, languages: list[str], first: int = FIRST) -> list[int]:
    """Residents who subscribed earlier (written as the bot stores them), one per language."""
    path = bot_or_path.database_path if isinstance(bot_or_path, EmulatedBot) else Path(bot_or_path)
    # In a thread: the running bot may be in the middle of a transaction on the event loop.
    users = await asyncio.to_thread(_write, path, languages, first)
    if isinstance(bot_or_path, EmulatedBot):
        for user, language in zip(users, languages, strict=True):
            bot_or_path.fake.add_user(user, language_code=language)
    return users


def _write(path: Path, languages: list[str], first: int) -> list[int]:
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    users = []
    with sqlite3.connect(path, timeout=10) as connection:
        for n, language in enumerate(languages):
            user = first + n
            connection.execute(
                "INSERT INTO participants (user_id, chat_id, language, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (user, user, language, stamp, stamp),
            )
            connection.execute(
                "INSERT INTO subscriptions (chat_id, user_id, active, subscribed_at) "
                "VALUES (?, ?, 1, ?)",
                (user, user, stamp),
            )
            users.append(user)
    return users


async def finished(bot: EmulatedBot, broadcast_id: int, timeout: float = 20.0) -> outbox.Broadcast:
    """Wait until the broadcast is done or cancelled (the worker runs on its own: poll)."""
    for _ in range(int(timeout / 0.05)):
        found = await outbox.get(bot.services.database, broadcast_id)
        if found is not None and found.state in ("done", "cancelled"):
            return found
        await asyncio.sleep(0.05)
    raise TimeoutError(f"broadcast {broadcast_id} did not finish in {timeout} s")


def received(bot: EmulatedBot, user: int) -> list[str]:
    """The texts of the messages a chat got from the bot (as the reader sees them)."""
    return [m.plain_text or "" for m in bot.fake.bot_messages(user)]
