"""The language picker (/language and the menu): the offered languages by their native names."""

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.menu import back_to_menu
from bot.chat.screens import Screen, show
from bot.chat.updates import note_saved
from bot.i18n import Translator, native_name
from bot.procedure import Procedure
from bot.welcome.buttons import Language, Languages
from bot.welcome.home import main_menu, menu_rows
from storage import participants


def picker_screen(t: Translator, procedure: Procedure) -> Screen:
    """The offered languages, two per row, the current one marked."""
    buttons = [
        Button(("✓ " if code == t.language else "") + native_name(code), Language(code))
        for code in procedure.languages
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(back_to_menu(t))
    return Screen(t.gettext("🌐 Choose your language:"), rows)


def language_entry(t: Translator) -> Button:
    """The main menu's entry to the language picker."""
    return Button(t.gettext("🌐 Language"), Languages())


async def show_picker(update: Update, context: ChatContext) -> None:
    """/language and the menu's entry: show the picker."""
    await show(update, context, picker_screen(context.t, context.procedure))


async def choose_language(update: Update, context: ChatContext) -> None:
    """Store the chosen language and go on in it (its button names an offered language)."""
    language = context.button(Language).language
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    await participants.set_language(context.db, user.id, chat.id, language)
    note_saved()
    await context.reread(update)
    t = context.t
    menu = main_menu(t, context.procedure, await menu_rows(update, context))
    done = t.gettext(
        "✓ From now on I will write to you in %(language)s.", language=native_name(language)
    )
    await show(update, context, Screen(f"{done}\n\n{menu.text}", menu.rows))
