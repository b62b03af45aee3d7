"""The error handler: no update can crash the bot (DESIGN rule 9).

The log gets the update id and the exception, never message texts or the token; the user
gets a translated "please try again".
"""

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.services import translator

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure without personal data and tell the user to try again."""
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    log.error(
        "update %s failed: %s",
        update_id,
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        t = await translator(update, context)
        text = t.bidi(t.gettext("Sorry, something went wrong. Please try again."))
        if update.callback_query is not None:
            try:
                await update.callback_query.answer(text, show_alert=True)
                return
            except TelegramError:
                pass  # the press was answered already (with the edit that failed): write instead
        await update.effective_chat.send_message(text)
    except Exception as exc:  # the apology itself failed (e.g. network down): log, go on
        log.warning("could not tell update %s about the failure: %s", update_id, type(exc).__name__)
