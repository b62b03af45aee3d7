"""Telling a proposer what staff decided, in the proposer's language (their participant
language, else the procedure's default). A message that cannot be delivered (the resident
blocked the bot, Telegram is down) is logged without personal data and never stops the
review: the decision is stored already."""

import logging

from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.chat.context import ChatContext
from bot.chat.text import escape
from bot.i18n import Translator
from bot.measures.proposal_screens import reason_label
from bot.measures.windows import measures_window
from bot.voting.window import Window, WindowState
from storage import measures as stored
from storage import participants
from storage.measures import APPROVED, MERGED, REJECTED, Measure

log = logging.getLogger(__name__)


def choosing_line(t: Translator, voting: Window | None) -> str:
    """When residents can choose an approved measure: later, now (until when), or no more."""
    if voting is None or voting.state() is WindowState.BEFORE:
        return t.gettext("Residents can choose it when choosing measures opens.")
    if voting.state() is WindowState.OPEN:
        return t.gettext(
            "Choosing measures is open until %(date)s.", date=t.datetime(voting.closes)
        )
    return t.gettext("Choosing measures is closed.")


def decision_text(
    t: Translator,
    currency: str,
    measure: Measure,
    other_title: str = "",
    voting: Window | None = None,
) -> str:
    """The message to the proposer about a decided proposal ("" for other states); `voting`:
    the window in force, to say when residents can choose an approved measure."""
    title = escape(measure.text(measure.language)[0].title)
    if measure.state == APPROVED and measure.cost is not None:
        lines = [
            t.gettext("Your proposal “%(title)s” was approved.", title=title),
            t.gettext("Estimated cost: %(amount)s.", amount=t.money(measure.cost, currency)),
            choosing_line(t, voting),
        ]
    elif measure.state == REJECTED:
        lines = [
            t.gettext("Your proposal “%(title)s” was not accepted.", title=title),
            t.gettext("Reason: %(reason)s", reason=reason_label(t, measure.reason)),
        ]
        if measure.note:
            lines.append(t.gettext("Note from staff: %(note)s", note=escape(measure.note)))
    elif measure.state == MERGED:
        lines = [
            t.gettext(
                "Your proposal “%(title)s” is the same as a measure that is already on the "
                "list, “%(other)s”: the two were merged.",
                title=title,
                other=escape(other_title),
            ),
        ]
    else:
        return ""
    heading = "<b>{}</b>".format(t.gettext("💡 Measures"))
    return "\n\n".join([heading, "\n".join(lines)])


async def tell_proposer(context: ChatContext, measure_id: int) -> bool:
    """Send the decision to the proposer; False when there is nobody to tell or it failed."""
    measure = await stored.get(context.db, measure_id)
    measures = context.procedure.measures
    if measure is None or measure.proposer_id is None or measures is None:
        return False
    proposer = await participants.get(context.db, measure.proposer_id)
    if proposer is None:
        return False
    language = proposer.language or measure.language
    if language not in context.procedure.languages:
        language = context.procedure.default_language
    t = context.services.catalogs.translator(language)
    other = await stored.get(context.db, measure.merged_into) if measure.merged_into else None
    voting = await measures_window(context.db, context.procedure, "voting")
    other_title = other.text(language)[0].title if other else ""
    text = decision_text(t, measures.currency, measure, other_title, voting)
    if not text:
        return False
    try:
        await context.bot.send_message(proposer.chat_id, t.bidi(text), parse_mode=ParseMode.HTML)
    except TelegramError as exc:
        log.warning("a proposer was not told of decision #%d: %s", measure_id, type(exc).__name__)
        return False
    return True
