"""What staff see while their broadcast goes out: one progress message, then the report.

The progress says when the broadcast waits (Telegram not answering, or the bot's database not
taking writes) and how many deliveries are uncertain (no answer from Telegram: they may or may
not have arrived, and are not sent again on their own). The final report then offers to send
the message again to exactly those (bot/broadcasting/uncertain.py).
"""

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.broadcasting.buttons import ResendUncertain
from bot.chat.buttons import Button, markup
from bot.i18n import Catalogs, Translator
from bot.procedure import Procedure
from storage import participants
from storage.db import Database
from storage.outbox import UNCERTAIN, Broadcast


@dataclass(frozen=True)
class Waiting:
    """Why a broadcast is not moving: Telegram does not answer (`telegram`), or the bot's
    database cannot be written; since when, and the seconds to the next try."""

    telegram: bool
    since: datetime
    next_try: float


def progress_text(t: Translator, broadcast: Broadcast, counts: dict[str, int], rate: float,
                  final: bool, waiting: Waiting | None = None) -> str:  # fmt: skip
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
    uncertain = counts.get(UNCERTAIN, 0)
    if uncertain:
        lines.append(
            t.gettext(
                "Uncertain: %(count)d (Telegram did not answer: they may or may not have "
                "arrived; they are not sent again on their own).",
                count=uncertain,
            )
        )
    if broadcast.resend_of is not None:
        lines.append(
            t.gettext("Sent again to the uncertain recipients of #%(id)d.", id=broadcast.resend_of)
        )
    if broadcast.state == "cancelled":
        lines.append(t.gettext("Cancelled: %(count)d were not sent.", count=counts["cancelled"]))
    if waiting is not None:
        since = t.datetime(waiting.since)
        seconds = max(1, math.ceil(waiting.next_try))
        lines.append(
            t.gettext(
                "Waiting for Telegram: it has not answered since %(since)s. Next try in "
                "%(seconds)d s; sending continues where it stopped.",
                since=since,
                seconds=seconds,
            )
            if waiting.telegram
            else t.gettext(
                "Waiting: the bot cannot write to its database since %(since)s (is the disk "
                "full?). Next try in %(seconds)d s; sending continues where it stopped.",
                since=since,
                seconds=seconds,
            )
        )
    elif not final and rate > 0:
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


def report_buttons(
    t: Translator, broadcast: Broadcast, counts: dict[str, int], final: bool
) -> InlineKeyboardMarkup | None:
    """The final report's button: send again to the uncertain recipients, if there are any."""
    uncertain = counts.get(UNCERTAIN, 0)
    if not final or not uncertain:
        return None
    label = t.ngettext(
        "Send again to the uncertain one",
        "Send again to the %(count)d uncertain",
        uncertain,
    )
    return markup([[Button(t.bidi(label), ResendUncertain(broadcast.id))]])


class ProgressMessages:
    """Keeps one progress message per broadcast in its author's chat and edits it."""

    def __init__(self, bot: Bot, db: Database, catalogs: Catalogs, procedure: Procedure) -> None:
        self.bot, self.db, self.catalogs, self.procedure = bot, db, catalogs, procedure
        self._messages: dict[int, int] = {}
        self.updated: dict[int, datetime] = {}

    async def __call__(
        self,
        broadcast: Broadcast,
        counts: dict[str, int],
        rate: float,
        final: bool,
        waiting: Waiting | None = None,
    ) -> None:
        """Send or edit the author's progress message (system broadcasts have no author)."""
        if broadcast.author_id is None:
            return
        author = await participants.get(self.db, broadcast.author_id)
        language = author.language if author and author.language else None
        t = self.catalogs.translator(language or self.procedure.default_language)
        text = t.bidi(progress_text(t, broadcast, counts, rate, final, waiting))
        keyboard = report_buttons(t, broadcast, counts, final)
        message_id = self._messages.get(broadcast.id)
        self.updated[broadcast.id] = datetime.now(UTC)
        if message_id is not None:
            try:
                await self.bot.edit_message_text(
                    text, broadcast.author_id, message_id, reply_markup=keyboard
                )
                if final:
                    self._messages.pop(broadcast.id, None)
                return
            except BadRequest as exc:
                if "message is not modified" in exc.message.lower():
                    return
        sent = await self.bot.send_message(broadcast.author_id, text, reply_markup=keyboard)
        if not final:
            self._messages[broadcast.id] = sent.message_id
