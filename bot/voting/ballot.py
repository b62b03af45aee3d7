"""One field's choices: the sub-goals with a button each that shows its state, and the
changes those buttons ask for.

Every change comes from a button that carries the state it sets (choose 3.2, remove 3.2,
set 4 points); its handler has validated it against the procedure, and this module checks
the window and consent before anything is stored. Refusals are a short alert; nothing changes.
"""

import re
from dataclasses import replace
from datetime import datetime
from functools import lru_cache

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.screens import Screen, show, shown_last
from bot.chat.text import escape
from bot.i18n import Translator
from bot.procedure import Field, Goal, Procedure
from bot.voting.buttons import (
    Done,
    FieldBallot,
    NoPreference,
    Pick,
    Points,
    UndoNoPreference,
    Vote,
)
from bot.voting.entry import WANTED_FIELD, open_until, open_voting
from bot.voting.voter import count_in, key_of, memory, refusal
from bot.voting.window import window
from storage import ballots
from storage.ballots import Ballot, Outcome

UNDO = "voting.undo"  # user_data: (field id, {goal id: weight}) "no preference" removed


def _goal_rows(
    t: Translator, procedure: Procedure, field: Field, ballot: Ballot
) -> list[list[Button]]:
    number = procedure.fields.index(field) + 1
    chosen = ballot.chosen(field.id)
    rows = []
    for n, goal in enumerate(field.goals, start=1):
        label = goal_label(t, procedure, goal, t.numeral(f"{number}.{n}"))
        if procedure.voting.method == "points":
            points = chosen.get(goal.id, 0)
            rows.append(
                [
                    Button("➖", Points(field, goal, max(points - 1, 0))),
                    Button(t.numeral(f"{number}.{n}: {points}"), Points(field, goal, points)),
                    Button("➕", Points(field, goal, points + 1)),
                ]
            )
        elif goal.id in chosen:
            rows.append([Button("✅ " + label, Pick(field, goal, False))])
        else:
            rows.append([Button("☐ " + label, Pick(field, goal, True))])
    return rows


def goal_label(t: Translator, procedure: Procedure, goal: Goal, numbered: str) -> str:
    """A sub-goal's button: its number, and its short label where the procedure has one (the
    whole text is in the message above the buttons)."""
    if goal.short is None:
        return numbered
    return f"{numbered} {procedure.text(goal.short, t.language)}"


def ballot_screen(
    t: Translator,
    procedure: Procedure,
    field: Field,
    ballot: Ballot,
    closes: datetime | None = None,
    note: str = "",
    undo: bool = False,
) -> Screen:
    """One field: guiding goal, numbered sub-goals, a button per choice showing its state;
    `closes` adds "open until", `note` a line on what just happened, `undo` the undo button
    for "no preference"."""
    number = procedure.fields.index(field) + 1
    chosen = ballot.chosen(field.id)
    lines = [
        f"<b>{t.numeral(str(number))}. {escape(procedure.text(field.title, t.language))}</b>",
        f"<i>{escape(procedure.text(field.guiding_goal, t.language))}</i>",
        "",
    ]
    lines += [
        f"{t.numeral(f'{number}.{n}')} {escape(procedure.text(goal.text, t.language))}"
        for n, goal in enumerate(field.goals, start=1)
    ]
    lines.append("")
    voting = procedure.voting
    if field.id in ballot.abstained:
        lines.append(t.gettext("Your answer: no preference in this field."))
    elif voting.method == "points":
        left = voting.points - sum(chosen.values())
        lines.append(
            t.gettext("Points left: %(left)d of %(total)d.", left=left, total=voting.points)
        )
    else:
        lines.append(
            t.gettext("Chosen: %(count)d of %(limit)d.", count=len(chosen), limit=voting.top_n)
        )
    if note:
        lines.append(note)
    if closes is not None:
        lines.append(_open_until(t, closes))
    rows = _goal_rows(t, procedure, field, ballot)
    mark = "✅ " if field.id in ballot.abstained else ""
    rows.append([Button(mark + t.gettext("🤷 No preference in this field"), NoPreference(field))])
    if undo:
        rows.append([Button(t.gettext("↩ Undo"), UndoNoPreference(field))])
    following = procedure.fields[number:]
    navigation = [Button(t.gettext("📋 All action fields"), Vote())]
    if following:
        navigation.append(Button(t.gettext("Next field"), FieldBallot(following[0])))
    rows.append(navigation)
    if all(ballot.answered(f.id) for f in procedure.fields):
        # Not shown at once: in top_n a resident may still add a second and third choice.
        lines.append(t.gettext("Every action field is answered. Tap “Done” when you are finished."))
    if any(ballot.answered(f.id) for f in procedure.fields):
        rows.append([Button(t.gettext("🏁 Done"), Done())])
    return Screen("\n".join(lines), rows)


