"""Participants: a Telegram user, their private chat and their chosen language."""

from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime

from storage.db import Database


@dataclass(frozen=True)
class Participant:
    """One resident as the bot knows them; no votes, no message texts."""

    user_id: int
    chat_id: int
    language: str | None
    created_at: str
    updated_at: str
    consent_at: str | None = None


def now() -> str:
    """The current time as stored: ISO 8601 in UTC."""
    return datetime.now(UTC).isoformat(timespec="seconds")


# Every update needs its sender's language and consent; only this module writes the table, so
# recent rows are kept in memory (bounded) and each write drops the row it changed.
CACHE, GENERATION, CACHE_SIZE = "participants", "participants.generation", 10_000


def _cache(db: Database) -> OrderedDict[int, Participant | None]:
    return db.memo.setdefault(CACHE, OrderedDict())


def _forget(db: Database, user_id: int) -> None:
    db.memo[GENERATION] = db.memo.get(GENERATION, 0) + 1
    _cache(db).pop(user_id, None)


async def get(db: Database, user_id: int) -> Participant | None:
    """The participant with this Telegram user id, or None."""
    cache = _cache(db)
    if user_id in cache:
        cache.move_to_end(user_id)
        return cache[user_id]
    generation = db.memo.get(GENERATION, 0)
    row = await db.fetchone(
        "SELECT user_id, chat_id, language, created_at, updated_at, consent_at FROM participants "
        "WHERE user_id = ?",
        (user_id,),
    )
    found = Participant(*row) if row else None
    if db.memo.get(GENERATION, 0) == generation:  # no write overlapped this read
        cache[user_id] = found
        if len(cache) > CACHE_SIZE:
            cache.popitem(last=False)
    return found


async def remember(db: Database, user_id: int, chat_id: int) -> None:
    """Record that a user talks to the bot in this chat (kept language untouched)."""
    stamp = now()
    async with db.transaction() as connection:
        await connection.execute(
            "INSERT INTO participants (user_id, chat_id, language, created_at, updated_at) "
            "VALUES (?, ?, NULL, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
            "chat_id = excluded.chat_id, updated_at = excluded.updated_at "
            "WHERE participants.chat_id != excluded.chat_id",
            (user_id, chat_id, stamp, stamp),
        )
    _forget(db, user_id)


async def set_language(db: Database, user_id: int, chat_id: int, language: str) -> None:
    """Store the user's chosen language (creating the participant if new)."""
    stamp = now()
    async with db.transaction() as connection:
        await connection.execute(
            "INSERT INTO participants (user_id, chat_id, language, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
            "chat_id = excluded.chat_id, language = excluded.language, "
            "updated_at = excluded.updated_at",
            (user_id, chat_id, language, stamp, stamp),
        )
    _forget(db, user_id)


async def keep_language(db: Database, user_id: int, chat_id: int, language: str) -> None:
    """Store the language the resident reads in, unless they chose one (creating the
    participant if new); news to subscribers go out in the stored language."""
    stamp = now()
    async with db.transaction() as connection:
        await connection.execute(
            "INSERT INTO participants (user_id, chat_id, language, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
            "chat_id = excluded.chat_id, updated_at = excluded.updated_at, "
            "language = COALESCE(participants.language, excluded.language)",
            (user_id, chat_id, language, stamp, stamp),
        )
    _forget(db, user_id)


async def count(db: Database) -> int:
    """How many participants there are."""
    row = await db.fetchone("SELECT COUNT(*) FROM participants")
    return int(row[0]) if row else 0


async def give_consent(db: Database, user_id: int, chat_id: int) -> None:
    """Record that the user agreed to have their (pseudonymous) ballot stored."""
    stamp = now()
    async with db.transaction() as connection:
        await connection.execute(
            "INSERT INTO participants (user_id, chat_id, language, created_at, updated_at, "
            "consent_at) VALUES (?, ?, NULL, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
            "consent_at = COALESCE(participants.consent_at, excluded.consent_at)",
            (user_id, chat_id, stamp, stamp, stamp),
        )
    _forget(db, user_id)


async def has_consent(db: Database, user_id: int) -> bool:
    """True when the user agreed before."""
    row = await db.fetchone("SELECT consent_at FROM participants WHERE user_id = ?", (user_id,))
    return bool(row and row[0])
