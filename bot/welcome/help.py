"""/help: what the bot is for, how to use it, its commands, and whom to ask."""

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.commands import command_list, staff_command_list
from bot.chat.context import ChatContext
from bot.chat.menu import back_to_menu
from bot.chat.screens import Screen, show
from bot.chat.text import escape
from bot.i18n import Translator
from bot.procedure import Procedure
from bot.welcome.buttons import Help


def help_screen(t: Translator, procedure: Procedure, *, staff: bool = False) -> Screen:
    """How to use the bot, and the commands (for staff also the staff commands)."""
    title = escape(procedure.text(procedure.title, t.language))
    commands = "\n".join(f"/{c.command} – {c.description}" for c in command_list(t))
    staff_part = []
    if staff:
        found = staff_command_list(t, measures=procedure.measures is not None)
        listed = "\n".join(f"/{c.command} – {c.description}" for c in found)
        staff_part = [t.gettext("For staff:") + "\n" + listed]
    paragraphs = [
        "<b>{}</b>".format(t.gettext("Help")),
        t.gettext("This bot lets you take part in: %(title)s.", title=title),
        t.gettext("Tap the buttons under the messages. You can also type these commands:")
        + "\n"
        + commands,
        *staff_part,
        t.gettext("Questions? Write to %(contact)s.", contact=escape(procedure.privacy.contact)),
    ]
    return Screen("\n\n".join(paragraphs), [back_to_menu(t)])


def help_entry(t: Translator) -> Button:
    """The main menu's entry to the help."""
    return Button(t.gettext("❓ Help"), Help())


async def show_help(update: Update, context: ChatContext) -> None:
    """/help and the menu's entry."""
    user = update.effective_user
    staff = user is not None and context.services.is_staff(user.id)
    await show(update, context, help_screen(context.t, context.procedure, staff=staff))
