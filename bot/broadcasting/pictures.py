"""The picture a broadcast may carry (the results chart), one per language.

The first delivery in a language uploads the PNG; Telegram answers with a file id, which is
kept (in memory and in the outbox) so that every later delivery sends only the id. Until the
first upload of a language is over, the other deliveries of that language wait for it, so the
picture is uploaded once per language, not once per subscriber.
"""

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from telegram import Message

from storage import outbox
from storage.db import Database

log = logging.getLogger(__name__)

Send = Callable[[bytes | str], Awaitable[Message]]


@dataclass
class Picture:
    """One language's picture: its bytes and, once uploaded, Telegram's file id."""

    png: bytes
    file_id: str | None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class Pictures:
    """The pictures of one broadcast, by language."""

    def __init__(self, db: Database, broadcast_id: int, found: dict[str, Picture]) -> None:
        self.db, self.broadcast_id, self._found = db, broadcast_id, found

    @classmethod
    async def load(cls, db: Database, broadcast_id: int) -> "Pictures":
        """The broadcast's pictures (none for most broadcasts)."""
        stored = await outbox.images(db, broadcast_id)
        return cls(
            db, broadcast_id, {k: Picture(png, file_id) for k, (png, file_id) in stored.items()}
        )

    def __bool__(self) -> bool:
        return bool(self._found)

    def language_of(self, language: str) -> str | None:
        """The language whose picture a reader of `language` gets (their own; a broadcast
        made for fewer languages: the first it has), or None for a broadcast without one."""
        if language in self._found:
            return language
        return next(iter(self._found), None)

    async def send(self, language: str, send: Send) -> None:
        """Send the picture of `language` with `send` (photo: bytes or file id)."""
        picture = self._found[language]
        if picture.file_id is None:
            async with picture.lock:
                if picture.file_id is None:
                    message = await send(picture.png)
                    if message.photo:
                        picture.file_id = message.photo[-1].file_id
                        try:
                            await outbox.remember_file_id(
                                self.db, self.broadcast_id, language, picture.file_id
                            )
                        except sqlite3.Error as exc:  # kept in memory; after a restart the
                            # picture is uploaded once more, nothing worse
                            log.warning("cannot keep the picture's file id (%s)", exc)
                    return
        assert picture.file_id is not None
        await send(picture.file_id)
