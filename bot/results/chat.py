"""Results in the chat: /results and the menu's entry.

Staff (BOT_ADMINS, in their private chat with the bot) see every figure, page through the
fields, get charts and the CSV and JSON files. Residents see the public ranking in their
language once the procedure file says the results are public, and until then when that
will be. Charts are drawn in a worker thread, so voting goes on while one is made.
"""

import asyncio
from datetime import UTC, datetime

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.fallback import stale_text
from bot.chat.menu import back_to_menu
from bot.chat.screens import Screen, answer_press, send_text, show
from bot.chat.staff import staff_in_private
from bot.i18n import Translator
from bot.results import charts, publishing
from bot.results.buttons import Export, FieldChart, Results, ResultsPage
from bot.results.exports import CsvStyle, to_csv, to_json
from bot.results.outcome import FieldOutcome, Outcome
from bot.results.publication import is_public, not_yet_text
from bot.results.reading import current_outcome
from bot.results.screens import (
    field_chart,
    overview_chart,
    public_field,
    public_overview,
    staff_field,
    staff_overview,
)
from bot.voting.window import window


def results_entry(t: Translator) -> Button:
    """The main menu's entry to the results."""
    return Button(t.gettext("📊 Results"), Results())


async def _public(context: ChatContext) -> bool:
    return is_public(context.procedure, await window(context.db, context.procedure))


async def _not_yet(update: Update, context: ChatContext) -> None:
    current = await window(context.db, context.procedure)
    text = not_yet_text(context.t, context.procedure, current)
    await show(update, context, Screen(text, [back_to_menu(context.t)]))


def _field(outcome: Outcome, field_id: str) -> FieldOutcome:
    return next(f for f in outcome.fields if f.field.id == field_id)


async def show_results(update: Update, context: ChatContext) -> None:
    """/results and the menu's entry: staff's overview (or, with "publish", the preview of
    the results broadcast), or the public results."""
    t, procedure = context.t, context.procedure
    if staff_in_private(update, context):
        outcome = await current_outcome(context.db, procedure)
        words = [w.lower() for w in (context.args or [])] if update.callback_query is None else []
        if words == ["publish"]:
            if await _public(context):
                await publishing.preview(update, context, outcome)
            else:
                current = await window(context.db, procedure)
                refusal = t.gettext("The results are not public yet.")
                await send_text(
                    update, context, refusal + " " + not_yet_text(t, procedure, current)
                )
        elif words:
            await send_text(
                update, context, t.gettext("Unknown choice. Use /results or /results publish.")
            )
        else:
            await show(update, context, staff_overview(t, procedure, outcome))
    elif await _public(context):
        outcome = await current_outcome(context.db, procedure)
        await show(update, context, public_overview(t, procedure, outcome))
    else:
        await _not_yet(update, context)


async def results_page(update: Update, context: ChatContext) -> str | None:
    """One field's page: staff's figures or the public ranking."""
    pressed = context.button(ResultsPage)
    t, procedure = context.t, context.procedure
    if staff_in_private(update, context):
        outcome = await current_outcome(context.db, procedure)
        field = _field(outcome, pressed.field.id)
        await show(update, context, staff_field(t, procedure, outcome, field, pressed.page))
    elif await _public(context):
        outcome = await current_outcome(context.db, procedure)
        field = _field(outcome, pressed.field.id)
        await show(update, context, public_field(t, procedure, outcome, field))
    else:
        await _not_yet(update, context)
    return None


async def _send_chart(update: Update, context: ChatContext, chart: charts.Chart) -> None:
    await answer_press(update, context)  # drawing takes a moment: the button stops spinning
    image = await asyncio.to_thread(charts.render, chart)
    chat = update.effective_chat
    if chat is not None:
        await chat.send_photo(image, caption=context.t.bidi(chart.title))


async def send_overview_chart(update: Update, context: ChatContext) -> str | None:
    """Staff: the overview chart as an image."""
    if not staff_in_private(update, context):
        return stale_text(context.t)
    outcome = await current_outcome(context.db, context.procedure)
    await _send_chart(update, context, overview_chart(context.t, context.procedure, outcome))
    return None


async def send_field_chart(update: Update, context: ChatContext) -> str | None:
    """One field's chart as an image (staff, or residents once the results are public)."""
    pressed = context.button(FieldChart)
    if not staff_in_private(update, context) and not await _public(context):
        return stale_text(context.t)
    outcome = await current_outcome(context.db, context.procedure)
    field = _field(outcome, pressed.field.id)
    await _send_chart(update, context, field_chart(context.t, context.procedure, outcome, field))
    return None


async def publish_pressed(update: Update, context: ChatContext) -> str | None:
    """Staff's Send or Cancel under the preview of the results broadcast."""
    if not staff_in_private(update, context):
        return stale_text(context.t)
    outcome = await current_outcome(context.db, context.procedure)
    return await publishing.answer_preview(update, context, outcome)


async def send_export(update: Update, context: ChatContext) -> str | None:
    """Staff: the results as a CSV (for Excel) or JSON file."""
    if not staff_in_private(update, context):
        return stale_text(context.t)
    pressed = context.button(Export)
    procedure = context.procedure
    outcome = await current_outcome(context.db, procedure)
    if pressed.format == "csv":
        data = to_csv(outcome, procedure, CsvStyle()).encode("utf-8")
    else:
        data = to_json(outcome, procedure).encode("utf-8")
    stamp = datetime.now(UTC).astimezone(procedure.timezone).strftime("%Y%m%d-%H%M")
    name = f"results-{procedure.id}-{stamp}.{pressed.format}"
    await answer_press(update, context)
    chat = update.effective_chat
    if chat is not None:
        await chat.send_document(data, filename=name, caption=context.t.bidi(name))
    return None
