"""The questions the /broadcast conversation asks, one screen each, and the draft they fill.

The handlers in bot/handlers/compose.py decide which screen comes next; each screen here
records its stage in the draft, so that buttons of an older screen can be refused.
"""

from dataclasses import dataclass, field
from datetime import datetime

from telegram import Update
from telegram.ext import ContextTypes, ConversationHandler

from bot.broadcast_texts import texts_for_all, too_long
from bot.i18n import Translator, native_name
from bot.keyboards import button
from bot.services import Services, services
from bot.view import Screen, escape, show
from storage import outbox

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


def draft_of(context: ContextTypes.DEFAULT_TYPE) -> Draft:
    """The staff member's draft (a fresh one if none)."""
    return context.user_data.setdefault(DRAFT, Draft())  # type: ignore[union-attr]


def cancel_row(t: Translator) -> list:
    """The Cancel button, on every screen of the conversation."""
    return [button(t.gettext("✖ Cancel"), "compose", "cancel")]


def next_language(svc: Services, draft: Draft) -> str | None:
    """The language to ask a text for after the current one (None: all were asked)."""
    languages = svc.procedure.languages
    index = languages.index(draft.asking) + 1 if draft.asking in languages else 0
    return languages[index] if index < len(languages) else None


async def ask_text(update: Update, context: ContextTypes.DEFAULT_TYPE, t: Translator) -> int:
    """Ask for the text in `draft.asking` (the default language cannot be skipped)."""
    svc, draft = services(context), draft_of(context)
    name = native_name(draft.asking)
    if draft.asking == svc.procedure.default_language:
        text = t.gettext(
            "Write the message in %(language)s. Bold, italics and links are kept.", language=name
        )
        rows = [cancel_row(t)]
    else:
        text = t.gettext("Now the text in %(language)s, or skip this language.", language=name)
        rows = [
            [
                button(t.gettext("Skip"), "compose", "skip"),
                button(t.gettext("Skip the rest"), "compose", "skipall"),
            ],
            cancel_row(t),
        ]
    draft.stage = TEXT
    await show(update, Screen(text, rows), t)
    return TEXT


async def after_text(
    update: Update, context: ContextTypes.DEFAULT_TYPE, t: Translator, svc: Services, draft: Draft
) -> int:
    """The next language's text, or the audience once every language was asked."""
    following = next_language(svc, draft)
    if following is not None:
        draft.asking = following
        return await ask_text(update, context, t)
    return await ask_audience(update, t, draft, svc)


async def ask_audience(update: Update, t: Translator, draft: Draft, svc: Services) -> int:
    """All subscribers, or those of the chosen languages (buttons toggle a language)."""
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
    rows.append(cancel_row(t))
    text = t.gettext("Who should receive it? All subscribers, or only those of some languages.")
    draft.stage = AUDIENCE
    await show(update, Screen(text, rows), t, edit=update.callback_query is not None)
    return AUDIENCE


async def ask_kind(update: Update, t: Translator, svc: Services, draft: Draft) -> int:
    """News, or a change to one of the procedure's phases."""
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
    rows.append(cancel_row(t))
    await show(update, Screen(t.gettext("What kind of message is it?"), rows), t, edit=True)
    return KIND


async def ask_when(update: Update, t: Translator, draft: Draft) -> int:
    """Now, or a typed date and time in the procedure's timezone."""
    draft.stage = WHEN
    rows = [[button(t.gettext("Send now"), "compose", "now")], cancel_row(t)]
    text = t.gettext(
        "Send now, or write the date and time to send it, like 2020-02-25 10:00 (%(zone)s).",
        zone=str(t.timezone),
    )
    await show(update, Screen(text, rows), t, edit=update.callback_query is not None)
    return WHEN


async def preview(update: Update, context: ContextTypes.DEFAULT_TYPE, t: Translator) -> int:
    """Each language group's message as it will arrive, with the recipients and the duration;
    a message that grew too long with the note sends the author back to the texts."""
    svc, draft = services(context), draft_of(context)
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
            await show(update, Screen(answer, [cancel_row(t)]), t)
            draft.asking = svc.procedure.default_language
            return await ask_text(update, context, t)
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
        cancel_row(t),
    ]
    draft.stage = PREVIEW
    await show(update, Screen("\n".join(lines), rows), t)
    return PREVIEW
