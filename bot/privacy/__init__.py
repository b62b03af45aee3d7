"""Privacy: the notice (/privacy, short and whole), the resident's data (/mydata, also as a
file), deleting it (/delete), withdrawing consent, and retention (the purge after the
procedure's retention date, and `participation-bot purge`).

`handlers` hands the feature's handlers to app.py; the entry is its row of the main menu.
"""

from telegram.ext import CommandHandler

from bot.chat.context import ChatHandler
from bot.chat.menu import MenuEntry
from bot.chat.presses import Presses
from bot.privacy.buttons import (
    AskDelete,
    AskWithdraw,
    Delete,
    MyData,
    MyDataFile,
    PrivacyDetails,
    PrivacyNotice,
    Withdraw,
)
from bot.privacy.notice import privacy_entry, show_details, show_privacy
from bot.procedure import Procedure

PRIVACY_ENTRY = MenuEntry(privacy_entry)


def handlers(procedure: Procedure) -> list[ChatHandler]:
    """/privacy, /mydata, /delete and their buttons."""
    # Imported here: they use voting's voter key, and voting's screens use this package's
    # buttons; importing them with the package would make the two import each other.
    from bot.privacy.erasure import answer_delete, answer_withdraw, ask_delete, ask_withdraw
    from bot.privacy.mydata import send_mydata_file, show_mydata

    on = Presses(procedure)
    return [
        CommandHandler("privacy", show_privacy),
        CommandHandler("mydata", show_mydata),
        CommandHandler("delete", ask_delete),
        on(PrivacyNotice, show_privacy),
        on(PrivacyDetails, show_details),
        on(MyData, show_mydata),
        on(MyDataFile, send_mydata_file),
        on(AskDelete, ask_delete),
        on(Delete, answer_delete),
        on(AskWithdraw, ask_withdraw),
        on(Withdraw, answer_withdraw),
    ]
