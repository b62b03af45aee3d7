"""The error handler: no update can crash the bot (DESIGN rule 9).

The log gets the update id and the exception, never message texts or the token; the user
gets a translated "please try again", once: the update's remaining handlers do not run. When
the update had committed a change before it failed (typically: Telegram's answer to the edit
that shows it was lost), "try again" would be wrong, and the user hears that it was saved.
"""

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.chat.context import ChatContext
from bot.chat.updates import saved_in_this_update

log = logging.getLogger(__name__)


async def on_error(update: object, context: ChatContext) -> None:
    """Log the failure without personal data and tell the user to try again."""
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    log.error(
        "update %s failed: %s",
        update_id,
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )
    if not isinstance(update, Update):
        return
    if update.effective_chat is not None:
        await _apologise(update, context, update_id)
    # Reading the reader in group -1 may be what failed: then no handler may run on this update.
    raise ApplicationHandlerStop


async def _apologise(update: Update, context: ChatContext, update_id: int | None) -> None:
    try:
        await context.resolve(update)
        t = context.t
        if saved_in_this_update():
            text = t.bidi(t.gettext("Your change was saved."))
        else:
            text = t.bidi(t.gettext("Sorry, something went wrong. Please try again."))
        if update.callback_query is not None:
            try:
                await update.callback_query.answer(text, show_alert=True)
                return
            except TelegramError:
                pass  # the press was answered already (with the edit that failed): write instead
        if update.effective_chat is not None:
            await update.effective_chat.send_message(text)
    except Exception as exc:  # the apology itself failed (e.g. network down): log, go on
        log.warning("could not tell update %s about the failure: %s", update_id, type(exc).__name__)
