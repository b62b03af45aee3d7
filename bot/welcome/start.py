"""/start: greet the resident in their language; deep links open a field or set a language.

Deep-link payloads (t.me/<bot>?start=...): `field-<id>` opens that action field,
`lang-<code>` sets the language. Anything else gets the normal greeting; a resident whose
language the bot cannot tell (no choice stored, and Telegram's language is not offered) gets
the language picker first.
"""

from telegram import Update

from bot.chat.context import ChatContext
from bot.chat.screens import show
from bot.voting.fields import field_screen
from bot.welcome.home import greeting, menu_rows
from bot.welcome.language import first_contact_screen
from storage import participants


async def start(update: Update, context: ChatContext) -> None:
    """Greet the resident, or follow the deep link they came with."""
    user, chat = update.effective_user, update.effective_chat
    procedure, db = context.procedure, context.db
    if user is None or chat is None:
        return
    payload = context.args[0] if context.args else ""
    if payload.startswith("lang-") and payload[5:] in procedure.languages:
        await participants.set_language(db, user.id, chat.id, payload[5:])
    else:
        await participants.remember(db, user.id, chat.id)
    await context.reread(update)
    if payload.startswith("field-"):
        field = procedure.field(payload[6:])
        if field is not None:
            await show(update, context, field_screen(context.t, procedure, field))
            return
    if context.reader.guessed:
        catalogs = context.services.catalogs
        await show(update, context, first_contact_screen(context.t, catalogs, procedure))
        return
    menu = await menu_rows(update, context)
    await show(update, context, greeting(context.t, procedure, menu))
