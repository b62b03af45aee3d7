"""/broadcast: staff compose news in the chat, language by language, check a preview, send.

The conversation: text in the default language → a translation or "skip" for each other
language → audience → kind (news, or a phase change) → now or at a time → preview with the
recipients per language and the duration → Send / Edit / Cancel. Each staff member has their
own draft (user_data); nothing is queued before Send; /cancel or Cancel ends it at any step.
"""

import warnings
from dataclasses import dataclass, field
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
from bot.broadcast_texts import is_blank, texts_for_all, too_long
from bot.handlers.fallback import stale_button
from bot.handlers.staff import is_staff, parse_moment
from bot.i18n import Translator, native_name
from bot.keyboards import CallbackDataError, button, decode
from bot.services import Services, services, translator
from bot.view import Screen, escape, show
from storage import outbox, participants

TEXT, AUDIENCE, KIND, WHEN, PREVIEW = range(5)
DRAFT = "broadcast_draft"
END = ConversationHandler.END


@dataclass
class Draft:
    """What a staff member has written so far."""

    texts: dict[str, str] = field(default_factory=dict)
    asking: str = ""  # the language whose text comes next
    languages: set[str] | None = None  # None: all subscribers
    kind: str = "news"
    phase_id: str | None = None
    send_at: datetime | None = None
    stage: int = TEXT  # which question was asked last: buttons of older screens are refused


def _draft(context: ContextTypes.DEFAULT_TYPE) -> Draft:
    return context.user_data.setdefault(DRAFT, Draft())  # type: ignore[union-attr]


def _cancel_row(t: Translator) -> list:
    return [button(t.gettext("✖ Cancel"), "compose", "cancel")]


def _next_language(svc: Services, draft: Draft) -> str | None:
    languages = svc.procedure.languages
    index = languages.index(draft.asking) + 1 if draft.asking in languages else 0
    return languages[index] if index < len(languages) else None


async def _ask_text(update: Update, context: ContextTypes.DEFAULT_TYPE, t: Translator) -> int:
    svc, draft = services(context), _draft(context)
    name = native_name(draft.asking)
    if draft.asking == svc.procedure.default_language:
        text = t.gettext(
            "Write the message in %(language)s. Bold, italics and links are kept.", language=name
        )
        rows = [_cancel_row(t)]
    else:
        text = t.gettext("Now the text in %(language)s, or skip this language.", language=name)
        rows = [
            [
                button(t.gettext("Skip"), "compose", "skip"),
                button(t.gettext("Skip the rest"), "compose", "skipall"),
            ],
            _cancel_row(t),
        ]
    draft.stage = TEXT
    await show(update, Screen(text, rows), t)
    return TEXT


async def start_compose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/broadcast: staff only; a fresh draft, starting with the default language."""
    if not await is_staff(update, context, "/broadcast"):
        return END
    context.user_data[DRAFT] = Draft(asking=services(context).procedure.default_language)  # type: ignore[index]
    return await _ask_text(update, context, await translator(update, context))


async def text_received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A text for the language asked: refused if empty or too long, else stored."""
    t, draft, svc = await translator(update, context), _draft(context), services(context)
    message = update.effective_message
    body = message.text_html if message and message.text else ""
    if is_blank(body):
        text = t.gettext("Please send the message as text.")
        await show(update, Screen(text, [_cancel_row(t)]), t)
        return TEXT
    length = too_long(body)
    if length is not None:
        text = t.gettext(
            "This text has %(length)d characters; Telegram allows at most 4096. Please shorten it "
            "and send it again.",
            length=length,
        )
        await show(update, Screen(text, [_cancel_row(t)]), t)
        return TEXT
    draft.texts[draft.asking] = body
    return await _after_text(update, context, t, svc, draft)


async def _after_text(
    update: Update, context: ContextTypes.DEFAULT_TYPE, t: Translator, svc: Services, draft: Draft
) -> int:
    following = _next_language(svc, draft)
    if following is not None:
        draft.asking = following
        return await _ask_text(update, context, t)
    return await _ask_audience(update, t, draft, svc)


async def _ask_audience(update: Update, t: Translator, draft: Draft, svc: Services) -> int:
    rows = [
        [
            button(
                ("✓ " if draft.languages is None else "") + t.gettext("All subscribers"),
                "compose",
                "all",
            )
        ]
    ]
    languages = [
        button(
            ("✓ " if draft.languages and code in draft.languages else "") + native_name(code),
            "composelang",
            code,
        )
        for code in svc.procedure.languages
    ]
    rows += [languages[i : i + 2] for i in range(0, len(languages), 2)]
    rows.append([button(t.gettext("Next"), "compose", "audience-done")])
    rows.append(_cancel_row(t))
    text = t.gettext("Who should receive it? All subscribers, or only those of some languages.")
    draft.stage = AUDIENCE
    await show(update, Screen(text, rows), t, edit=update.callback_query is not None)
    return AUDIENCE


