"""One field's choices: the sub-goals with a button each that shows its state, and the
changes those buttons ask for.

Every change comes from a button that carries the state it sets (choose 3.2, remove 3.2,
set 4 points); its handler has validated it against the procedure, and this module checks
the window and consent before anything is stored. Refusals are a short alert; nothing changes.
"""

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.screens import Screen, show
from bot.chat.text import escape
from bot.i18n import Translator
from bot.procedure import Field, Goal, Procedure
from bot.voting.buttons import FieldBallot, NoPreference, Pick, Points, Vote
from bot.voting.entry import open_voting
from bot.voting.voter import count_in, key_of, refusal
from storage import ballots
from storage.ballots import Ballot, Outcome


def _goal_rows(
    t: Translator, procedure: Procedure, field: Field, ballot: Ballot
) -> list[list[Button]]:
    number = procedure.fields.index(field) + 1
    chosen = ballot.chosen(field.id)
    rows = []
    for n, goal in enumerate(field.goals, start=1):
        label = f"{number}.{n} {procedure.text(goal.text, t.language)}"
        if procedure.voting.method == "points":
            points = chosen.get(goal.id, 0)
            rows.append(
                [
                    Button("➖", Points(field, goal, max(points - 1, 0))),
                    Button(f"{number}.{n}: {points}", Points(field, goal, points)),
                    Button("➕", Points(field, goal, points + 1)),
                ]
            )
        elif goal.id in chosen:
            rows.append([Button("✅ " + label, Pick(field, goal, False))])
        else:
            rows.append([Button("☐ " + label, Pick(field, goal, True))])
    return rows


def ballot_screen(t: Translator, procedure: Procedure, field: Field, ballot: Ballot) -> Screen:
    """One field: guiding goal, numbered sub-goals, a button per choice showing its state."""
    number = procedure.fields.index(field) + 1
    chosen = ballot.chosen(field.id)
    lines = [
        f"<b>{number}. {escape(procedure.text(field.title, t.language))}</b>",
        f"<i>{escape(procedure.text(field.guiding_goal, t.language))}</i>",
        "",
    ]
    lines += [
        f"{number}.{n} {escape(procedure.text(goal.text, t.language))}"
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
    rows = _goal_rows(t, procedure, field, ballot)
    mark = "✓ " if field.id in ballot.abstained else ""
    rows.append([Button(mark + t.gettext("🤷 No preference in this field"), NoPreference(field))])
    following = procedure.fields[number:]
    navigation = [Button(t.gettext("📋 All action fields"), Vote())]
    if following:
        navigation.append(Button(t.gettext("Next field"), FieldBallot(following[0])))
    rows.append(navigation)
    return Screen("\n".join(lines), rows)


async def open_field(update: Update, context: ChatContext) -> None:
    """One field's choices, once the resident may vote (else the way in)."""
    field = context.button(FieldBallot).field
    if await refusal(context) is not None:
        await open_voting(update, context)
        return
    ballot = await ballots.ballot(context.db, key_of(update, context))
    await show(update, context, ballot_screen(context.t, context.procedure, field, ballot))


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
    await show(update, context, ballot_screen(context.t, context.procedure, field, ballot))
    return None


async def no_preference(update: Update, context: ChatContext) -> str | None:
    """ "No preference in this field" (clears the choices there); an alert when refused."""
    field = context.button(NoPreference).field
    reason = await refusal(context)
    if reason is not None:
        return reason
    t = context.t
    _, ballot = await ballots.abstain(
        context.db, key_of(update, context), context.procedure.voter_rules_json,
        field.id,
    )  # fmt: skip
    await count_in(update, context)
    await show(update, context, ballot_screen(t, context.procedure, field, ballot))
    return None
