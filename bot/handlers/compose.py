"""/broadcast: staff compose news in the chat, language by language, check a preview, send.

The conversation: text in the default language → a translation or "skip" for each other
language → audience → kind (news, or a phase change) → now or at a time → preview with the
recipients per language and the duration → Send / Edit / Cancel. Each staff member has their
own draft (user_data); nothing is queued before Send; /cancel or Cancel ends it at any step.
"""

import warnings
from datetime import UTC, datetime

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import publishing
from bot.broadcast_texts import is_blank, too_long
from bot.handlers.compose_screens import (
    AUDIENCE,
    DRAFT,
    END,
    KIND,
    PREVIEW,
    TEXT,
    WHEN,
    Draft,
    after_text,
    ask_audience,
    ask_kind,
    ask_text,
    ask_when,
    cancel_row,
    draft_of,
    preview,
)
from bot.handlers.fallback import stale_button
from bot.handlers.staff import is_staff, parse_moment
from bot.i18n import Translator
from bot.keyboards import CallbackDataError, decode
from bot.services import services, translator
from bot.view import Screen, show
from storage import participants


async def start_compose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/broadcast: staff only; a fresh draft, starting with the default language."""
    if not await is_staff(update, context, "/broadcast"):
        return END
    context.user_data[DRAFT] = Draft(asking=services(context).procedure.default_language)  # type: ignore[index]
    return await ask_text(update, context, await translator(update, context))


async def text_received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A text for the language asked: refused if empty or too long, else stored."""
    t, draft, svc = await translator(update, context), draft_of(context), services(context)
    message = update.effective_message
    body = message.text_html if message and message.text else ""
    if is_blank(body):
        text = t.gettext("Please send the message as text.")
        await show(update, Screen(text, [cancel_row(t)]), t)
        return TEXT
    length = too_long(body)
    if length is not None:
        text = t.gettext(
            "This text has %(length)d characters; Telegram allows at most 4096. Please shorten it "
            "and send it again.",
            length=length,
        )
        await show(update, Screen(text, [cancel_row(t)]), t)
        return TEXT
    draft.texts[draft.asking] = body
    return await after_text(update, context, t, svc, draft)


async def when_received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A date and time to send at (procedure timezone), checked."""
    t, draft = await translator(update, context), draft_of(context)
    words = (update.effective_message.text or "").split() if update.effective_message else []
    moment = parse_moment(words[:2], t)
    if moment is None or moment <= datetime.now(UTC):
        text = t.gettext("Please write a future date and time like 2020-02-25 10:00.")
        await show(update, Screen(text, [cancel_row(t)]), t)
        return WHEN
    draft.send_at = moment
    return await preview(update, context, t)


ALLOWED = {
    TEXT: {"cancel", "skip", "skipall"},
    AUDIENCE: {"cancel", "all", "audience-done", "language"},
    KIND: {"cancel", "news", "phase"},
    WHEN: {"cancel", "now"},
    PREVIEW: {"cancel", "send", "edit"},
}


async def button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """Every button of the conversation; one from an earlier screen changes nothing."""
    query = update.callback_query
    t, svc, draft = await translator(update, context), services(context), draft_of(context)
    try:
        callback = decode(query.data if query else None)
    except CallbackDataError:
        callback = None
    kinds = {"composelang": "language", "composephase": "phase"}
    action = kinds.get(callback.kind, callback.args[0]) if callback else ""
    if query is None or callback is None or action not in ALLOWED[draft.stage]:
        await stale_button(update, context)
        return None
    await query.answer()
    argument = callback.args[0]
    if action == "language" and argument in svc.procedure.languages:
        draft.languages = (draft.languages or set()) ^ {argument} or None
        return await ask_audience(update, t, draft, svc)
    if action == "phase" and any(p.id == argument for p in svc.procedure.phases):
        draft.kind, draft.phase_id = "phase", argument
        return await ask_when(update, t, draft)
    if action == "cancel":
        return await cancel(update, context)
    if action in ("skip", "skipall"):
        if action == "skipall":
            draft.asking = svc.procedure.languages[-1]
        return await after_text(update, context, t, svc, draft)
    if action == "all":
        draft.languages = None
        return await ask_audience(update, t, draft, svc)
    if action == "audience-done":
        return await ask_kind(update, t, svc, draft)
    if action == "news":
        draft.kind, draft.phase_id = "news", None
        return await ask_when(update, t, draft)
    if action == "now":
        draft.send_at = None
        return await preview(update, context, t)
    if action == "edit":
        context.user_data[DRAFT] = Draft(asking=svc.procedure.default_language)  # type: ignore[index]
        return await ask_text(update, context, t)
    return await _send(update, context, t)


async def _send(update: Update, context: ContextTypes.DEFAULT_TYPE, t: Translator) -> int:
    svc, draft = services(context), draft_of(context)
    user, chat = update.effective_user, update.effective_chat
    if user is not None and chat is not None:
        # The progress reports come later, from the worker: in the language used here.
        await participants.keep_language(svc.database, user.id, chat.id, t.language)
    broadcast_id = await publishing.queue(
        svc.database,
        svc.procedure,
        author_id=user.id if user else None,
        texts=draft.texts,
        kind=draft.kind,
        phase_id=draft.phase_id,
        languages=draft.languages,
        send_at=draft.send_at,
    )
    if svc.worker is not None:
        svc.worker.wake()
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    text = t.gettext(
        "Queued as broadcast #%(id)d. You will see the progress here.", id=broadcast_id
    )
    await show(update, Screen(text), t, edit=True, context=context)
    return END


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Cancel at any step: the draft is dropped, nothing was queued."""
    t = await translator(update, context)
    context.user_data.pop(DRAFT, None)  # type: ignore[union-attr]
    text = t.gettext("Cancelled. Nothing was sent.")
    await show(update, Screen(text), t, edit=update.callback_query is not None, context=context)
    return END


def compose_conversation() -> ConversationHandler:
    """The /broadcast conversation, per staff member (each has their own draft)."""
    pattern = r"^v1:compose(lang|phase)?:"
    buttons = CallbackQueryHandler(button_pressed, pattern=pattern)
    text = MessageHandler(filters.TEXT & ~filters.COMMAND, text_received)
    other = MessageHandler(~filters.COMMAND, text_received)  # photos etc.: "send text"
    # per_message=False on purpose: the conversation mixes typed texts and buttons, and the
    # buttons of older screens are refused by the stage check instead.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return _conversation(buttons, text, other)


def _conversation(
    buttons: CallbackQueryHandler, text: MessageHandler, other: MessageHandler
) -> ConversationHandler:
    return ConversationHandler(
        entry_points=[CommandHandler("broadcast", start_compose)],
        states={
            TEXT: [buttons, text, other],
            AUDIENCE: [buttons],
            KIND: [buttons],
            WHEN: [buttons, MessageHandler(filters.TEXT & ~filters.COMMAND, when_received)],
            PREVIEW: [buttons],
        },
        fallbacks=[CommandHandler("cancel", cancel)],
        per_user=True,
        per_chat=True,
        allow_reentry=True,
        name="broadcast-compose",
    )
