"""Every button press comes through here: decoded, validated, then handed to its screen.

Callback data is input (DESIGN rule 2): an unknown version, kind, field or language gets the
short "out of date" answer and changes nothing.
"""

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers import fields, info, language, menu
from bot.handlers.fallback import stale_button
from bot.keyboards import CallbackDataError, decode
from bot.services import services

_SIMPLE = {
    "menu": menu.menu_button,
    "fields": fields.fields_button,
    "languages": language.languages_button,
    "help": info.help_button,
    "privacy": info.privacy_button,
}


async def route_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Decode the pressed button and run its action, or refuse it."""
    query = update.callback_query
    if query is None:
        return
    try:
        callback = decode(query.data)
    except CallbackDataError:
        await stale_button(update, context)
        return
    procedure = services(context).procedure
    if callback.kind in _SIMPLE:
        await _SIMPLE[callback.kind](update, context)
    elif callback.kind == "field" and (field := procedure.field(callback.args[0])) is not None:
        await fields.field_button(update, context, field)
    elif callback.kind == "language" and callback.args[0] in procedure.languages:
        await language.choose_language(update, context, callback.args[0])
    else:
        await stale_button(update, context)
        return
    # Answer after the screen changed: the client stops its spinner; an empty answer is fine.
    await query.answer()
