"""The questions the /broadcast conversation asks, one screen each, and the draft they fill.

The handlers in bot/broadcasting/compose.py decide which screen comes next; each screen
returns the conversation's next state, and only the buttons of that state are taken (an older
screen's button gets the out-of-date answer).
"""

from dataclasses import dataclass, field
from datetime import datetime

from babel.core import UnknownLocaleError
from telegram import Update
from telegram.ext import ConversationHandler

from bot.broadcasting.buttons import Compose, ComposeLanguage, ComposePhase, Step
from bot.broadcasting.publishing import messages_for
from bot.broadcasting.texts import over_the_limit
from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.screens import Screen, show
from bot.chat.text import MAX_MESSAGE, escape
from bot.i18n import Translator, native_name
from storage import outbox

TEXT, AUDIENCE, KIND, WHEN, PREVIEW = range(5)
END = ConversationHandler.END
DRAFT = "broadcast_draft"


@dataclass
class Draft:
    """What a staff member has written so far."""

    texts: dict[str, str] = field(default_factory=dict)
    asking: str = ""  # the language whose text comes next
    languages: set[str] | None = None  # None: all subscribers
    kind: str = "news"
    phase_id: str | None = None
    send_at: datetime | None = None


def draft_of(context: ChatContext) -> Draft:
    """The staff member's draft (a fresh one if none)."""
    draft = context.user_data.setdefault(DRAFT, Draft()) if context.user_data is not None else None
    assert isinstance(draft, Draft)
    return draft


def new_draft(context: ChatContext) -> Draft:
    """A fresh draft, starting with the default language."""
    draft = Draft(asking=context.procedure.default_language)
    if context.user_data is not None:
        context.user_data[DRAFT] = draft
    return draft


def drop_draft(context: ChatContext) -> None:
    """Forget the draft (sent or cancelled)."""
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)


def cancel_row(t: Translator) -> list[Button]:
    """The Cancel button, on every screen of the conversation."""
    return [Button(t.gettext("✖ Cancel"), Compose(Step.CANCEL))]


def next_language(languages: tuple[str, ...], draft: Draft) -> str | None:
    """The language to ask a text for after the current one (None: all were asked)."""
    index = languages.index(draft.asking) + 1 if draft.asking in languages else 0
    return languages[index] if index < len(languages) else None


async def ask_text(update: Update, context: ChatContext) -> int:
    """Ask for the text in `draft.asking` (the default language cannot be skipped); always a
    new message, so that staff can answer it."""
    t, draft = context.t, draft_of(context)
    name = native_name(draft.asking)
    if draft.asking == context.procedure.default_language:
        text = t.gettext(
            "Write the message in %(language)s. Bold, italics and links are kept.", language=name
        )
        rows = [cancel_row(t)]
    else:
        text = t.gettext("Now the text in %(language)s, or skip this language.", language=name)
        rows = [
            [
                Button(t.gettext("Skip"), Compose(Step.SKIP)),
                Button(t.gettext("Skip the rest"), Compose(Step.SKIP_REST)),
            ],
            cancel_row(t),
        ]
    await show(update, context, Screen(text, rows), edit=False)
    return TEXT


async def after_text(update: Update, context: ChatContext) -> int:
    """The next language's text, or the audience once every language was asked."""
    draft = draft_of(context)
    following = next_language(context.procedure.languages, draft)
    if following is not None:
        draft.asking = following
        return await ask_text(update, context)
    return await ask_audience(update, context)


async def ask_audience(update: Update, context: ChatContext) -> int:
    """All subscribers, or those of the chosen languages (buttons toggle a language)."""
    t, draft = context.t, draft_of(context)
    every = ("✓ " if draft.languages is None else "") + t.gettext("All subscribers")
    rows = [[Button(every, Compose(Step.ALL))]]
    languages = [
        Button(
            ("✓ " if draft.languages and code in draft.languages else "") + native_name(code),
            ComposeLanguage(code),
        )
        for code in context.procedure.languages
    ]
    rows += [languages[i : i + 2] for i in range(0, len(languages), 2)]
    rows.append([Button(t.gettext("Next"), Compose(Step.AUDIENCE_DONE))])
    rows.append(cancel_row(t))
    text = t.gettext("Who should receive it? All subscribers, or only those of some languages.")
    await show(update, context, Screen(text, rows))
    return AUDIENCE


