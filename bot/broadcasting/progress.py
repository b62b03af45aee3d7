"""What staff see while their broadcast goes out: one progress message, then the report."""

import math
from datetime import UTC, datetime

from telegram import Bot
from telegram.error import BadRequest

from bot.i18n import Catalogs, Translator
from bot.procedure import Procedure
from storage import participants
from storage.db import Database
from storage.outbox import Broadcast


def progress_text(t: Translator, broadcast: Broadcast, counts: dict[str, int], rate: float,
                  final: bool) -> str:  # fmt: skip
    """The progress (or final report) in the staff member's language."""
    remaining = counts["pending"] + counts["sending"]
    lines = [
        t.gettext("Broadcast #%(id)d finished.", id=broadcast.id)
        if final
        else t.gettext("Broadcast #%(id)d is being sent…", id=broadcast.id),
        t.gettext(
            "Sent: %(sent)d · failed: %(failed)d · blocked: %(blocked)d · remaining: %(left)d",
            sent=counts["sent"],
            failed=counts["failed"],
            blocked=counts["blocked"],
            left=remaining,
        ),
    ]
    if broadcast.state == "cancelled":
        lines.append(t.gettext("Cancelled: %(count)d were not sent.", count=counts["cancelled"]))
    if not final and rate > 0:
        lines.append(
            t.gettext(
                "%(rate).1f messages per second, about %(minutes)d min left.",
                rate=rate,
                minutes=math.ceil(remaining / rate / 60),
            )
        )
    if broadcast.late:
        lines.append(t.gettext("Sent late: the bot was not running at the planned time."))
    return "\n".join(lines)


class ProgressMessages:
    """Keeps one progress message per broadcast in its author's chat and edits it."""

    def __init__(self, bot: Bot, db: Database, catalogs: Catalogs, procedure: Procedure) -> None:
        self.bot, self.db, self.catalogs, self.procedure = bot, db, catalogs, procedure
        self._messages: dict[int, int] = {}
        self.updated: dict[int, datetime] = {}

    async def __call__(
        self, broadcast: Broadcast, counts: dict[str, int], rate: float, final: bool
    ) -> None:
        """Send or edit the author's progress message (system broadcasts have no author)."""
        if broadcast.author_id is None:
            return
        author = await participants.get(self.db, broadcast.author_id)
        language = author.language if author and author.language else None
        t = self.catalogs.translator(language or self.procedure.default_language)
        text = t.bidi(progress_text(t, broadcast, counts, rate, final))
        message_id = self._messages.get(broadcast.id)
        self.updated[broadcast.id] = datetime.now(UTC)
        if message_id is not None:
            try:
                await self.bot.edit_message_text(text, broadcast.author_id, message_id)
                if final:
                    self._messages.pop(broadcast.id, None)
                return
            except BadRequest as exc:
                if "message is not modified" in exc.message.lower():
                    return
        sent = await self.bot.send_message(broadcast.author_id, text)
        if not final:
            self._messages[broadcast.id] = sent.message_id
