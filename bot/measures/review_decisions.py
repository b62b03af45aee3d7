"""Staff's decisions on measures: approve with a cost estimate, reject with a reason and an
optional note, merge into an approved measure, set the cost, add a translation. Each is one
stored, audited transaction (storage/measures.py); the proposer is told in their language
(bot/measures/notify.py). A cost is a whole number up to the cost ceiling and the budget;
anything else is answered clearly and changes nothing."""

import re

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.fallback import free_text, stale_text
from bot.chat.screens import Screen
from bot.chat.staff import actor
from bot.chat.updates import note_saved
from bot.i18n import Translator, native_name
from bot.measures.notify import tell_proposer
from bot.measures.proposal_buttons import REASONS, MergeInto, RejectReason, Review, TranslateInto
from bot.measures.review import show_measure, staff_only
from bot.measures.writing import prompt, tag
from bot.procedure import Measures
from storage import measures as stored
from storage.measures import Decided, MeasureText

NOTE_MAX = 300  # characters of staff's note to the proposer
# "40000", "40 000", "40.000", "40,000", "40’000": digits in groups of three are one number.
_COST = re.compile(r"^\d{1,3}(?:[ \u00a0\u202f.,’']\d{3})+$|^\d+$")


def parse_cost(t: Translator, text: str, measures: Measures) -> int | str:
    """The cost staff typed, or what is wrong with it."""
    value = text.strip()
    if not _COST.fullmatch(value):
        return t.gettext("Please type the cost as a whole number, like 25000. Nothing was changed.")
    cost = int(re.sub(r"\D", "", value))
    if cost <= 0:
        return t.gettext("The cost must be more than 0. Nothing was changed.")
    if measures.max_cost is not None and cost > measures.max_cost:
        return t.gettext(
            "A measure may cost at most %(amount)s in this procedure. Nothing was changed.",
            amount=t.money(measures.max_cost, measures.currency),
        )
    if cost > measures.budget:
        return t.gettext(
            "The cost is more than the whole budget of %(amount)s. Nothing was changed.",
            amount=t.money(measures.budget, measures.currency),
        )
    return cost


def outcome_text(t: Translator, outcome: Decided) -> str:
    """The answer to a refused decision."""
    if outcome is Decided.CHOSEN:
        return t.gettext(
            "Residents have already chosen this measure: its cost stays as they saw it. "
            "Nothing was changed."
        )
    if outcome is Decided.TARGET:
        return t.gettext("That measure is not approved (any more). Nothing was changed.")
    if outcome is Decided.MISSING:
        return t.gettext("There is no such measure. Nothing was changed.")
    if outcome is Decided.ORIGINAL:
        return t.gettext(
            "The measure was written in this language: its text stays as it was written. "
            "Please choose another language. Nothing was changed."
        )
    return t.gettext("This measure was decided already. Nothing was changed.")


async def _told(context: ChatContext, measure_id: int) -> str:
    t = context.t
    if await tell_proposer(context, measure_id):
        return t.gettext("Saved. The proposer was told in their language.")
    return t.gettext("Saved.")


async def _decided(
    update: Update, context: ChatContext, measure_id: int, outcome: Decided, tell: bool
) -> str | None:
    # The measure's screen again, with what happened.
    if outcome is not Decided.DONE:
        return await show_measure(update, context, measure_id, outcome_text(context.t, outcome))
    note_saved()
    note = await _told(context, measure_id) if tell else context.t.gettext("Saved.")
    return await show_measure(update, context, measure_id, note)


async def typed(update: Update, context: ChatContext, asked: list[str], text: str | None) -> None:
    """Text typed for a review prompt: a cost, a note, a translation."""
    measures = context.procedure.measures
    if not staff_only(update, context) or measures is None or len(asked) != 3:
        await free_text(update, context)
        return
    what, number, extra = asked
    measure_id = int(number)
    if text is None:
        text = ""
    if what == "cost":
        await _cost_typed(update, context, measures, measure_id, extra, text)
    elif what == "note":
        await _note_typed(update, context, measure_id, extra, text)
    elif what == "translate":
        await _translation_typed(update, context, measure_id, extra, text)


async def _again(update: Update, context: ChatContext, problem: str, what: str, back: int) -> None:
    # The same prompt once more, with what was wrong.
    cancel = [Button(context.t.gettext("✖ Cancel"), Review(back))]
    await prompt(update, context, Screen(problem, [cancel]), what)


async def _cost_typed(update: Update, context: ChatContext, measures: Measures,
                      measure_id: int, step: str, text: str) -> None:  # fmt: skip
    cost = parse_cost(context.t, text, measures)
    if isinstance(cost, str):
        await _again(update, context, cost, tag("cost", measure_id, step), measure_id)
        return
    staff = actor(update)
    if step == "approve":
        outcome = await stored.approve(context.db, staff, measure_id, cost)
    else:
        outcome = await stored.set_cost(context.db, staff, measure_id, cost)
    await _decided(update, context, measure_id, outcome, tell=step == "approve")


