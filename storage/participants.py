"""Participants: a Telegram user, their private chat and their chosen language."""

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


async def get(db: Database, user_id: int) -> Participant | None:
    """The participant with this Telegram user id, or None."""
    row = await db.fetchone(
        "SELECT user_id, chat_id, language, created_at, updated_at, consent_at FROM participants "
        "WHERE user_id = ?",
        (user_id,),
    )
    return Participant(*row) if row else None


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


async def has_consent(db: Database, user_id: int) -> bool:
    """True when the user agreed before."""
    row = await db.fetchone("SELECT consent_at FROM participants WHERE user_id = ?", (user_id,))
    return bool(row and row[0])
