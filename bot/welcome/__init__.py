"""Welcome: /start with its deep links, the main menu, /help and the language picker.

`handlers` hands the feature's handlers to app.py; the entries are its rows of the main menu.
"""

from telegram.ext import CommandHandler

from bot.chat.context import ChatHandler
from bot.chat.menu import MenuEntry, ToMenu
from bot.chat.presses import Presses
from bot.procedure import Procedure
from bot.welcome.buttons import Help, Language, Languages
from bot.welcome.help import help_entry, show_help
from bot.welcome.home import show_menu
from bot.welcome.language import choose_language, language_entry, show_picker
from bot.welcome.start import start

HELP_ENTRY = MenuEntry(help_entry)
LANGUAGE_ENTRY = MenuEntry(language_entry)


def handlers(procedure: Procedure) -> list[ChatHandler]:
    """/start, /help, /language, the main menu and their buttons."""
    on = Presses(procedure)
    return [
        CommandHandler("start", start),
        CommandHandler("help", show_help),
        CommandHandler("language", show_picker),
        on(ToMenu, show_menu),
        on(Help, show_help),
        on(Languages, show_picker),
        on(Language, choose_language),
    ]
