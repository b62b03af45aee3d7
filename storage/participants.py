"""Participants: a Telegram user, their private chat, their chosen language and consent.

Every update needs its sender's language and consent, and only this module writes the table;
so recent rows are kept in memory (bounded), and each write forgets the row it changed.
"""

from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime

import aiosqlite

from storage.db import Database

CACHE_SIZE = 10_000


@dataclass(frozen=True)
class Participant:
    """One resident as the bot knows them; no votes, no message texts."""

    user_id: int
    chat_id: int
    language: str | None
    created_at: str
    updated_at: str
    consent_at: str | None = None
    voted: bool = False  # that they voted (never what): participation per language counts it


def now() -> str:
    """The current time as stored: ISO 8601 in UTC."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class _Recent:
    """Participants read lately, and a generation that every write moves on: a read that
    overlapped a write is not kept (it may have missed the change)."""

    def __init__(self) -> None:
        self.rows: OrderedDict[int, Participant | None] = OrderedDict()
        self.generation = 0

    def forget(self, user_id: int) -> None:
        self.generation += 1
        self.rows.pop(user_id, None)


async def get(db: Database, user_id: int) -> Participant | None:
    """The participant with this Telegram user id, or None."""
    recent = db.cache(_Recent)
    if user_id in recent.rows:
        recent.rows.move_to_end(user_id)
        return recent.rows[user_id]
    generation = recent.generation
    row = await db.fetchone(
        "SELECT user_id, chat_id, language, created_at, updated_at, consent_at, voted "
        "FROM participants WHERE user_id = ?",
        (user_id,),
    )
    found = None
    if row:
        user, chat, language, created, updated, consent, voted = row
        found = Participant(user, chat, language, created, updated, consent, bool(voted))
    if recent.generation == generation:
        recent.rows[user_id] = found
        if len(recent.rows) > CACHE_SIZE:
            recent.rows.popitem(last=False)
    return found


async def _upsert(
    db: Database, user_id: int, chat_id: int, language: str | None, consent: bool, update: str
) -> None:
    # Each change is one statement (atomic by itself): create the participant if new, else
    # apply `update`. The cached row is forgotten whatever happened to the write.
    stamp = now()
    try:
        await db.write(
            "INSERT INTO participants (user_id, chat_id, language, created_at, updated_at, "
            "consent_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET " + update,
            (user_id, chat_id, language, stamp, stamp, stamp if consent else None),
        )
    finally:
        db.cache(_Recent).forget(user_id)


async def remember(db: Database, user_id: int, chat_id: int) -> None:
    """Record that a user talks to the bot in this chat (kept language untouched)."""
    await _upsert(
        db, user_id, chat_id, None, False,
        "chat_id = excluded.chat_id, updated_at = excluded.updated_at "
        "WHERE participants.chat_id != excluded.chat_id",
    )  # fmt: skip


async def set_language(db: Database, user_id: int, chat_id: int, language: str) -> None:
    """Store the user's chosen language (creating the participant if new)."""
    await _upsert(
        db, user_id, chat_id, language, False,
        "chat_id = excluded.chat_id, language = excluded.language, "
        "updated_at = excluded.updated_at",
    )  # fmt: skip


async def keep_language(db: Database, user_id: int, chat_id: int, language: str) -> None:
    """Store the language the resident reads in, unless they chose one (creating the
    participant if new); news to subscribers go out in the stored language."""
    await _upsert(
        db, user_id, chat_id, language, False,
        "chat_id = excluded.chat_id, updated_at = excluded.updated_at, "
        "language = COALESCE(participants.language, excluded.language)",
    )  # fmt: skip


async def give_consent(db: Database, user_id: int, chat_id: int) -> None:
    """Record that the user agreed to have their (pseudonymous) ballot stored."""
    await _upsert(
        db, user_id, chat_id, None, True,
        "consent_at = COALESCE(participants.consent_at, excluded.consent_at)",
    )  # fmt: skip


async def mark_voted(
    db: Database, user_id: int, voted: bool = True, language: str | None = None
) -> None:
    """Mark that the participant has a ballot (or, False, no longer has one). `language`: the
    language they read in, kept unless they chose one (participation per language counts it)."""
    try:
        await db.write(
            "UPDATE participants SET voted = ?, language = COALESCE(language, ?) "
            "WHERE user_id = ? AND (voted != ? OR (language IS NULL AND ? IS NOT NULL))",
            (int(voted), language, user_id, int(voted), language),
        )
    finally:
        db.cache(_Recent).forget(user_id)


def forget(db: Database, user_id: int) -> None:
    """Forget the cached row: called after a transaction that changed it ended (committed or
    not), so that no read that overlapped the change is kept."""
    db.cache(_Recent).forget(user_id)


async def withdraw_consent(connection: aiosqlite.Connection, user_id: int) -> None:
    """Inside a caller's transaction: the participant no longer agrees to vote (their ballot
    goes in the same transaction, storage/privacy.py); language and subscription stay. The
    caller calls `forget` once the transaction is over."""
    await connection.execute(
        "UPDATE participants SET consent_at = NULL, voted = 0 WHERE user_id = ?", (user_id,)
    )


async def erase(connection: aiosqlite.Connection, user_id: int) -> bool:
    """Inside a caller's transaction: delete the participant (their subscription goes with
    them: foreign key ON DELETE CASCADE). True when there was one. The caller calls `forget`
    once the transaction is over."""
    cursor = await connection.execute("DELETE FROM participants WHERE user_id = ?", (user_id,))
    return cursor.rowcount > 0
