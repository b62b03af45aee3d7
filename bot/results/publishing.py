"""Staff publish the results as a news broadcast with a chart: `/results publish`.

The preview shows staff exactly what their own language group will get (the chart and its
text) and how many subscribers will get it; "Send" queues one broadcast whose message in each
language is that language's chart with its text as the caption (bot/broadcasting/pictures.py
uploads each chart once). Only results that are public can be published. The preview carries
a number; once it was answered (sent or not), its buttons do nothing any more.
"""

import asyncio
from datetime import UTC, datetime

from telegram import Update

from bot.broadcasting.publishing import send_or_cancel
from bot.chat.context import ChatContext
from bot.chat.screens import Screen, answer_press, show
from bot.chat.staff import actor
from bot.chat.text import escape
from bot.i18n import Catalogs, Translator
from bot.procedure import Procedure
from bot.results import charts
from bot.results.buttons import Publish
from bot.results.outcome import Outcome
from bot.results.screens import count_text, top_goals_chart
from storage import outbox, runtime

PREVIEW = "results.preview"  # runtime setting: the preview that may still be answered


def caption(t: Translator, procedure: Procedure, outcome: Outcome) -> str:
    """The broadcast's text in one language (the chart's caption: well under 1024)."""
    title = escape(procedure.text(procedure.title, t.language))
    lines = [
        "<b>{}</b>".format(t.gettext("The results are here: %(title)s", title=title)),
        t.gettext(
            "%(count)s people set their priorities.",
            count=count_text(t, outcome, outcome.participants),
        ),
        t.gettext("The picture shows the most important sub-goal in each action field."),
        t.gettext("Every ranking: /results"),
    ]
    return t.bidi("\n\n".join(lines))


def _charts(catalogs: Catalogs, procedure: Procedure, outcome: Outcome) -> dict[str, bytes]:
    # CPU-bound: one chart per language, drawn in a worker thread by the caller.
    return {
        language: charts.render(top_goals_chart(catalogs.translator(language), procedure, outcome))
        for language in procedure.languages
    }


async def preview(update: Update, context: ChatContext, outcome: Outcome) -> None:
    """Show staff the broadcast in their language, with Send and Cancel."""
    t, procedure = context.t, context.procedure
    number = int(datetime.now(UTC).timestamp() * 1000)
    await runtime.set_many(
        context.db, {PREVIEW: str(number)}, actor(update), "results.preview", str(number)
    )
    image = await asyncio.to_thread(charts.render, top_goals_chart(t, procedure, outcome))
    chat = update.effective_chat
    if chat is None:
        return
    await chat.send_photo(image, caption=caption(t, procedure, outcome), parse_mode="HTML")
    sizes = await outbox.audience_sizes(context.db, procedure.default_language)
    total = sum(sizes.values())
    heading = t.gettext("Publish the results")
    screen = send_or_cancel(t, heading, total, Publish(number, True), Publish(number, False))
    await show(update, context, screen, edit=False)


async def answer_preview(update: Update, context: ChatContext, outcome: Outcome) -> str | None:
    """Send or drop the previewed broadcast; an alert when the preview was answered before."""
    pressed = context.button(Publish)
    t, db, procedure = context.t, context.db, context.procedure
    current = (await runtime.get_all(db, PREVIEW)).get(PREVIEW)
    if current != str(pressed.preview):
        return t.gettext("This preview was answered already.")
    await runtime.set_many(db, {PREVIEW: "answered"}, actor(update), "results.answered", "")
    if not pressed.send:
        await show(update, context, Screen(t.gettext("Not sent.")))
        return None
    await answer_press(update, context)
    catalogs = context.services.catalogs
    images = await asyncio.to_thread(_charts, catalogs, procedure, outcome)
    texts = {
        language: caption(catalogs.translator(language), procedure, outcome)
        for language in procedure.languages
    }
    broadcast_id = await outbox.queue(
        db, author_id=actor(update), kind="news", texts=texts,
        default_language=procedure.default_language, images=images,
    )  # fmt: skip
    context.services.wake_outbox()
    await show(
        update,
        context,
        Screen(
            t.gettext(
                "Queued as broadcast %(number)d. You get a report when it has been sent.",
                number=broadcast_id or 0,
            )
        ),
    )
    return None
