"""A screen (text + buttons) and how it reaches the reader: a new message or an edit.

Everything a resident reads passes through `show`, which marks right-to-left text and
button labels for Arabic and Persian, so no handler can forget it.
"""

import asyncio
import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from telegram import CallbackQuery, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import CallbackContext

from bot.i18n import Translator
from bot.keyboards import Button, markup


def escape(text: str) -> str:
    """Text from the procedure file or a user, made safe inside an HTML message."""
    # Quotes need no escaping outside attributes, and &#x27; would only confuse tests and logs.
    return html.escape(text, quote=False)


@dataclass(frozen=True)
class Screen:
    """What to show: HTML text and rows of buttons."""

    text: str
    rows: Sequence[Sequence[Button]] = field(default_factory=tuple)


def _marked(screen: Screen, t: Translator) -> tuple[str, Sequence[Sequence[Button]]]:
    if not t.rtl:
        return screen.text, screen.rows
    rows = [[Button(t.bidi(b.label), b.kind, b.args) for b in row] for row in screen.rows]
    return t.bidi(screen.text), rows


ANSWERED = "participation_answered"
log = logging.getLogger(__name__)


def _not_modified(error: BaseException) -> bool:
    return isinstance(error, BadRequest) and "message is not modified" in error.message.lower()


async def answer(query: CallbackQuery, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a button press; a press answered before (a redelivered update) is no error."""
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as exc:
        log.debug("callback query not answered: %s", exc.message)


def answered(context: CallbackContext) -> bool:
    """True when `show` already answered this update's button press."""
    return bool(context.__dict__.get(ANSWERED))


async def show(
    update: Update,
    screen: Screen,
    t: Translator,
    *,
    edit: bool = False,
    context: CallbackContext | None = None,
) -> None:
    """Show a screen: edit the message a button sits on, or send a new message.

    When a button press is answered by an edit, the (empty) callback answer goes out at the
    same time as the edit: one round trip to Telegram instead of two.
    """
    text, rows = _marked(screen, t)
    keyboard = markup(rows) if rows else None
    query = update.callback_query
    if edit and query is not None and isinstance(query.message, Message):
        editing = query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
        if context is not None and not answered(context):
            context.__dict__[ANSWERED] = True
            _, edited = await asyncio.gather(answer(query), editing, return_exceptions=True)
        else:
            (edited,) = await asyncio.gather(editing, return_exceptions=True)
        # Pressing the button of the screen that is already shown: nothing to change.
        if isinstance(edited, BaseException) and not _not_modified(edited):
            raise edited
        return
    chat = update.effective_chat
    if chat is None:
        return
    await chat.send_message(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