@lru_cache(maxsize=64)
def _open_until(t: Translator, closes: datetime) -> str:
    # Formatted once per language and closing time: Babel's date formatting would otherwise
    # be the most expensive step of drawing the screen on every tap.
    return open_until(t, closes)


def field_tag(field: Field) -> str:
    """The tag of a field's screen: typed numbers choose in it while it is the last shown."""
    return f"voting.field:{field.id}"


async def show_ballot(
    update: Update,
    context: ChatContext,
    field: Field,
    ballot: Ballot,
    note: str = "",
    undo: bool = False,
) -> None:
    """Show one field's choices; while it is the screen shown last, typed numbers choose in
    it."""
    current = await window(context.db, context.procedure)
    screen = ballot_screen(
        context.t, context.procedure, field, ballot, current.closes, note=note, undo=undo
    )
    await show(update, context, replace(screen, tag=field_tag(field)))


async def open_field(update: Update, context: ChatContext) -> None:
    """One field's choices, once the resident may vote (else the way in)."""
    field = context.button(FieldBallot).field
    if await refusal(context) is not None:
        memory(context)[WANTED_FIELD] = field.id  # consent given next leads here
        await open_voting(update, context)
        return
    ballot = await ballots.ballot(context.db, key_of(update, context))
    await show_ballot(update, context, field, ballot)


async def pick(update: Update, context: ChatContext) -> str | None:
    """top_n: choose or remove a sub-goal; an alert when refused (nothing changed)."""
    pressed, t, voting = context.button(Pick), context.t, context.procedure.voting
    over = t.ngettext(
        "You have already chosen %(count)d sub-goal. Remove one first.",
        "You have already chosen %(count)d sub-goals. Remove one first.",
        voting.top_n,
    )
    limits = {"max_goals": voting.top_n}
    return await _set(
        update, context, pressed.field, pressed.goal, int(pressed.chosen), limits, over
    )


async def give_points(update: Update, context: ChatContext) -> str | None:
    """points: set a sub-goal's points; an alert when refused (nothing changed)."""
    pressed, t, voting = context.button(Points), context.t, context.procedure.voting
    over = t.gettext("You have no points left. Take points from another sub-goal first.")
    limits = {"max_total": voting.points}
    return await _set(update, context, pressed.field, pressed.goal, pressed.points, limits, over)


async def _set(update: Update, context: ChatContext, field: Field, goal: Goal, weight: int,
               limits: dict[str, int], over_limit: str) -> str | None:  # fmt: skip
    # Set one goal's weight within the method's limit, then show the field again; the alert
    # text when the window, consent or the limit refused it (nothing changed).
    reason = await refusal(context)
    if reason is not None:
        return reason
    outcome, ballot = await ballots.set_weight(
        context.db, key_of(update, context), context.procedure.voter_rules_json,
        field.id, goal.id, weight, **limits,
    )  # fmt: skip
    if outcome is Outcome.LIMIT:
        return over_limit
    await count_in(update, context)
    await show_ballot(update, context, field, ballot)
    return None


async def no_preference(update: Update, context: ChatContext) -> str | None:
    """ "No preference in this field" (clears the choices there); an alert when refused."""
    field = context.button(NoPreference).field
    reason = await refusal(context)
    if reason is not None:
        return reason
    t, key = context.t, key_of(update, context)
    before = (await ballots.ballot(context.db, key)).chosen(field.id)
    outcome, ballot = await ballots.abstain(
        context.db, key, context.procedure.voter_rules_json, field.id
    )
    await count_in(update, context)
    note, undo = "", False
    if outcome is Outcome.CHANGED and before:
        # Say what it cleared, and keep it for "Undo" (in memory: lost on a restart).
        memory(context)[UNDO] = (field.id, dict(before))
        note = t.ngettext(
            "Your %(count)d choice in this field was removed.",
            "Your %(count)d choices in this field were removed.",
            len(before),
        )
        undo = True
    await show_ballot(update, context, field, ballot, note=note, undo=undo)
    return None


