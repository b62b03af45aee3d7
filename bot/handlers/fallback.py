"""Clear answers to what the bot does not understand (DESIGN rule 7)."""

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.menu import menu_rows
from bot.i18n import Translator
from bot.services import translator
from bot.view import Screen, answer, escape, show


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not have (staff commands look the same to everyone else)."""
    t = await translator(update, context)
    text = update.effective_message.text if update.effective_message else ""
    command = (text or "/").split()[0].split("@")[0][:40]
    answer = t.gettext(
        "Sorry, I do not know the command %(command)s. Choose from the menu below or type /help.",
        command=escape(command),
    )
    await show(update, Screen(answer, menu_rows(t)), t)


async def free_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text, stickers or photos where the bot expects a button press."""
    t = await translator(update, context)
    answer = t.gettext("I can only understand the buttons. Please choose one below, or type /help.")
    await show(update, Screen(answer, menu_rows(t)), t)


def stale_text(t: Translator) -> str:
    """The short answer to a button the bot cannot use."""
    return t.gettext("This button is out of date. Please use the latest message or /start.")


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press the bot cannot use (old, forged or malformed): say so, change nothing."""
    t = await translator(update, context)
    if update.callback_query is not None:
        await answer(update.callback_query, stale_text(t), alert=True)
