"""The measures round (procedure file [measures]): proposals by residents and workshops, staff
review and costing, choosing measures within the annual budget, and the costed priority list.

`handlers` hands the feature's handlers to app.py (none without a measures round);
`MEASURES_ENTRY` is its row of the main menu, shown when the procedure has the round.
"""

from bot.chat.context import ChatHandler
from bot.chat.menu import MenuEntry
from bot.chat.presses import Presses
from bot.measures.buttons import MeasuresHome
from bot.measures.home import measures_entry, show_hub
from bot.procedure import Procedure

MEASURES_ENTRY = MenuEntry(measures_entry)

# The handler modules are imported when the handlers are made, not at the top: results'
# staff screen offers the measures' list (it imports bot.measures.buttons, so this package),
# and the measures' screens use results' pieces; at the top that would be a cycle (as privacy
# does it, bot/privacy/__init__.py).


def handlers(procedure: Procedure) -> list[ChatHandler]:
    """The commands and buttons of the measures round."""
    if procedure.measures is None:
        return []
    on = Presses(procedure)
    found: list[ChatHandler] = [on(MeasuresHome, show_hub)]
    # Each part adds its handlers here (proposals and review, the budget ballot, results).
    found += _proposal_handlers(procedure)
    found += _budget_handlers(procedure)
    from bot.measures import results_chat  # the costed priority list

    found += results_chat.handlers(procedure)
    return found


def writing_handlers(procedure: Procedure) -> list[ChatHandler]:
    """Text typed while a measures prompt waits for it (a proposal's title or description,
    staff's cost, note or translation). app.py adds it ahead of the other features' typed
    text; it takes a message only while that prompt is the screen shown last."""
    if procedure.measures is None:
        return []
    from bot.measures.typed import text_typed
    from bot.measures.writing import WritingHandler

    return [WritingHandler(text_typed)]


def _proposal_handlers(procedure: Procedure) -> list[ChatHandler]:
    # Residents' proposals and "My proposals"; staff's /proposals review.
    from telegram.ext import CommandHandler

    from bot.measures import my_proposals, proposals, review, review_decisions
    from bot.measures import proposal_buttons as b
    from bot.measures.buttons import MyProposals, ProposeStart

    on = Presses(procedure)

    return [
        CommandHandler("proposals", review.proposals_command),
        on(ProposeStart, proposals.start_proposal),
        on(b.ProposeConsent, proposals.answer_consent),
        on(b.ProposeField, proposals.choose_field),
        on(b.ProposeGoal, proposals.choose_goal),
        on(b.DraftStep, proposals.draft_step),
        on(MyProposals, my_proposals.show_mine),
        on(b.MyProposal, my_proposals.show_one),
        on(b.ChangeProposal, my_proposals.change),
        on(b.WithdrawProposal, my_proposals.withdraw),
        on(b.ReviewList, review.list_pressed),
        on(b.Review, review.review_pressed),
        on(b.ReviewStep, review.step_pressed),
        on(b.RejectReason, review_decisions.reason_pressed),
        on(b.MergeInto, review_decisions.merge_pressed),
        on(b.TranslateInto, review_decisions.translate_pressed),
    ]


def _budget_handlers(procedure: Procedure) -> list[ChatHandler]:
    # Choosing within the budget and staff's /measures (the two windows).
    from telegram.ext import CommandHandler

    from bot.measures.budget import (
        answer_budget_consent,
        budget_done,
        open_budget_field,
        pick_measure,
        start_budget,
    )
    from bot.measures.budget_buttons import BudgetConsent, BudgetDone, BudgetField, BudgetPick
    from bot.measures.buttons import BudgetStart
    from bot.measures.staff import measures_command

    on = Presses(procedure)
    return [
        CommandHandler("measures", measures_command),
        on(BudgetStart, start_budget),
        on(BudgetField, open_budget_field),
        on(BudgetPick, pick_measure),
        on(BudgetConsent, answer_budget_consent),
        on(BudgetDone, budget_done),
    ]
