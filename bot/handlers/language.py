"""The language picker (/language and the menu): eight languages by their native names."""

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.menu import back_to_menu, main_menu, offers_subscription
from bot.i18n import Translator, native_name
from bot.keyboards import button
from bot.procedure import Procedure
from bot.services import forget_reader, services, translator
from bot.view import Screen, show
from storage import participants


def picker_screen(t: Translator, procedure: Procedure) -> Screen:
    """The offered languages, two per row, the current one marked."""
    buttons = [
        button(("✓ " if code == t.language else "") + native_name(code), "language", code)
        for code in procedure.languages
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(back_to_menu(t))
    return Screen(t.gettext("🌐 Choose your language:"), rows)


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/language: show the picker."""
    t = await translator(update, context)
    await show(update, picker_screen(t, services(context).procedure), t)


async def languages_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The menu's language entry: show the picker in place."""
    t = await translator(update, context)
    await show(update, picker_screen(t, services(context).procedure), t, edit=True, context=context)


async def choose_language(
    update: Update, context: ContextTypes.DEFAULT_TYPE, language: str
) -> None:
    """Store the chosen language and go on in it (the router checked it is offered)."""
    svc = services(context)
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    await participants.set_language(svc.database, user.id, chat.id, language)
    forget_reader(context)
    t = svc.catalogs.translator(language)
    offer = await offers_subscription(update, context)
    menu = main_menu(t, svc.procedure, offer_subscription=offer)
    done = t.gettext(
        "✓ From now on I will write to you in %(language)s.", language=native_name(language)
    )
    await show(update, Screen(f"{done}\n\n{menu.text}", menu.rows), t, edit=True, context=context)