async def ask_kind(update: Update, context: ChatContext) -> int:
    """News, or a change to one of the procedure's phases."""
    t, procedure = context.t, context.procedure
    rows = [[Button(t.gettext("📰 News (also shown in /status)"), Compose(Step.NEWS))]]
    rows += [
        [
            Button(
                t.gettext("Phase change: %(phase)s", phase=procedure.text(p.title, t.language)),
                ComposePhase(p),
            )
        ]
        for p in procedure.phases
    ]
    rows.append(cancel_row(t))
    await show(update, context, Screen(t.gettext("What kind of message is it?"), rows))
    return KIND


async def ask_when(update: Update, context: ChatContext) -> int:
    """Now, or a typed date and time in the procedure's timezone."""
    t = context.t
    rows = [[Button(t.gettext("Send now"), Compose(Step.NOW))], cancel_row(t)]
    text = t.gettext(
        "Send now, or write the date and time to send it, like 2020-02-25 10:00 (%(zone)s).",
        zone=str(t.timezone),
    )
    await show(update, context, Screen(text, rows))
    return WHEN


def group_name(language: str) -> str:
    """A language group's name in itself; the code if Babel does not know it (a subscriber's
    stored language need not be one the procedure offers any more)."""
    try:
        return native_name(language)
    except (ValueError, UnknownLocaleError):
        return language


async def too_long_for(update: Update, context: ChatContext, lengths: dict[str, int]) -> int:
    """The message is too long for some language groups (the note made it so): say which and
    by how much, and ask for the texts again, from the default language."""
    t, draft, procedure = context.t, draft_of(context), context.procedure
    lines = [
        t.gettext("The message is too long for Telegram, which allows at most 4096 characters:")
    ]
    lines += [
        t.gettext(
            "%(language)s: %(length)d characters with the note, %(over)d too many",
            language=escape(group_name(language)),
            length=length,
            over=length - MAX_MESSAGE,
        )
        for language, length in lengths.items()
    ]
    lines.append(
        t.gettext(
            "Please shorten the text in %(language)s, or write a translation for these languages.",
            language=native_name(procedure.default_language),
        )
    )
    await show(update, context, Screen("\n".join(lines), [cancel_row(t)]), edit=False)
    draft.asking = procedure.default_language
    return await ask_text(update, context)


async def preview(update: Update, context: ChatContext) -> int:
    """Each language group's message as it will arrive, with the recipients and the duration;
    a message that grew too long with the note sends the author back to the texts. Each
    language the audience may have is measured, also one without recipients yet (the audience
    is fixed at Send) and one the procedure no longer offers but subscribers still read."""
    t, draft, procedure = context.t, draft_of(context), context.procedure
    messages = messages_for(context.services.catalogs, procedure, draft.kind, draft.texts)
    sizes = await outbox.audience_sizes(context.db, procedure.default_language, draft.languages)
    lengths = over_the_limit(messages, set(draft.languages or procedure.languages) | set(sizes))
    if lengths:
        return await too_long_for(update, context, lengths)
    chat = update.effective_chat
    for language, count in sorted(sizes.items()):
        if count and chat is not None:
            await chat.send_message(f"[{escape(group_name(language))} · {count}]")
            await chat.send_message(messages[language])
    total = sum(sizes.values())
    seconds = total / context.services.settings.broadcast_rate
    lines = [
        "<b>{}</b>".format(t.gettext("Preview")),
        t.ngettext("%(count)d recipient", "%(count)d recipients", total),
        ", ".join(f"{escape(group_name(k))}: {v}" for k, v in sorted(sizes.items())) or "–",
        t.gettext("Estimated duration: %(minutes)d min.", minutes=max(1, round(seconds / 60))),
    ]
    if draft.send_at is not None:
        lines.append(t.gettext("Planned for %(date)s.", date=t.datetime(draft.send_at)))
    rows = [
        [
            Button(t.gettext("✅ Send"), Compose(Step.SEND)),
            Button(t.gettext("✏️ Edit"), Compose(Step.EDIT)),
        ],
        cancel_row(t),
    ]
    await show(update, context, Screen("\n".join(lines), rows), edit=False)
    return PREVIEW
