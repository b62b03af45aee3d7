"""Staff announce the funded measures as a news broadcast ("📣 Announce the funded measures"
under the costed priority list).

The preview shows staff the message as their own language group will get it (under the news
title, as bot/broadcasting/publishing.py puts it) and how many subscribers will get it; "Send"
queues one news broadcast (it also goes into the /status archive) with the text in each
language; "Cancel" drops it. Only a public list with something funded can be announced. The
preview carries a number; once it was answered, its buttons do nothing any more (as
bot/results/publishing.py does it).
"""

from datetime import UTC, datetime

from telegram import Update

from bot.broadcasting import publishing
from bot.chat.context import ChatContext
from bot.chat.screens import Screen, answer_press, show
from bot.chat.staff import actor
from bot.chat.text import MAX_MESSAGE, escape, visible_length
from bot.i18n import Translator
from bot.measures.outcome import CostedList
from bot.measures.result_buttons import AnnounceAnswer
from bot.measures.result_screens import count_text, more_text, rule_meaning, rule_name
from bot.procedure import Procedure
from storage import outbox, runtime

PREVIEW = "measures.announce.preview"  # runtime setting: the preview that may still be answered
ROOM = 400  # characters kept free for the news title and right-to-left marks
TITLE_CHARACTERS = 90  # a longer title is cut in the announcement (the list has it whole)


def _title(t: Translator, text: str) -> str:
    words = " ".join(text.split())
    return escape(words if len(words) <= TITLE_CHARACTERS else words[: TITLE_CHARACTERS - 1] + "…")


def announcement(t: Translator, procedure: Procedure, listed: CostedList) -> str:
    """The announcement in one language: what is funded, by which rule, and where the whole
    list is. A long list is cut so that the message stays inside Telegram's limit."""

    def money(amount: int) -> str:
        return t.money(amount, listed.currency)

    head = [
        "<b>{}</b>".format(t.gettext("These measures will be funded")),
        t.gettext(
            "%(count)s people chose measures within the budget of %(budget)s.",
            count=count_text(t, listed, listed.voters),
            budget=money(listed.budget),
        ),
        t.gettext("Rule: %(rule)s", rule=rule_name(t, listed.rule))
        + "\n"
        + rule_meaning(t, listed.rule),
    ]
    foot = [
        t.gettext("Together: %(amount)s.", amount=money(listed.funded_total)),
        t.gettext("The whole list is in the menu under 💡 Measures."),
    ]
    funded = listed.funded_lines()
    items: list[str] = []
    for index, line in enumerate(funded):
        item = f"• {_title(t, line.measure.text(t.language)[0].title)} – {money(line.cost)}"
        text = "\n\n".join([*head, "\n".join([*items, item]), *foot])
        if visible_length(text) > MAX_MESSAGE - ROOM:
            items.append(more_text(t, len(funded) - index))
            break
        items.append(item)
    return t.bidi("\n\n".join([*head, "\n".join(items), *foot]))


async def preview(update: Update, context: ChatContext, listed: CostedList) -> None:
    """Show staff the announcement in their language, with Send and Cancel."""
    t, procedure = context.t, context.procedure
    number = int(datetime.now(UTC).timestamp() * 1000)
    await runtime.set_many(
        context.db, {PREVIEW: str(number)}, actor(update), "measures.announce.preview",
        str(number),
    )  # fmt: skip
    catalogs = context.services.catalogs
    written = {
        language: announcement(catalogs.translator(language), procedure, listed)
        for language in procedure.languages
    }
    message = publishing.messages_for(catalogs, procedure, "news", written)[t.language]
    sizes = await outbox.audience_sizes(context.db, procedure.default_language)
    total = sum(sizes.values())
    chat = update.effective_chat
    if chat is None:
        return
    await answer_press(update, context)
    await chat.send_message(message, parse_mode="HTML")
    heading = t.gettext("📣 Announce the funded measures")
    yes, no = AnnounceAnswer(number, True), AnnounceAnswer(number, False)
    await show(update, context, publishing.send_or_cancel(t, heading, total, yes, no), edit=False)


async def answer_preview(update: Update, context: ChatContext, listed: CostedList) -> str | None:
    """Send or drop the previewed announcement; an alert when it was answered before."""
    pressed = context.button(AnnounceAnswer)
    t, db, procedure = context.t, context.db, context.procedure
    current = (await runtime.get_all(db, PREVIEW)).get(PREVIEW)
    if current != str(pressed.preview):
        return t.gettext("This preview was answered already.")
    await runtime.set_many(
        db, {PREVIEW: "answered"}, actor(update), "measures.announce.answered", ""
    )
    if not pressed.send:
        await show(update, context, Screen(t.gettext("Not sent.")))
        return None
    catalogs = context.services.catalogs
    texts = {
        language: announcement(catalogs.translator(language), procedure, listed)
        for language in procedure.languages
    }
    broadcast_id = await publishing.queue(
        db, procedure, author_id=actor(update), texts=texts, kind="news"
    )
    context.services.wake_outbox()
    await show(
        update,
        context,
        Screen(
            t.gettext(
                "Queued as broadcast %(number)d. You get a report when it has been sent.",
                number=broadcast_id,
            )
        ),
    )
    return None
