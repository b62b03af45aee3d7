"""From a confirmed draft (chat or command line) to the outbox, and what happens when it starts.

Queueing stores the texts staff wrote and fixes the audience (storage/outbox.py). When the
worker starts sending, a news item goes into the /status archive and a phase change sets the
current phase (so a scheduled one takes effect at its time, not when it was written).
"""

from collections.abc import Callable, Iterable
from datetime import datetime

from telegram import InlineKeyboardMarkup

from bot.broadcasting.texts import Messages, texts_for_all
from bot.broadcasting.worker import Keyboards, OnStart, Render
from bot.chat.buttons import Button, ButtonData, markup
from bot.chat.screens import Screen
from bot.chat.text import escape
from bot.i18n import Catalogs, Translator
from bot.news import timeline
from bot.news.buttons import Status, Subscription
from bot.procedure import Procedure
from storage import news, outbox
from storage.db import Database
from storage.news import NewsText
from storage.outbox import Broadcast


async def queue(
    db: Database,
    procedure: Procedure,
    *,
    author_id: int | None,
    texts: dict[str, str],
    kind: str,
    phase_id: str | None = None,
    languages: Iterable[str] | None = None,
    send_at: datetime | None = None,
) -> int:
    """Queue a broadcast of the written texts; returns its id."""
    broadcast_id = await outbox.queue(
        db,
        author_id=author_id,
        kind=kind,
        texts=texts,
        default_language=procedure.default_language,
        languages=languages,
        phase_id=phase_id,
        send_at=send_at.isoformat() if send_at else None,
    )
    assert broadcast_id is not None
    return broadcast_id


def send_or_cancel(
    t: Translator, heading: str, total: int, send: ButtonData, cancel: ButtonData
) -> Screen:
    """Staff's last step before a prepared broadcast (results, funded measures) is queued:
    what it is, how many subscribers get it, and "Send" or "Cancel"."""
    text = "\n".join(
        [
            f"<b>{heading}</b>",
            t.ngettext(
                "This message goes to %(count)d subscriber, each in their own language.",
                "This message goes to %(count)d subscribers, each in their own language.",
                total,
            ),
        ]
    )
    rows = [[Button(t.gettext("✅ Send"), send)], [Button(t.gettext("✖ Cancel"), cancel)]]
    return Screen(text, rows)


def news_heading(procedure: Procedure) -> Callable[[Translator], str]:
    """The title over news and phase changes, so that a subscriber sees at once who writes
    and what about: "📰 News: <the procedure's title>" in the reader's language."""

    def heading(t: Translator) -> str:
        title = escape(procedure.text(procedure.title, t.language))
        return "<b>{}</b>".format(t.gettext("📰 News: %(title)s", title=title))

    return heading


def messages_for(
    catalogs: Catalogs,
    procedure: Procedure,
    kind: str,
    written: dict[str, str],
    *,
    caption: bool = False,
) -> Messages:
    """The message per language as subscribers get it: news and phase changes under their
    title (not a picture's caption, which has its own heading and only 1024 characters).
    The chat's and the command line's previews and length checks use this too, so the title
    counts in the length."""
    heading = news_heading(procedure) if kind in ("news", "phase") and not caption else None
    return texts_for_all(
        catalogs, procedure.languages, procedure.default_language, written, heading
    )


def renderer(catalogs: Catalogs, procedure: Procedure) -> Render:
    """The function the worker uses to turn written texts into one message per language."""

    def render(kind: str, written: dict[str, str], caption: bool) -> dict[str, str]:
        return messages_for(catalogs, procedure, kind, written, caption=caption)

    return render


def on_start(db: Database, procedure: Procedure) -> OnStart:
    """What a broadcast does when its sending starts: archive the news, change the phase."""

    async def started(broadcast: Broadcast, written: dict[str, str]) -> None:
        if broadcast.kind not in ("news", "phase"):
            return
        await archive(db, procedure, broadcast, written)

    return started


async def archive(
    db: Database, procedure: Procedure, broadcast: Broadcast, written: dict[str, str]
) -> None:
    """Store the news item of a broadcast in the /status archive, and apply a phase change."""
    texts = {language: NewsText("", body) for language, body in written.items()}
    await news.publish(db, broadcast.author_id, texts, phase_id=broadcast.phase_id)
    if broadcast.kind == "phase" and broadcast.phase_id:
        await timeline.set_current(db, broadcast.author_id, broadcast.phase_id)


def keyboards(catalogs: Catalogs, procedure: Procedure) -> Keyboards:
    """The buttons under news and phase changes, per language: where the procedure stands, and
    how to stop the news (reminders bring their own words)."""

    def made(kind: str) -> dict[str, InlineKeyboardMarkup]:
        if kind not in ("news", "phase"):
            return {}
        result = {}
        for language in procedure.languages:
            t = catalogs.translator(language)
            rows = [
                [Button(t.gettext("📅 Status and news"), Status())],
                [Button(t.gettext("🔕 Stop the news"), Subscription(False))],
            ]
            result[language] = markup(
                [[Button(t.bidi(b.label), b.data) for b in row] for row in rows]
            )
        return result

    return made
