"""Privacy: the notice (/privacy) of what is stored about residents, why, for how long and
whom to ask. Residents' data rights (/mydata, /delete) and purging will live here.

`handlers` hands the feature's handlers to app.py; the entry is its row of the main menu.
"""

from telegram.ext import CommandHandler

from bot.chat.context import ChatHandler
from bot.chat.menu import MenuEntry
from bot.chat.presses import Presses
from bot.privacy.notice import PrivacyNotice, privacy_entry, show_privacy
from bot.procedure import Procedure

PRIVACY_ENTRY = MenuEntry(privacy_entry)


def handlers(procedure: Procedure) -> list[ChatHandler]:
    """/privacy and its menu entry."""
    on = Presses(procedure)
    return [CommandHandler("privacy", show_privacy), on(PrivacyNotice, show_privacy)]
