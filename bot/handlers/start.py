"""/start: greet the resident in their language; deep links open a field or set a language.

Deep-link payloads (t.me/<bot>?start=...): `field-<id>` opens that action field,
`lang-<code>` sets the language. Anything else gets the normal greeting.
"""

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.fields import field_screen
from bot.handlers.menu import greeting, offers_subscription
from bot.services import forget_reader, services, translator
from bot.view import show
from storage import participants


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet the resident, or follow the deep link they came with."""
    svc = services(context)
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    payload = context.args[0] if context.args else ""
    if payload.startswith("lang-") and payload[5:] in svc.procedure.languages:
        await participants.set_language(svc.database, user.id, chat.id, payload[5:])
    else:
        await participants.remember(svc.database, user.id, chat.id)
    forget_reader(context)
    t = await translator(update, context)
    if payload.startswith("field-"):
        field = svc.procedure.field(payload[6:])
        if field is not None:
            await show(update, field_screen(t, svc.procedure, field), t)
            return
    offer = await offers_subscription(update, context)
    await show(update, greeting(t, svc.procedure, offer_subscription=offer), t)
