"""The greeting and the main menu: where every conversation starts and returns."""

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n import Translator
from bot.keyboards import Button, button
from bot.procedure import Procedure
from bot.services import services, translator
from bot.view import Screen, escape, show


def menu_rows(t: Translator) -> list[list[Button]]:
    """The main menu: one entry per row, so long translations stay readable on small phones."""
    return [
        [button(t.gettext("🗳 Set your priorities"), "vote")],
        [button(t.gettext("📋 Action fields"), "fields")],
        [button(t.gettext("❓ Help"), "help")],
        [button(t.gettext("🔒 Privacy"), "privacy")],
        [button(t.gettext("🌐 Language"), "languages")],
    ]


def back_to_menu(t: Translator) -> list[Button]:
    """A row with one button back to the main menu."""
    return [button(t.gettext("🏠 Main menu"), "menu")]


def greeting(t: Translator, procedure: Procedure, lead: str = "") -> Screen:
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
    return Screen("\n\n".join(lines), menu_rows(t))


def main_menu(t: Translator, procedure: Procedure) -> Screen:
    """The main menu with the procedure's name, for going back."""
    title = escape(procedure.text(procedure.title, t.language))
    return Screen(f"<b>{title}</b>\n\n" + t.gettext("What would you like to do?"), menu_rows(t))


async def menu_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Back to the main menu from any screen."""
    t = await translator(update, context)
    await show(update, main_menu(t, services(context).procedure), t, edit=True, context=context)
