"""/broadcast: staff compose news in the chat, language by language, check a preview, send.

The conversation: text in the default language → a translation or "skip" for each other
language → audience → kind (news, or a phase change) → now or at a time → preview with the
recipients per language and the duration → Send / Edit / Cancel. Each staff member has their
own draft (user_data); nothing is queued before Send; /cancel or Cancel ends it at any step.
Each state takes only its own screen's buttons: an older screen's button is out of date.
"""

import warnings
from datetime import UTC, datetime

from telegram import Update
from telegram.ext import CommandHandler, ConversationHandler, MessageHandler, filters
from telegram.warnings import PTBUserWarning

from bot.broadcasting import publishing
from bot.broadcasting.buttons import Compose, ComposeLanguage, ComposePhase, Step
from bot.broadcasting.compose_screens import (
    AUDIENCE,
    END,
    KIND,
    PREVIEW,
    TEXT,
    WHEN,
    after_text,
    ask_audience,
    ask_kind,
    ask_text,
    ask_when,
    cancel_row,
    draft_of,
    drop_draft,
    new_draft,
    preview,
)
from bot.broadcasting.texts import is_blank, message_html, too_long
from bot.chat.buttons import ButtonData
from bot.chat.context import ChatContext, ChatHandler
from bot.chat.presses import ButtonHandler, StateCallback
from bot.chat.screens import Screen, answer_press, show
from bot.chat.staff import actor, is_staff, parse_moment
from bot.procedure import Procedure
from storage import participants


async def start_compose(update: Update, context: ChatContext) -> int:
    """/broadcast: staff only; a fresh draft, starting with the default language."""
    if not await is_staff(update, context, "/broadcast"):
        return END
    new_draft(context)
    return await ask_text(update, context)


async def text_received(update: Update, context: ChatContext) -> int:
    """A text for the language asked: refused if empty or too long, else stored."""
    t, draft = context.t, draft_of(context)
    message = update.effective_message
    body = message_html(message.text, message.entities) if message and message.text else ""
    if is_blank(body):
        text = t.gettext("Please send the message as text.")
        await show(update, context, Screen(text, [cancel_row(t)]))
        return TEXT
    length = too_long(body)
    if length is not None:
        text = t.gettext(
            "This text has %(length)d characters; Telegram allows at most 4096. Please shorten it "
            "and send it again.",
            length=length,
        )
        await show(update, context, Screen(text, [cancel_row(t)]))
        return TEXT
    draft.texts[draft.asking] = body
    return await after_text(update, context)


async def when_received(update: Update, context: ChatContext) -> int:
    """A date and time to send at (procedure timezone), checked."""
    t, draft = context.t, draft_of(context)
    words = (update.effective_message.text or "").split() if update.effective_message else []
    moment = parse_moment(words[:2], t.timezone)
    if moment is None or moment <= datetime.now(UTC):
        text = t.gettext("Please write a future date and time like 2020-02-25 10:00.")
        await show(update, context, Screen(text, [cancel_row(t)]))
        return WHEN
    draft.send_at = moment
    return await preview(update, context)


async def skip_language(update: Update, context: ChatContext) -> int:
    """No translation for this language: the next one, or the audience."""
    return await after_text(update, context)


async def skip_the_rest(update: Update, context: ChatContext) -> int:
    """No translation for the remaining languages: on to the audience."""
    draft_of(context).asking = context.procedure.languages[-1]
    return await after_text(update, context)


async def everybody(update: Update, context: ChatContext) -> int:
    """All subscribers."""
    draft_of(context).languages = None
    return await ask_audience(update, context)


async def toggle_language(update: Update, context: ChatContext) -> int:
    """Add or take away one language of the audience (none left: all subscribers)."""
    draft = draft_of(context)
    language = context.button(ComposeLanguage).language
    draft.languages = (draft.languages or set()) ^ {language} or None
    return await ask_audience(update, context)


