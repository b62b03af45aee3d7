"""/status and the menu's "Status and news": the timeline, where the procedure stands now, the
latest news, and the older news page by page."""

from datetime import UTC, datetime

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.fallback import stale_text
from bot.chat.menu import back_to_menu
from bot.chat.screens import Screen, show
from bot.chat.text import escape
from bot.i18n import Translator
from bot.news import timeline as timelines
from bot.news.buttons import OlderNews, Status, Subscription
from bot.news.items import fitted
from bot.news.timeline import PhaseState, Timeline
from bot.procedure import Phase, Procedure
from storage import news, subscriptions
from storage.news import NewsItem

PAGE = 3  # news items per screen: the latest on /status, then pages of older ones

# Marks without a direction: an arrow ("▶️") would point backwards in Arabic and Persian.
MARKS = {
    PhaseState.DONE: "✅",
    PhaseState.CURRENT: "⏳",
    PhaseState.COMING: "🗓️",
    PhaseState.POSTPONED: "⏸️",
    PhaseState.CANCELLED: "✖️",
}


def reason_line(t: Translator, entry: timelines.PhaseStatus, procedure: Procedure) -> str:
    """ "Postponed: …" or "Cancelled: …" with the reason in the reader's language ("" if none)."""
    reason = escape(timelines.reason_in(entry.reason, t.language, procedure.default_language))
    if entry.state is PhaseState.POSTPONED:
        return t.gettext("Postponed: %(reason)s", reason=reason)
    if entry.state is PhaseState.CANCELLED:
        return t.gettext("Cancelled for the time being: %(reason)s", reason=reason)
    return ""


def subscription_row(t: Translator, *, subscribed: bool) -> list[Button]:
    """A row with the button that changes the subscription; it carries the state it sets."""
    if subscribed:
        return [Button(t.gettext("🔕 Stop the news"), Subscription(False))]
    return [Button(t.gettext("🔔 Subscribe to news"), Subscription(True))]


def period(t: Translator, phase: Phase, procedure: Procedure) -> str:
    """A phase's days in the reader's language: one day, a range, or "from" an open start."""
    first, last = timelines.days(phase, procedure.timezone)
    if last is None:
        return t.gettext("from %(date)s", date=t.date(first))
    if last == first:
        return t.date(first)
    return t.gettext("%(start)s – %(end)s", start=t.date(first), end=t.date(last))


def timeline_text(t: Translator, procedure: Procedure, line: Timeline) -> str:
    """Each phase with its mark and days; postponed ones with the reason; then where the
    procedure stands now (or, between phases, what comes next)."""
    entries = []
    for entry in line.phases:
        title = escape(procedure.text(entry.phase.title, t.language))
        if entry.state is PhaseState.CURRENT:
            title = f"<b>{title}</b>"
        lines = [f"{MARKS[entry.state]} {title}", period(t, entry.phase, procedure)]
        if reason := reason_line(t, entry, procedure):
            lines.append(reason)
        entries.append("\n".join(lines))
    if line.current is not None:
        title = escape(procedure.text(line.current.title, t.language))
        headline = t.gettext("Now: %(phase)s", phase=title)
        about = escape(procedure.text(line.current.description, t.language))
    elif line.next is not None:
        title = escape(procedure.text(line.next.title, t.language))
        headline = t.gettext("Next step: %(phase)s", phase=title)
        about = escape(procedure.text(line.next.description, t.language))
    else:
        headline, about = t.gettext("No step of the procedure is running at the moment."), ""
    entries.append(f"<b>{headline}</b>" + (f"\n{about}" if about else ""))
    return "\n\n".join(entries)


def _rows(t: Translator, subscribed: bool, *pages: Button) -> list[list[Button]]:
    rows = [[page] for page in pages]
    return [*rows, subscription_row(t, subscribed=subscribed), back_to_menu(t)]


def status_screen(
    t: Translator,
    procedure: Procedure,
    line: Timeline,
    items: list[NewsItem],
    total: int,
    subscribed: bool,
) -> Screen:
    """The timeline, where the procedure stands, the latest news, and the way to older ones."""
    head = [
        "<b>{}</b>".format(t.gettext("Where the procedure stands")),
        timeline_text(t, procedure, line),
        "<b>{}</b>".format(t.gettext("News")),
    ]
    if not items:
        head.append(t.gettext("No news yet."))
    older = [Button(t.gettext("🗂 Older news"), OlderNews(1))] if total > PAGE else []
    return Screen(fitted(head, t, procedure, items), _rows(t, subscribed, *older))


def archive_screen(
    t: Translator,
    procedure: Procedure,
    items: list[NewsItem],
    page: int,
    pages: int,
    subscribed: bool,
) -> Screen:
    """One page of older news (page 1 follows the news on /status), with the way on and back."""
    heading = t.gettext("Older news, page %(page)d of %(pages)d", page=page, pages=pages - 1)
    moves = []
    if page + 1 < pages:
        moves.append(Button(t.gettext("🗂 Older news"), OlderNews(page + 1)))
    if page > 1:
        moves.append(Button(t.gettext("Newer news"), OlderNews(page - 1)))
    moves.append(Button(t.gettext("📅 Status and news"), Status()))
    text = fitted([f"<b>{heading}</b>"], t, procedure, items)
    return Screen(text, _rows(t, subscribed, *moves))


def pages_of(total: int) -> int:
    """How many screens of news there are, the /status screen included."""
    return max(1, -(-total // PAGE))


async def _subscribed(update: Update, context: ChatContext) -> bool:
    chat = update.effective_chat
    return chat is not None and await subscriptions.is_active(context.db, chat.id)


def status_entry(t: Translator) -> Button:
    """The main menu's entry to the status and news."""
    return Button(t.gettext("📅 Status and news"), Status())


async def show_status(update: Update, context: ChatContext) -> None:
    """/status and "Status and news": the status screen at the current time."""
    procedure, db = context.procedure, context.db
    decided = await timelines.overrides(db)
    line = timelines.timeline(procedure.phases, procedure.timezone, decided, datetime.now(UTC))
    items = await news.latest(db, PAGE)
    total = await news.count(db)
    subscribed = await _subscribed(update, context)
    await show(update, context, status_screen(context.t, procedure, line, items, total, subscribed))


async def show_older_news(update: Update, context: ChatContext) -> str | None:
    """A page of older news; a page that does not exist (any more) is an out-of-date button."""
    page, db = context.button(OlderNews).page, context.db
    pages = pages_of(await news.count(db))
    if not 1 <= page < pages:
        return stale_text(context.t)
    items = await news.latest(db, PAGE, page * PAGE)
    subscribed = await _subscribed(update, context)
    screen = archive_screen(context.t, context.procedure, items, page, pages, subscribed)
    await show(update, context, screen)
    return None
