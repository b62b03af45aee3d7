"""/status and the menu's "Status and news": the timeline, where the procedure stands now, the
latest news, and the older news page by page."""

from datetime import UTC, datetime

from telegram import Update
from telegram.ext import ContextTypes

from bot import status
from bot.handlers.fallback import stale_text
from bot.handlers.menu import back_to_menu, subscription_row
from bot.i18n import Translator
from bot.keyboards import Button, button
from bot.news_view import fitted
from bot.procedure import Phase, Procedure
from bot.services import services, translator
from bot.status import PhaseState, Timeline
from bot.view import Screen, escape, show
from storage import news, subscriptions
from storage.news import NewsItem

PAGE = 3  # news items per screen: the latest on /status, then pages of older ones

# Marks without a direction: an arrow ("▶️") would point backwards in Arabic and Persian.
MARKS = {
    PhaseState.DONE: "✅",
    PhaseState.CURRENT: "⏳",
    PhaseState.COMING: "🗓️",
    PhaseState.POSTPONED: "⏸️",
}


def period(t: Translator, phase: Phase, procedure: Procedure) -> str:
    """A phase's days in the reader's language: one day, a range, or "from" an open start."""
    first, last = status.days(phase, procedure.timezone)
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
        if entry.state is PhaseState.POSTPONED:
            lines.append(t.gettext("Postponed: %(reason)s", reason=escape(entry.reason)))
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
    older = [button(t.gettext("🗂 Older news"), "news", "1")] if total > PAGE else []
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
        moves.append(button(t.gettext("🗂 Older news"), "news", str(page + 1)))
    if page > 1:
        moves.append(button(t.gettext("Newer news"), "news", str(page - 1)))
    moves.append(button(t.gettext("📅 Status and news"), "status"))
    text = fitted([f"<b>{heading}</b>"], t, procedure, items)
    return Screen(text, _rows(t, subscribed, *moves))


def pages_of(total: int) -> int:
    """How many screens of news there are, the /status screen included."""
    return max(1, -(-total // PAGE))


async def _subscribed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    chat = update.effective_chat
    return chat is not None and await subscriptions.is_active(services(context).database, chat.id)


async def show_status(update: Update, context: ContextTypes.DEFAULT_TYPE, *, edit: bool) -> None:
    """Build the status screen at the current time and show it."""
    svc = services(context)
    t = await translator(update, context)
    decided = await status.overrides(svc.database)
    line = status.timeline(svc.procedure.phases, svc.procedure.timezone, decided, datetime.now(UTC))
    items = await news.latest(svc.database, PAGE)
    total = await news.count(svc.database)
    screen = status_screen(t, svc.procedure, line, items, total, await _subscribed(update, context))
    await show(update, screen, t, edit=edit, context=context)


async def status_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/status."""
    await show_status(update, context, edit=False)


async def status_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The menu's "Status and news"."""
    await show_status(update, context, edit=True)


async def news_button(update: Update, context: ContextTypes.DEFAULT_TYPE, page: int) -> str | None:
    """A page of older news; a page that does not exist (any more) is an out-of-date button."""
    svc = services(context)
    t = await translator(update, context)
    pages = pages_of(await news.count(svc.database))
    if not 1 <= page < pages:
        return stale_text(t)
    items = await news.latest(svc.database, PAGE, page * PAGE)
    screen = archive_screen(
        t, svc.procedure, items, page, pages, await _subscribed(update, context)
    )
    await show(update, screen, t, edit=True, context=context)
    return None
