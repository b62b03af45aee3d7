"""Clear answers to what the bot does not understand (DESIGN rule 7): a command it does not
have, text where it expects a button press, and a button it cannot use. These handlers come
last: whatever no feature took ends here."""

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.chat.context import ChatContext
from bot.chat.screens import Screen, answer, show
from bot.chat.text import escape
from bot.i18n import Translator


async def unknown_command(update: Update, context: ChatContext) -> None:
    """A command the bot does not have (staff commands look the same to everyone else)."""
    t = context.t
    text = update.effective_message.text if update.effective_message else ""
    command = (text or "/").split()[0].split("@")[0][:40]
    reply = t.gettext(
        "Sorry, I do not know the command %(command)s. Choose from the menu below or type /help.",
        command=escape(command),
    )
    await show(update, context, Screen(reply, context.services.menu.rows(t)))


async def free_text(update: Update, context: ChatContext) -> None:
    """Text, stickers or photos where the bot expects a button press."""
    t = context.t
    reply = t.gettext("I can only understand the buttons. Please choose one below, or type /help.")
    await show(update, context, Screen(reply, context.services.menu.rows(t)))


def stale_text(t: Translator) -> str:
    """The short answer to a button the bot cannot use."""
    return t.gettext("This button is out of date. Please use the latest message or /start.")


async def stale_button(update: Update, context: ChatContext) -> None:
    """A button press the bot cannot use (old, forged or malformed): say so, change nothing."""
    if update.callback_query is not None:
        await answer(update.callback_query, stale_text(context.t), alert=True)


def fallback_handlers() -> list[
    CallbackQueryHandler[ChatContext, None] | MessageHandler[ChatContext, None]
]:
    """The last handlers: out-of-date buttons, unknown commands, anything else typed."""
    private = filters.ChatType.PRIVATE
    return [
        CallbackQueryHandler(stale_button),
        MessageHandler(private & filters.COMMAND, unknown_command),
        MessageHandler(private & ~filters.COMMAND, free_text),
    ]