async def as_news(update: Update, context: ChatContext) -> int:
    """The message is news (it also goes into the /status archive)."""
    draft = draft_of(context)
    draft.kind, draft.phase_id = "news", None
    return await ask_when(update, context)


async def as_phase_change(update: Update, context: ChatContext) -> int:
    """The message changes the current phase to the one pressed."""
    draft = draft_of(context)
    draft.kind, draft.phase_id = "phase", context.button(ComposePhase).phase.id
    return await ask_when(update, context)


async def send_now(update: Update, context: ChatContext) -> int:
    """Send as soon as it is queued: the preview."""
    draft_of(context).send_at = None
    return await preview(update, context)


async def edit_again(update: Update, context: ChatContext) -> int:
    """Start the texts again, from the default language."""
    new_draft(context)
    return await ask_text(update, context)


async def send(update: Update, context: ChatContext) -> int:
    """Queue the broadcast; the worker delivers it and reports the progress here."""
    t, draft = context.t, draft_of(context)
    user, chat = update.effective_user, update.effective_chat
    if user is not None and chat is not None:
        # The progress reports come later, from the worker: in the language used here.
        await participants.keep_language(context.db, user.id, chat.id, t.language)
    broadcast_id = await publishing.queue(
        context.db,
        context.procedure,
        author_id=actor(update),
        texts=draft.texts,
        kind=draft.kind,
        phase_id=draft.phase_id,
        languages=draft.languages,
        send_at=draft.send_at,
    )
    context.services.wake_outbox()
    drop_draft(context)
    text = t.gettext(
        "Queued as broadcast #%(id)d. You will see the progress here.", id=broadcast_id
    )
    await show(update, context, Screen(text), edit=True)
    return END


async def cancel(update: Update, context: ChatContext) -> int:
    """Cancel at any step: the draft is dropped, nothing was queued."""
    drop_draft(context)
    text = context.t.gettext("Cancelled. Nothing was sent.")
    await show(update, context, Screen(text))
    return END


def compose_conversation(procedure: Procedure) -> ConversationHandler[ChatContext]:
    """The /broadcast conversation, per staff member (each has their own draft)."""

    def on(wanted: type[ButtonData] | ButtonData, callback: StateCallback) -> ButtonHandler:
        # A step's button is answered at once; the screen it leads to follows.
        async def pressed(update: Update, context: ChatContext) -> object:
            await answer_press(update, context)
            return await callback(update, context)

        return ButtonHandler(wanted, pressed, procedure)

    cancelled = on(Compose(Step.CANCEL), cancel)
    typed = filters.TEXT & ~filters.COMMAND
    states: dict[object, list[ChatHandler]] = {
        TEXT: [
            on(Compose(Step.SKIP), skip_language),
            on(Compose(Step.SKIP_REST), skip_the_rest),
            cancelled,
            MessageHandler(typed, text_received),
            MessageHandler(~filters.COMMAND, text_received),  # photos etc.: "send text"
        ],
        AUDIENCE: [
            on(Compose(Step.ALL), everybody),
            on(ComposeLanguage, toggle_language),
            on(Compose(Step.AUDIENCE_DONE), ask_kind),
            cancelled,
        ],
        KIND: [on(Compose(Step.NEWS), as_news), on(ComposePhase, as_phase_change), cancelled],
        WHEN: [on(Compose(Step.NOW), send_now), cancelled, MessageHandler(typed, when_received)],
        PREVIEW: [on(Compose(Step.SEND), send), on(Compose(Step.EDIT), edit_again), cancelled],
    }
    # per_message=False on purpose: the conversation mixes typed texts and buttons; the
    # buttons of older screens are not taken by the state the conversation is in.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "If 'per_message=False'", PTBUserWarning)
        return ConversationHandler(
            entry_points=[CommandHandler("broadcast", start_compose)],
            states=states,
            fallbacks=[CommandHandler("cancel", cancel)],
            per_user=True,
            per_chat=True,
            allow_reentry=True,
            name="broadcast-compose",
        )
