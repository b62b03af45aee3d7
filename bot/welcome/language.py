"""The language picker (/language and the menu): the offered languages by their native names."""

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.menu import back_to_menu
from bot.chat.screens import Screen, show
from bot.chat.text import escape
from bot.chat.updates import note_saved
from bot.i18n import Catalogs, Translator, native_name
from bot.procedure import Procedure
from bot.welcome.buttons import Language, Languages
from bot.welcome.home import main_menu, menu_rows
from storage import participants


def picker_screen(t: Translator, procedure: Procedure, mark: bool = True) -> Screen:
    """The offered languages, two per row, the current one marked (unless `mark` is False:
    nothing was chosen yet)."""
    buttons = [
        Button(("✓ " if mark and code == t.language else "") + native_name(code), Language(code))
        for code in procedure.languages
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(back_to_menu(t))
    return Screen(t.gettext("🌐 Choose your language:"), rows)


def choose_in_every_language(catalogs: Catalogs, procedure: Procedure) -> str:
    """ "Choose your language" as each offered language's own catalog says it, English first,
    one per line (untranslated ones say it in English, which is shown once)."""
    order = ["en", *procedure.languages] if "en" in catalogs.languages else procedure.languages
    lines: list[str] = []
    for code in order:
        if code not in catalogs.languages:
            continue
        said = catalogs.translator(code).gettext("🌐 Choose your language:")
        said = said.removeprefix("🌐").strip().rstrip(":：").strip()
        if said not in lines:
            lines.append(said)
    return "🌐 " + "\n".join(lines)


def first_contact_screen(t: Translator, catalogs: Catalogs, procedure: Procedure) -> Screen:
    """/start for a resident whose Telegram language is none of the offered ones: the
    procedure's name (in its default language) and the picker before anything else."""
    title = escape(procedure.text(procedure.title, t.language))
    picker = picker_screen(t, procedure, mark=False)
    text = f"<b>{title}</b>\n\n{choose_in_every_language(catalogs, procedure)}"
    return Screen(text, picker.rows)


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
    # The name on a line of its own, so that no translation has to inflect it.
    done = t.gettext("✓ From now on I will write to you in this language.")
    done += f"\n🌐 {native_name(language)}"
    await show(update, context, Screen(f"{done}\n\n{menu.text}", menu.rows))