async def _ask_kind(update: Update, t: Translator, svc: Services, draft: Draft) -> int:
    draft.stage = KIND
    rows = [[button(t.gettext("📰 News (also shown in /status)"), "compose", "news")]]
    rows += [
        [
            button(
                t.gettext("Phase change: %(phase)s", phase=svc.procedure.text(p.title, t.language)),
                "composephase",
                p.id,
            )
        ]
        for p in svc.procedure.phases
    ]
    rows.append(_cancel_row(t))
    await show(update, Screen(t.gettext("What kind of message is it?"), rows), t, edit=True)
    return KIND


async def _ask_when(update: Update, t: Translator, draft: Draft) -> int:
    draft.stage = WHEN
    rows = [[button(t.gettext("Send now"), "compose", "now")], _cancel_row(t)]
    text = t.gettext(
        "Send now, or write the date and time to send it, like 2020-02-25 10:00 (%(zone)s).",
        zone=str(t.timezone),
    )
    await show(update, Screen(text, rows), t, edit=update.callback_query is not None)
    return WHEN


async def _preview(update: Update, context: ContextTypes.DEFAULT_TYPE, t: Translator) -> int:
    svc, draft = services(context), _draft(context)
    texts = texts_for_all(
        svc.catalogs, svc.procedure.languages, svc.procedure.default_language, draft.texts
    )
    sizes = await outbox.audience_sizes(
        svc.database, svc.procedure.default_language, draft.languages
    )
    chat = update.effective_chat
    for language, count in sorted(sizes.items()):
        if count and chat is not None:
            await chat.send_message(f"[{native_name(language)} · {count}]")
            await chat.send_message(texts[language])
    for language, text in texts.items():
        length = too_long(text)
        if length is not None:
            draft.texts.pop(language, None)
            answer = t.gettext(
                "The message for %(language)s has %(length)d characters with the note; Telegram "
                "allows at most 4096. Please shorten the text.",
                language=native_name(language),
                length=length,
            )
            await show(update, Screen(answer, [_cancel_row(t)]), t)
            draft.asking = svc.procedure.default_language
            return await _ask_text(update, context, t)
    total = sum(sizes.values())
    seconds = total / svc.settings.broadcast_rate
    lines = [
        "<b>{}</b>".format(t.gettext("Preview")),
        t.ngettext("%(count)d recipient", "%(count)d recipients", total),
        ", ".join(f"{escape(native_name(k))}: {v}" for k, v in sorted(sizes.items())) or "–",
        t.gettext("Estimated duration: %(minutes)d min.", minutes=max(1, round(seconds / 60))),
    ]
    if draft.send_at is not None:
        lines.append(t.gettext("Planned for %(date)s.", date=t.datetime(draft.send_at)))
    rows = [
        [
            button(t.gettext("✅ Send"), "compose", "send"),
            button(t.gettext("✏️ Edit"), "compose", "edit"),
        ],
        _cancel_row(t),
    ]
    draft.stage = PREVIEW
    await show(update, Screen("\n".join(lines), rows), t)
    return PREVIEW


async def when_received(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A date and time to send at (procedure timezone), checked."""
    t, draft = await translator(update, context), _draft(context)
    words = (update.effective_message.text or "").split() if update.effective_message else []
    moment = parse_moment(words[:2], t)
    if moment is None or moment <= datetime.now(UTC):
        text = t.gettext("Please write a future date and time like 2020-02-25 10:00.")
        await show(update, Screen(text, [_cancel_row(t)]), t)
        return WHEN
    draft.send_at = moment
    return await _preview(update, context, t)


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
    t, svc, draft = await translator(update, context), services(context), _draft(context)
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
        return await _ask_audience(update, t, draft, svc)
    if action == "phase" and any(p.id == argument for p in svc.procedure.phases):
        draft.kind, draft.phase_id = "phase", argument
        return await _ask_when(update, t, draft)
    if action == "cancel":
        return await cancel(update, context)
    if action in ("skip", "skipall"):
        if action == "skipall":
            draft.asking = svc.procedure.languages[-1]
        return await _after_text(update, context, t, svc, draft)
    if action == "all":
        draft.languages = None
        return await _ask_audience(update, t, draft, svc)
    if action == "audience-done":
        return await _ask_kind(update, t, svc, draft)
    if action == "news":
        draft.kind, draft.phase_id = "news", None
        return await _ask_when(update, t, draft)
    if action == "now":
        draft.send_at = None
        return await _preview(update, context, t)
    if action == "edit":
        context.user_data[DRAFT] = Draft(asking=svc.procedure.default_language)  # type: ignore[index]
        return await _ask_text(update, context, t)
    return await _send(update, context, t)


async def _send(update: Update, context: ContextTypes.DEFAULT_TYPE, t: Translator) -> int:
    svc, draft = services(context), _draft(context)
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
