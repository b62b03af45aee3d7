"""Every button press comes through here: decoded, validated, then handed to its screen.

Callback data is input (DESIGN rule 2): an unknown version or kind, a field or goal that does
not exist (or belongs to another field), a number out of range, or a kind the procedure does
not use gets the short "out of date" answer and changes nothing. Window and consent are
checked by the voting handlers themselves.
"""

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers import (
    broadcasts,
    fields,
    info,
    language,
    menu,
    myballot,
    prioritise,
    status,
    subscribe,
)
from bot.handlers.fallback import stale_button
from bot.keyboards import Callback, CallbackDataError, decode
from bot.procedure import Procedure
from bot.services import services
from bot.view import answer, answered

Action = Callable[[], Awaitable[str | None]]


def _number(text: str, low: int, high: int) -> int | None:
    return int(text) if text.isdigit() and low <= int(text) <= high else None


def _action(
    update: Update, context: ContextTypes.DEFAULT_TYPE, procedure: Procedure, callback: Callback
) -> Action | None:
    """The action a valid press asks for, or None when the data does not fit the procedure."""
    kind, args = callback.kind, callback.args
    simple = {
        "menu": menu.menu_button,
        "fields": fields.fields_button,
        "languages": language.languages_button,
        "help": info.help_button,
        "privacy": info.privacy_button,
        "status": status.status_button,
    }
    if kind in simple:
        return lambda: _done(simple[kind](update, context))
    if kind == "vote":
        return lambda: _done(prioritise.open_voting(update, context))
    if kind == "myballot":
        return lambda: _done(myballot.myballot(update, context, edit=True))
    if kind == "consent" and args[0] in ("yes", "no"):
        return lambda: _done(prioritise.consent_button(update, context, args[0]))
    if kind == "language" and args[0] in procedure.languages:
        return lambda: _done(language.choose_language(update, context, args[0]))
    if kind == "reminder" and args[0] in ("on", "off"):
        return lambda: subscribe.reminder_button(update, context, args[0] == "on")
    if kind == "subscribe" and args[0] in ("on", "off"):
        return lambda: _done(subscribe.subscription_button(update, context, args[0] == "on"))
    if kind == "news" and _number(args[0], 1, 10**6) is not None:
        # Whether the page exists is known to the archive: a missing one is "out of date".
        return lambda: status.news_button(update, context, int(args[0]))
    if kind == "bccancel" and args[0].isdigit():
        return lambda: broadcasts.cancel_button(update, context, int(args[0]))
    voting = procedure.voting
    if kind in ("ranking", "unrank") and voting.rank_fields:
        if kind == "ranking":
            return lambda: _done(myballot.ranking_button(update, context))
        return lambda: myballot.rank(update, context, None, 0)
    field = procedure.field(args[0]) if args else None
    if field is None:
        return None
    if kind == "field":
        return lambda: _done(fields.field_button(update, context, field))
    if kind == "ballot":
        return lambda: _done(prioritise.field_ballot_button(update, context, field))
    if kind == "nopref":
        return lambda: prioritise.change(update, context, field, "nopref", "", 0)
    if kind == "rank" and voting.rank_fields:
        position = _number(args[1], 1, len(procedure.fields))
        if position is None:
            return None
        return lambda: myballot.rank(update, context, field.id, position)
    if kind not in ("pick", "points") or field.goal(args[1]) is None:
        return None
    if kind == "pick" and voting.method == "top_n" and args[2] in ("0", "1"):
        return lambda: prioritise.change(update, context, field, "pick", args[1], int(args[2]))
    points = _number(args[2], 0, voting.points)
    if kind == "points" and voting.method == "points" and points is not None:
        return lambda: prioritise.change(update, context, field, "points", args[1], points)
    return None


async def _done(awaitable: Awaitable[None]) -> None:
    await awaitable


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
    action = _action(update, context, services(context).procedure, callback)
    if action is None:
        await stale_button(update, context)
        return
    alert = await action()
    # A refusal is an alert; otherwise the screen's edit carried the answer, or it goes now.
    if alert:
        await answer(query, alert, alert=True)
    elif not answered(context):
        await answer(query)