async def _note_typed(
    update: Update, context: ChatContext, measure_id: int, reason: str, text: str
) -> None:
    t = context.t
    note = text.strip()
    if reason not in REASONS:
        await free_text(update, context)
        return
    if not note or len(note) > NOTE_MAX:
        problem = t.gettext(
            "The note may have at most %(count)d characters, and cannot be empty. Please write "
            "it again, or reject without a note. Nothing was changed.",
            count=NOTE_MAX,
        )
        rows = [
            [Button(t.gettext("Reject without a note"), RejectReason(measure_id, reason, True))],
            [Button(t.gettext("✖ Cancel"), Review(measure_id))],
        ]
        await prompt(update, context, Screen(problem, rows), tag("note", measure_id, reason))
        return
    outcome = await stored.reject(context.db, actor(update), measure_id, reason, note)
    await _decided(update, context, measure_id, outcome, tell=True)


def parse_translation(t: Translator, text: str, measures: Measures) -> MeasureText | str:
    """ "Title | Description", checked against the limits; or what is wrong with it."""
    title, bar, description = text.partition("|")
    title, description = " ".join(title.split()), description.strip()
    if not (bar and title and description):
        return t.gettext(
            "Please write the title and the description, separated by |. Nothing was changed."
        )
    if len(title) > measures.title_max or len(description) > measures.description_max:
        return t.gettext(
            "The title may have at most %(title)d characters and the description at most "
            "%(description)d. Nothing was changed.",
            title=measures.title_max,
            description=measures.description_max,
        )
    return MeasureText(title, description)


async def _translation_typed(
    update: Update, context: ChatContext, measure_id: int, language: str, text: str
) -> None:
    measures = context.procedure.measures
    assert measures is not None
    parsed = parse_translation(context.t, text, measures)
    if isinstance(parsed, str):
        await _again(update, context, parsed, tag("translate", measure_id, language), measure_id)
        return
    outcome = await stored.set_text(context.db, actor(update), measure_id, language, parsed)
    await _decided(update, context, measure_id, outcome, tell=False)


async def reason_pressed(update: Update, context: ChatContext) -> str | None:
    """A reason chosen: reject now (without a note), or ask for the note."""
    t = context.t
    if not staff_only(update, context):
        return stale_text(t)
    pressed = context.button(RejectReason)
    if pressed.now:
        outcome = await stored.reject(
            context.db, actor(update), pressed.measure_id, pressed.reason, None
        )
        return await _decided(update, context, pressed.measure_id, outcome, tell=True)
    text = t.gettext(
        "Type a note to the proposer (at most %(count)d characters), or reject without a note.",
        count=NOTE_MAX,
    )
    rows = [
        [
            Button(
                t.gettext("Reject without a note"),
                RejectReason(pressed.measure_id, pressed.reason, True),
            )
        ],
        [Button(t.gettext("✖ Cancel"), Review(pressed.measure_id))],
    ]
    what = tag("note", pressed.measure_id, pressed.reason)
    await prompt(update, context, Screen(text, rows), what)
    return None


async def merge_pressed(update: Update, context: ChatContext) -> str | None:
    """Merge a pending proposal into an approved measure."""
    if not staff_only(update, context):
        return stale_text(context.t)
    pressed = context.button(MergeInto)
    outcome = await stored.merge(context.db, actor(update), pressed.measure_id, pressed.into)
    return await _decided(update, context, pressed.measure_id, outcome, tell=True)


async def translate_pressed(update: Update, context: ChatContext) -> str | None:
    """A language chosen: the translation is typed next."""
    t = context.t
    if not staff_only(update, context):
        return stale_text(t)
    pressed = context.button(TranslateInto)
    if await stored.get(context.db, pressed.measure_id) is None:
        return stale_text(t)
    text = "\n".join(
        [
            t.gettext(
                "Type the title and the description in %(language)s, separated by |:",
                language=native_name(pressed.language),
            ),
            t.gettext("Title | Description"),
        ]
    )
    what = tag("translate", pressed.measure_id, pressed.language)
    cancel = [Button(t.gettext("✖ Cancel"), Review(pressed.measure_id))]
    await prompt(update, context, Screen(text, [cancel]), what)
    return None


async def translate_command(update: Update, context: ChatContext, rest: str) -> str:
    """/proposals translate <number> <language> Title | Description: the answer to staff."""
    from bot.measures.review import usage

    t, procedure = context.t, context.procedure
    measures = procedure.measures
    assert measures is not None
    parts = rest.split(maxsplit=3)
    number = parts[1] if len(parts) > 1 else ""
    if len(parts) < 4 or not (number.isascii() and number.isdigit()) or len(number) > 9:
        return usage(t)
    if parts[2] not in procedure.languages:
        return t.gettext(
            "Unknown language %(code)s; use one of %(codes)s. Nothing was changed.",
            code=parts[2],
            codes=", ".join(procedure.languages),
        )
    parsed = parse_translation(t, parts[3], measures)
    if isinstance(parsed, str):
        return parsed
    outcome = await stored.set_text(context.db, actor(update), int(number), parts[2], parsed)
    if outcome is not Decided.DONE:
        return outcome_text(t, outcome)
    note_saved()
    return t.gettext(
        "Measure #%(number)d now has its text in %(language)s.",
        number=int(number),
        language=native_name(parts[2]),
    )
