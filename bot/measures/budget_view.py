"""The budget ballot as other screens show it: /myballot lists it under the prioritisation's
ballot (bot/voting/myballot.py asks for it here, so voting knows nothing of measures)."""

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.screens import Screen
from bot.measures.budget import chosen_measures
from bot.measures.budget_screens import selection_lines
from bot.measures.buttons import BudgetStart
from bot.measures.windows import measures_window
from bot.voting.voter import key_of
from bot.voting.window import WindowState
from storage import measures as stored


async def budget_part(update: Update, context: ChatContext) -> Screen | None:
    """The resident's measures within the budget, with the total and (while choosing is
    open) the way to change them; None without a measures round or before it opened."""
    measures = context.procedure.measures
    current = await measures_window(context.db, context.procedure, "voting")
    if measures is None or current is None or update.effective_user is None:
        return None
    state = current.state()
    if state is WindowState.BEFORE:
        return None
    t = context.t
    ballot = await stored.budget_ballot(context.db, key_of(update, context))
    chosen = await chosen_measures(context, ballot)
    if state is WindowState.CLOSED and not chosen:
        return None
    lines = ["", "<b>{}</b>".format(t.gettext("Measures you chose"))]
    lines += selection_lines(t, measures, chosen, ballot.spent)
    rows = []
    if state is WindowState.OPEN:
        rows.append([Button(t.gettext("🧮 Choose measures"), BudgetStart())])
    return Screen("\n".join(lines), rows)
