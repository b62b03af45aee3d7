"""A resident's own proposals ("🗂 My proposals"): each with what became of it, in the
resident's language; a proposal waiting for review can be written again (while proposals are
open) or withdrawn (after a confirmation). Only the proposer sees their proposal here: a
button naming someone else's proposal is answered as out of date and changes nothing."""

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.fallback import stale_text
from bot.chat.screens import Screen, show
from bot.chat.text import escape
from bot.chat.updates import note_saved
from bot.i18n import Translator
from bot.measures.buttons import MyProposals, ProposeStart
from bot.measures.draft_screens import hub_row
from bot.measures.proposal_buttons import ChangeProposal, MyProposal, WithdrawProposal
from bot.measures.proposal_screens import Draft, measure_text, short, state_line, where_lines
from bot.measures.proposals import DRAFT, ask
from bot.measures.windows import is_open
from bot.procedure import Procedure
from bot.voting.voter import memory
from storage import measures as stored
from storage.measures import PENDING, Measure, Proposed


async def _merged_title(context: ChatContext, measure: Measure) -> str:
    if measure.merged_into is None:
        return ""
    other = await stored.get(context.db, measure.merged_into)
    return other.text(context.t.language)[0].title if other is not None else ""


def list_screen(
    t: Translator, procedure: Procedure, mine: list[Measure], states: dict[int, str], can: bool
) -> Screen:
    """The resident's proposals, newest first, each with its state; `can`: proposals open."""
    lines = ["<b>{}</b>".format(t.gettext("My proposals")), ""]
    if not mine:
        lines.append(t.gettext("You have not proposed a measure yet."))
    rows = []
    for measure in reversed(mine):
        title = measure.texts[measure.language].title if measure.language in measure.texts else ""
        lines += [f"<b>{escape(title)}</b>", states[measure.id], ""]
        rows.append([Button(short(title), MyProposal(measure.id))])
    if can:
        rows.append([Button(t.gettext("✍️ Propose a measure"), ProposeStart())])
    rows.append(hub_row(t))
    return Screen("\n".join(lines).rstrip(), rows)


async def show_mine(update: Update, context: ChatContext) -> None:
    """ "My proposals": the list with states."""
    user, t, procedure = update.effective_user, context.t, context.procedure
    measures = procedure.measures
    if user is None or measures is None:
        return
    mine = await stored.of_proposer(context.db, user.id)
    states = {m.id: state_line(t, measures, m, await _merged_title(context, m)) for m in mine}
    can = await is_open(context.db, procedure, "proposals")
    await show(update, context, list_screen(t, procedure, mine, states, can))


async def _own(update: Update, context: ChatContext, measure_id: int) -> Measure | None:
    """The measure when it is this resident's own proposal, else None."""
    user = update.effective_user
    measure = await stored.get(context.db, measure_id)
    if user is None or measure is None or measure.proposer_id != user.id:
        return None
    return measure


async def show_one(update: Update, context: ChatContext) -> str | None:
    """One own proposal: where it belongs, its text as written, its state, what can be done."""
    t, procedure = context.t, context.procedure
    measure = await _own(update, context, context.button(MyProposal).measure_id)
    if measure is None or procedure.measures is None:
        return stale_text(t)
    written = measure.texts.get(measure.language)
    lines = [
        *where_lines(t, procedure, measure.field_id, measure.goal_id),
        "",
        *measure_text(t, measure),
        "",
        state_line(t, procedure.measures, measure, await _merged_title(context, measure)),
    ]
    rows = []
    if measure.state == PENDING and written is not None:
        if await is_open(context.db, procedure, "proposals"):
            rows.append([Button(t.gettext("✏️ Edit"), ChangeProposal(measure.id))])
        rows.append([Button(t.gettext("🗑 Withdraw"), WithdrawProposal(measure.id, sure=False))])
    rows.append([Button(t.gettext("🗂 My proposals"), MyProposals())])
    await show(update, context, Screen("\n".join(lines), rows))
    return None


async def change(update: Update, context: ChatContext) -> str | None:
    """Write a pending proposal again: the title, then the description (while open)."""
    t = context.t
    measure = await _own(update, context, context.button(ChangeProposal).measure_id)
    if measure is None:
        return stale_text(t)
    if measure.state != PENDING:
        return t.gettext("Staff have already decided on this proposal. Nothing was changed.")
    if not await is_open(context.db, context.procedure, "proposals"):
        return t.gettext("Proposals are closed. Nothing was changed.")
    written = measure.texts[measure.language]
    draft = Draft(measure.field_id, measure.goal_id, measure.id, written.title, written.description)
    memory(context)[DRAFT] = draft
    await ask(update, context, draft, "title")
    return None


async def withdraw(update: Update, context: ChatContext) -> str | None:
    """Withdraw a pending proposal: asks first, then does it."""
    t, pressed = context.t, context.button(WithdrawProposal)
    measure = await _own(update, context, pressed.measure_id)
    if measure is None:
        return stale_text(t)
    if measure.state != PENDING:
        return t.gettext("Staff have already decided on this proposal. Nothing was changed.")
    if not pressed.sure:
        title = measure.texts[measure.language].title
        text = t.gettext(
            "Withdraw your proposal “%(title)s”? Staff will no longer review it. This cannot "
            "be undone.",
            title=escape(title),
        )
        rows = [
            [Button(t.gettext("🗑 Yes, withdraw it"), WithdrawProposal(measure.id, sure=True))],
            [Button(t.gettext("✖ No, keep it"), MyProposal(measure.id))],
        ]
        await show(update, context, Screen(text, rows))
        return None
    user = update.effective_user
    assert user is not None
    outcome = await stored.withdraw_proposal(context.db, user.id, measure.id)
    if outcome is not Proposed.DONE:
        return t.gettext("Staff have already decided on this proposal. Nothing was changed.")
    note_saved()
    await show_mine(update, context)
    return None