async def undo_no_preference(update: Update, context: ChatContext) -> str | None:
    """ "↩ Undo": restore the choices "no preference" removed in this field."""
    field = context.button(UndoNoPreference).field
    reason = await refusal(context)
    if reason is not None:
        return reason
    kept = memory(context).get(UNDO)
    key, t = key_of(update, context), context.t
    ballot = await ballots.ballot(context.db, key)
    if not isinstance(kept, tuple) or kept[0] != field.id or field.id not in ballot.abstained:
        return t.gettext("There is nothing to undo here any more.")
    del memory(context)[UNDO]
    for goal_id, weight in kept[1].items():
        if field.goal(goal_id) is not None:
            _, ballot = await ballots.set_weight(
                context.db, key, context.procedure.voter_rules_json, field.id, goal_id, weight,
                **_limits(context.procedure),
            )  # fmt: skip
    await count_in(update, context)
    await show_ballot(update, context, field, ballot, note=t.gettext("Your choices are back."))
    return None


def _limits(procedure: Procedure) -> dict[str, int]:
    voting = procedure.voting
    if voting.method == "points":
        return {"max_total": voting.points}
    return {"max_goals": voting.top_n}


TYPED = re.compile(r"^\s*(\d{1,3})(?:[.,٫](\d{1,3}))?\s*$")  # \d: Persian digits too


async def typed_goal(update: Update, context: ChatContext) -> None:
    """A number typed in a field ("4" or "1.4"): choose that sub-goal as its button would
    (top_n: choose or remove; points: one more point), or stay in the field with a hint.
    Outside a field screen, the usual answer to free text."""
    from bot.chat.fallback import free_text

    message, procedure, t = update.effective_message, context.procedure, context.t
    shown = shown_last(context) or ""
    field = next((f for f in procedure.fields if field_tag(f) == shown), None)
    found = TYPED.match(message.text or "") if message is not None else None
    if field is None or found is None:
        await free_text(update, context)
        return
    number = procedure.fields.index(field) + 1
    first, second = found.group(1), found.group(2)
    goal_number = int(second) if second is not None else int(first)
    if (second is not None and int(first) != number) or not 1 <= goal_number <= len(field.goals):
        hint = t.gettext(
            "Type the number of a sub-goal of this field (%(first)s to %(last)s), or use the "
            "buttons.",
            first=t.numeral(f"{number}.1"),
            last=t.numeral(f"{number}.{len(field.goals)}"),
        )
        ballot = await ballots.ballot(context.db, key_of(update, context))
        await show_ballot(update, context, field, ballot, note=hint)
        return
    goal = field.goals[goal_number - 1]
    reason = await refusal(context)
    if reason is not None:
        await show(update, context, Screen(reason, context.services.menu.rows(t)))
        return
    chosen = (await ballots.ballot(context.db, key_of(update, context))).chosen(field.id)
    if procedure.voting.method == "points":
        over = t.gettext("You have no points left. Take points from another sub-goal first.")
        weight = chosen.get(goal.id, 0) + 1
    else:
        over = t.ngettext(
            "You have already chosen %(count)d sub-goal. Remove one first.",
            "You have already chosen %(count)d sub-goals. Remove one first.",
            procedure.voting.top_n,
        )
        weight = 0 if goal.id in chosen else 1
    outcome, ballot = await ballots.set_weight(
        context.db, key_of(update, context), procedure.voter_rules_json, field.id, goal.id,
        weight, **_limits(procedure),
    )  # fmt: skip
    if outcome is Outcome.LIMIT:
        await show_ballot(update, context, field, ballot, note=over)
        return
    await count_in(update, context)
    await show_ballot(update, context, field, ballot)


async def done(update: Update, context: ChatContext) -> None:
    """ "Done": the end of the ballot."""
    from bot.voting.end import show_end

    ballot = await ballots.ballot(context.db, key_of(update, context))
    await show_end(update, context, ballot)
