"""Typed text that belongs to the measures round: a resident writing a proposal's title or
description, staff typing a cost, a note or a translation.

Such text is routed here only while the screen that asked for it is the one the person was
shown last (its tag starts with "measures.write"; bot/chat/screens.py remembers it). Any
other screen ends the writing, as it ends the typed numbers of a field screen, so text typed
elsewhere goes where it always went: the field's typed numbers, the /broadcast composer, or
the answer to free text. The handler comes ahead of the other features' typed text (app.py).

The handler knows who is writing from a small register of the writers' user_data (the same
dict python-telegram-bot hands every update of that person), filled when a prompt is shown:
a handler's check sees only the update, not the person's data.
"""

from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.chat.context import ChatContext, Data
from bot.chat.screens import SHOWN, Screen, show, shown_last

PREFIX = "measures.write"
Callback = Callable[[Update, ChatContext], Coroutine[Any, Any, None]]


class WritingHandler(MessageHandler[ChatContext, None]):
    """Messages (not commands) in a private chat from someone a measures prompt is waiting
    for; the callback finds what was asked by the tag."""

    def __init__(self, callback: Callback) -> None:
        super().__init__(filters.ChatType.PRIVATE & ~filters.COMMAND, callback)
        self.writers: dict[int, Data] = {}

    def check_update(self, update: object) -> bool | dict[str, list[Any]] | None:
        """True while this person's last screen is a measures prompt."""
        if not super().check_update(update) or not isinstance(update, Update):
            return None
        user = update.effective_user
        data = self.writers.get(user.id) if user is not None else None
        if data is None or user is None:
            return None
        if not str(data.get(SHOWN) or "").startswith(PREFIX):
            del self.writers[user.id]  # they went elsewhere: the prompt is over
            return None
        return True


def _handler(context: ChatContext) -> WritingHandler | None:
    for group in context.application.handlers.values():
        for handler in group:
            if isinstance(handler, WritingHandler):
                return handler
    return None


def tag(*parts: object) -> str:
    """The tag of a prompt: "measures.write:<what>:<ids>"."""
    return ":".join((PREFIX, *(str(part) for part in parts)))


async def prompt(update: Update, context: ChatContext, screen: Screen, what: str) -> None:
    """Show a screen that waits for typed text; `what` (from `tag`) says what it asks for."""
    user = update.effective_user
    handler = _handler(context)
    if user is not None and handler is not None and context.user_data is not None:
        handler.writers[user.id] = context.user_data
    await show(update, context, replace(screen, tag=what))


def asked(context: ChatContext) -> list[str]:
    """What the prompt shown last asks for, as the parts after the prefix ([] for none)."""
    shown = shown_last(context) or ""
    if not shown.startswith(PREFIX + ":"):
        return []
    return shown.split(":")[1:]


def typed_text(update: Update) -> str | None:
    """The text of a message (None for a photo, a sticker, …)."""
    message = update.effective_message
    return message.text if message is not None else None
