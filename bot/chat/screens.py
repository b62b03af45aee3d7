"""A screen (text + buttons) and how it reaches the reader: a new message or an edit.

Everything a resident reads passes through `show`, which marks right-to-left text and
button labels for Arabic and Persian, so no handler can forget it. Navigation edits the
message the button sits on; a command or a typed text gets a new message. An edit whose answer
was lost is sent once more: after a vote, the resident sees the screen that shows it.
"""

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError

from bot.chat.buttons import Button, markup
from bot.chat.context import ChatContext
from bot.chat.updates import PollingBot
from bot.i18n import Translator

log = logging.getLogger(__name__)

EDIT_AGAIN_AFTER = 0.2  # seconds before an edit whose answer was lost is sent once more


SHOWN = "chat.shown"  # user_data: the tag of the screen the reader was shown last


@dataclass(frozen=True)
class Screen:
    """What to show: HTML text, rows of buttons, and a tag for a screen that answers typed
    text as well as buttons (e.g. a field's sub-goals answer a typed "1.2")."""

    text: str
    rows: Sequence[Sequence[Button]] = field(default_factory=tuple)
    tag: str | None = None


def shown_last(context: ChatContext) -> str | None:
    """The tag of the screen this reader was shown last (None: untagged, or nothing yet). Any
    other screen or reply replaces it, so typed text never answers a screen that is gone."""
    found = context.user_data.get(SHOWN) if context.user_data is not None else None
    return found if isinstance(found, str) else None


def _remember(context: ChatContext, tag: str | None) -> None:
    if context.user_data is not None:
        context.user_data[SHOWN] = tag


def _marked(screen: Screen, t: Translator) -> tuple[str, Sequence[Sequence[Button]]]:
    if not t.rtl:
        return screen.text, screen.rows
    rows = [[Button(t.bidi(b.label), b.data) for b in row] for row in screen.rows]
    return t.bidi(screen.text), rows


def _not_modified(error: BaseException) -> bool:
    return isinstance(error, BadRequest) and "message is not modified" in error.message.lower()


def _lost(outcome: object) -> bool:
    # A request whose answer never came; BadRequest is a NetworkError in python-telegram-bot,
    # but Telegram did answer it.
    return isinstance(outcome, NetworkError) and not isinstance(outcome, BadRequest)


async def answer(query: CallbackQuery, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a button press; a press answered before (a redelivered update) is no error."""
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as exc:
        log.debug("callback query not answered: %s", exc.message)


async def answer_press(update: Update, context: ChatContext) -> None:
    """Answer this update's button press now (with nothing to say), once."""
    if update.callback_query is not None and not context.answered:
        context.answered = True
        await answer(update.callback_query)


async def show(
    update: Update, context: ChatContext, screen: Screen, *, edit: bool | None = None
) -> None:
    """Show a screen in the reader's language: edit the message a pressed button sits on, or
    send a new message (`edit`: by default, edit exactly when a button was pressed).

    When a button press is answered by an edit, the (empty) callback answer goes out at the
    same time as the edit: one round trip to Telegram instead of two.
    """
    _remember(context, screen.tag)
    text, rows = _marked(screen, context.t)
    keyboard = markup(rows) if rows else None
    query = update.callback_query
    if edit is None:
        edit = query is not None
    if edit and query is not None and isinstance(query.message, Message):
        editing = _edit(query, query.message, text, keyboard)
        if not context.answered:
            context.answered = True
            _, edited = await asyncio.gather(answer(query), editing, return_exceptions=True)
        else:
            (edited,) = await asyncio.gather(editing, return_exceptions=True)
        if _lost(edited):
            # Telegram's answer did not come (a timeout, a dropped connection): the edit may
            # or may not have been made. Editing again is harmless either way (the same screen
            # once more is "not modified"), so the screen is shown after all.
            log.info("edit not confirmed (%s): trying once more", type(edited).__name__)
            await asyncio.sleep(EDIT_AGAIN_AFTER)
            (edited,) = await asyncio.gather(
                _edit(query, query.message, text, keyboard), return_exceptions=True
            )
        # Pressing the button of the screen that is already shown: nothing to change.
        if isinstance(edited, BaseException) and not _not_modified(edited):
            raise edited
        return
    chat = update.effective_chat
    if chat is None:
        return
    await chat.send_message(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)


async def _edit(
    query: CallbackQuery, message: Message, text: str, keyboard: InlineKeyboardMarkup | None
) -> None:
    # The bot's own edit skips building the Message Telegram sends back (chat/updates.py).
    bot = query.get_bot()
    if isinstance(bot, PollingBot):
        await bot.edit_screen(message, text, keyboard)
    else:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)


async def send_text(update: Update, context: ChatContext, text: str) -> None:
    """A plain reply without buttons (staff commands), marked for right-to-left languages."""
    _remember(context, None)
    chat = update.effective_chat
    if chat is not None:
        await chat.send_message(context.t.bidi(text))
