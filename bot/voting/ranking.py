"""Ordering the action fields (procedures with rank_fields): tap them in order of importance.

A button carries the position it was made for, so a replay or an out-of-date button changes
nothing; "start again" forgets the order.
"""

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.fallback import stale_text
from bot.chat.screens import Screen, show
from bot.chat.updates import note_saved
from bot.i18n import Translator
from bot.procedure import Procedure
from bot.voting.buttons import Rank, Unrank, Vote
from bot.voting.myballot import ranking_lines
from bot.voting.voter import count_in, key_of, refusal
from storage import ballots
from storage.ballots import Ballot, Outcome


def ranking_screen(t: Translator, procedure: Procedure, ballot: Ballot) -> Screen:
    """Tap the fields in order of importance; the order so far is shown; reset possible."""
    lines = [
        "<b>{}</b>".format(t.gettext("Order the action fields")),
        t.gettext("Tap the action fields in order of importance, the most important first."),
    ]
    if ballot.ranking:
        lines.append("")
        lines += ranking_lines(t, procedure, ballot)
    next_position = len(ballot.ranking) + 1
    rows = [
        [Button(procedure.text(f.title, t.language), Rank(f, next_position))]
        for f in procedure.fields
        if f.id not in ballot.ranking
    ]
    if ballot.ranking:
        rows.append([Button(t.gettext("↺ Start again"), Unrank())])
    rows.append([Button(t.gettext("📋 All action fields"), Vote())])
    return Screen("\n".join(lines), rows)


async def show_ranking(update: Update, context: ChatContext) -> None:
    """Show the ordering screen."""
    ballot = await ballots.ballot(context.db, key_of(update, context))
    await show(update, context, ranking_screen(context.t, context.procedure, ballot))


async def rank(update: Update, context: ChatContext) -> str | None:
    """Place a field at the position its button was made for; an alert when refused."""
    pressed = context.button(Rank)
    reason = await refusal(context)
    if reason is not None:
        return reason
    outcome, ballot = await ballots.rank_field(
        context.db, key_of(update, context), context.procedure.voter_rules_json,
        pressed.field.id, pressed.position,
    )  # fmt: skip
    if outcome is Outcome.STALE:
        return stale_text(context.t)
    await count_in(update, context)
    await show(update, context, ranking_screen(context.t, context.procedure, ballot))
    return None


async def start_again(update: Update, context: ChatContext) -> str | None:
    """Forget the order of the fields; an alert when refused."""
    reason = await refusal(context)
    if reason is not None:
        return reason
    key = key_of(update, context)
    await ballots.reset_ranking(context.db, key)
    note_saved()
    ballot = await ballots.ballot(context.db, key)
    await show(update, context, ranking_screen(context.t, context.procedure, ballot))
    return None
