"""The news archive: the procedure's published updates, shown by /status, newest first.

Titles and bodies are Telegram HTML, ready to send (the /news command escapes what staff
typed); a title may be empty (a broadcast's message is one text). Publishing writes the item,
its texts and the audit entry in one transaction.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from storage.db import Database
from storage.participants import now


@dataclass(frozen=True)
class NewsText:
    """A news item in one language (Telegram HTML; the title may be empty)."""

    title: str
    body: str


@dataclass(frozen=True)
class NewsItem:
    """One published news item with its texts per language."""

    id: int
    published_at: str  # ISO 8601, UTC
    author_id: int | None
    phase_id: str | None
    texts: Mapping[str, NewsText]

    def text(self, language: str, default: str) -> tuple[NewsText, str]:
        """The text in `language`, else in the default language; and the language it is in."""
        if language in self.texts:
            return self.texts[language], language
        return self.texts[default], default


_ITEMS = (
    "SELECT n.id, n.published_at, n.author_id, n.phase_id, t.language, t.title, t.body "
    "FROM ({}) n JOIN news_texts t ON t.news_id = n.id ORDER BY n.id DESC, t.language"
)


def _items(rows: Iterable[Sequence[Any]]) -> list[NewsItem]:
    heads: dict[int, tuple[str, int | None, str | None]] = {}
    texts: dict[int, dict[str, NewsText]] = {}
    for news_id, published_at, author_id, phase_id, language, title, body in rows:
        heads.setdefault(news_id, (published_at, author_id, phase_id))
        texts.setdefault(news_id, {})[language] = NewsText(title, body)
    return [NewsItem(news_id, *head, texts[news_id]) for news_id, head in heads.items()]


async def publish(
    db: Database,
    author_id: int | None,
    texts: Mapping[str, NewsText],
    *,
    phase_id: str | None = None,
) -> int:
    """Store a news item (texts per language; the default language must be among them, as
    readers without a translation get it) and audit it; returns its id.

    `phase_id` records that the item came with a change of the current phase (the change
    itself is bot.status.set_current)."""
    if not texts:
        raise ValueError("a news item needs at least one text")
    async with db.transaction() as connection:
        return await _insert(connection, author_id, texts, phase_id)


async def publish_once(
    db: Database, author_id: int | None, texts: Mapping[str, NewsText], *, since: datetime
) -> tuple[int, bool]:
    """Publish as `publish` does, unless this author published these very texts (without a
    phase change) at or after `since`: then nothing is written. Returns the item's id and
    whether it is new. A message delivered again (after a crash) is so published once.

    The check and the insert run in one transaction: two copies racing publish one item."""
    if not texts:
        raise ValueError("a news item needs at least one text")
    stamp = since.astimezone(UTC).isoformat(timespec="seconds")
    async with db.transaction() as connection:
        rows = await connection.execute_fetchall(
            "SELECT n.id, t.language, t.title, t.body FROM news n "
            "JOIN news_texts t ON t.news_id = n.id "
            "WHERE n.author_id IS ? AND n.phase_id IS NULL AND n.published_at >= ? "
            "ORDER BY n.id",
            (author_id, stamp),
        )
        earlier: dict[int, dict[str, NewsText]] = {}
        for news_id, language, title, body in rows:
            earlier.setdefault(news_id, {})[language] = NewsText(title, body)
        for news_id, written in earlier.items():
            if written == dict(texts):
                return news_id, False
        return await _insert(connection, author_id, texts, None), True


async def _insert(
    connection: aiosqlite.Connection,
    author_id: int | None,
    texts: Mapping[str, NewsText],
    phase_id: str | None,
) -> int:
    # The item, its texts and the audit entry, inside the caller's transaction.
    stamp = now()
    cursor = await connection.execute(
        "INSERT INTO news (published_at, author_id, phase_id) VALUES (?, ?, ?)",
        (stamp, author_id, phase_id),
    )
    news_id = int(cursor.lastrowid or 0)
    await connection.executemany(
        "INSERT INTO news_texts (news_id, language, title, body) VALUES (?, ?, ?, ?)",
        [(news_id, lang, text.title, text.body) for lang, text in sorted(texts.items())],
    )
    await connection.execute(
        "INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?, ?, ?, ?)",
        (stamp, author_id, "news.publish", f"#{news_id} {','.join(sorted(texts))}"),
    )
    return news_id


async def count(db: Database) -> int:
    """How many news items are published."""
    row = await db.fetchone("SELECT COUNT(*) FROM news")
    return int(row[0]) if row else 0


async def latest(db: Database, limit: int, offset: int = 0) -> list[NewsItem]:
    """`limit` news items, newest first, after skipping the `offset` newest (one query)."""
    page = "SELECT * FROM news ORDER BY id DESC LIMIT ? OFFSET ?"
    return _items(await db.fetchall(_ITEMS.format(page), (limit, offset)))


async def get(db: Database, news_id: int) -> NewsItem | None:
    """One news item, or None."""
    found = _items(await db.fetchall(_ITEMS.format("SELECT * FROM news WHERE id = ?"), (news_id,)))
    return found[0] if found else None
