"""The greeting and the main menu: where every conversation starts and returns."""

from collections.abc import Sequence

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.menu import offers_subscription
from bot.chat.screens import Screen, show
from bot.chat.text import escape
from bot.i18n import Translator
from bot.procedure import Procedure

Rows = Sequence[Sequence[Button]]


def greeting(t: Translator, procedure: Procedure, menu: Rows, lead: str = "") -> Screen:
    """The welcome: what the procedure is, and the main menu."""
    lines = [lead] if lead else []
    lines.append(f"<b>{escape(procedure.text(procedure.title, t.language))}</b>")
    lines.append(escape(procedure.text(procedure.description, t.language)))
    if procedure.example:
        lines.append(
            t.gettext(
                "ℹ️ This is an example. It shows how the bot works and is not a real procedure."
            )
        )
    lines.append(t.gettext("What would you like to do?"))
    return Screen("\n\n".join(lines), menu)


def main_menu(t: Translator, procedure: Procedure, menu: Rows) -> Screen:
    """The main menu with the procedure's name, for going back."""
    title = escape(procedure.text(procedure.title, t.language))
    return Screen(f"<b>{title}</b>\n\n" + t.gettext("What would you like to do?"), menu)


async def menu_rows(update: Update, context: ChatContext) -> list[list[Button]]:
    """The main menu for this chat (offering the news where it has no subscription)."""
    offer = await offers_subscription(update, context.db)
    return context.services.menu.rows(context.t, offer_subscription=offer)


async def show_menu(update: Update, context: ChatContext) -> None:
    """Back to the main menu from any screen."""
    menu = await menu_rows(update, context)
    await show(update, context, main_menu(context.t, context.procedure, menu))
