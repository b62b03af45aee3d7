"""The costed priority list in the chat ("📊 Costed priority list" in the measures hub).

Staff (BOT_ADMINS, in their private chat with the bot) see the whole list with every figure,
the comparison rule's set, the chart, the CSV, JSON and Pabulib files, and can announce the
funded measures as news. Residents see the public list once `[measures] public` says so, and
until then when it will be. The rules and the charts run in worker threads, so choosing goes
on while a list is computed.
"""

import asyncio
from datetime import UTC, datetime

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext, ChatHandler
from bot.chat.fallback import stale_text
from bot.chat.presses import Presses
from bot.chat.screens import Screen, answer_press, send_text, show
from bot.chat.staff import staff_in_private
from bot.measures import announce, charts
from bot.measures.buttons import MeasureResults, MeasuresHome
from bot.measures.exports import to_csv, to_json
from bot.measures.outcome import costed_list
from bot.measures.pabulib import to_pabulib
from bot.measures.publication import is_public, not_yet_text
from bot.measures.result_buttons import (
    Announce,
    AnnounceAnswer,
    MeasureChart,
    MeasureExport,
    MeasureResultsPage,
)
from bot.measures.result_screens import chart, public_list, staff_list
from bot.measures.windows import measures_window
from bot.procedure import Procedure
from bot.results.exports import CsvStyle
from bot.results.publication import is_public as results_public
from bot.voting.window import window
from storage import measures as stored


async def _public(context: ChatContext) -> bool:
    measures = context.procedure.measures
    window = await measures_window(context.db, context.procedure, "voting")
    return measures is not None and window is not None and is_public(measures, window)


async def _not_yet(update: Update, context: ChatContext) -> None:
    measures = context.procedure.measures
    window = await measures_window(context.db, context.procedure, "voting")
    if measures is None or window is None:
        return
    back = [Button(context.t.gettext("💡 Measures"), MeasuresHome())]
    await show(update, context, Screen(not_yet_text(context.t, measures, window), [back]))


async def _page(update: Update, context: ChatContext, page: int) -> None:
    t, procedure = context.t, context.procedure
    if staff_in_private(update, context):
        listed = await costed_list(context.db, procedure)
        await show(update, context, staff_list(t, procedure, listed, page))
    elif await _public(context):
        listed = await costed_list(context.db, procedure)
        # The sub-goals' priorities only once the prioritisation's results are public too.
        goals = results_public(procedure, await window(context.db, procedure))
        await show(update, context, public_list(t, procedure, listed, page, goals))
    else:
        await _not_yet(update, context)


async def show_list(update: Update, context: ChatContext) -> str | None:
    """The hub's entry: staff's list, the public list, or when it will be public."""
    await _page(update, context, 1)
    return None


async def show_page(update: Update, context: ChatContext) -> str | None:
    """Another page of the list."""
    await _page(update, context, context.button(MeasureResultsPage).page)
    return None


async def send_chart(update: Update, context: ChatContext) -> str | None:
    """The chart as an image (staff, or residents once the list is public)."""
    if not staff_in_private(update, context) and not await _public(context):
        return stale_text(context.t)
    listed = await costed_list(context.db, context.procedure)
    drawn = chart(context.t, listed)
    await answer_press(update, context)  # drawing takes a moment: the button stops spinning
    image = await asyncio.to_thread(charts.render, drawn)
    chat = update.effective_chat
    if chat is not None:
        await chat.send_photo(image, caption=context.t.bidi(drawn.title))
    return None


async def export_text(context: ChatContext, format: str) -> str:
    """The list (or, for "pb", the election) as the text of a file."""
    procedure = context.procedure
    listed = await costed_list(context.db, procedure)
    if format == "csv":
        return to_csv(listed, procedure, CsvStyle())
    if format == "json":
        return to_json(listed, procedure)
    ballots = await stored.selections(context.db)
    return await asyncio.to_thread(to_pabulib, procedure, listed, ballots)


async def send_export(update: Update, context: ChatContext) -> str | None:
    """Staff: the list as a CSV (for Excel) or JSON file, or the Pabulib election."""
    if not staff_in_private(update, context):
        return stale_text(context.t)
    pressed = context.button(MeasureExport)
    procedure = context.procedure
    data = (await export_text(context, pressed.format)).encode("utf-8")
    stamp = datetime.now(UTC).astimezone(procedure.timezone).strftime("%Y%m%d-%H%M")
    name = f"measures-{procedure.id}-{stamp}.{pressed.format}"
    await answer_press(update, context)
    chat = update.effective_chat
    if chat is not None:
        await chat.send_document(data, filename=name, caption=context.t.bidi(name))
    return None


async def start_announcement(update: Update, context: ChatContext) -> str | None:
    """Staff: the preview of the announcement, once the list is public and funds something."""
    if not staff_in_private(update, context):
        return stale_text(context.t)
    t = context.t
    if not await _public(context):
        measures = context.procedure.measures
        window = await measures_window(context.db, context.procedure, "voting")
        if measures is None or window is None:
            return stale_text(t)
        await answer_press(update, context)
        refusal = t.gettext("The costed priority list is not public yet.")
        await send_text(update, context, refusal + " " + not_yet_text(t, measures, window))
        return None
    listed = await costed_list(context.db, context.procedure)
    if not listed.funded_lines():
        return t.gettext("Nothing is funded yet, so there is nothing to announce.")
    await announce.preview(update, context, listed)
    return None


async def answer_announcement(update: Update, context: ChatContext) -> str | None:
    """Staff's Send or Cancel under the preview of the announcement."""
    if not staff_in_private(update, context):
        return stale_text(context.t)
    listed = await costed_list(context.db, context.procedure)
    return await announce.answer_preview(update, context, listed)


def handlers(procedure: Procedure) -> list[ChatHandler]:
    """The costed priority list's buttons."""
    on = Presses(procedure)
    return [
        on(MeasureResults, show_list),
        on(MeasureResultsPage, show_page),
        on(MeasureChart, send_chart),
        on(MeasureExport, send_export),
        on(Announce, start_announcement),
        on(AnnounceAnswer, answer_announcement),
    ]
