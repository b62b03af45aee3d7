"""Residents propose measures: while the proposal window is open and after the consent (the
prioritisation's), a resident chooses an action field and a sub-goal, writes a short title and
a description (each a message, the limits said up front), checks the proposal as staff will
see it, and sends it. Nothing is stored before "Send"; nothing is shown to other residents
before staff approved it.

Limits that keep spam out: at most `proposals_per_resident` proposals waiting or approved at a
time (storage checks it in the transaction), and at most DAILY_LIMIT sent in 24 hours.
"""

from datetime import UTC, datetime, timedelta

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.fallback import free_text, stale_text
from bot.chat.screens import Screen, show
from bot.chat.updates import note_saved
from bot.i18n import Translator
from bot.measures.buttons import MyProposals
from bot.measures.draft_screens import (
    ask_screen,
    confirm_screen,
    consent_screen,
    field_screen,
    goal_screen,
    hub_row,
    limit_text,
)
from bot.measures.proposal_buttons import DraftStep, ProposeConsent, ProposeField, ProposeGoal
from bot.measures.proposal_screens import Draft
from bot.measures.windows import measures_window
from bot.measures.writing import prompt, tag
from bot.procedure import Measures
from bot.voting.voter import memory
from bot.voting.window import WindowState
from storage import measures as stored
from storage import participants
from storage.measures import MeasureText, Proposed

DAILY_LIMIT = 5  # proposals a resident may send in 24 hours (withdrawn ones count)
DRAFT = "measures.draft"  # user_data: the Draft being written


def draft_of(context: ChatContext) -> Draft | None:
    """The proposal this resident is writing, if any."""
    found = memory(context).get(DRAFT)
    return found if isinstance(found, Draft) else None


async def _refused(update: Update, context: ChatContext) -> bool:
    """Show why this resident cannot propose now (window, consent); True when refused."""
    t, procedure = context.t, context.procedure
    window = await measures_window(context.db, procedure, "proposals")
    if window is None:
        return True
    state = window.state()
    if state is not WindowState.OPEN:
        if state is WindowState.BEFORE:
            text = t.gettext("Proposals open on %(date)s.", date=t.datetime(window.opens))
        else:
            text = t.gettext(
                "Proposals closed on %(date)s. Nothing was stored.", date=t.datetime(window.closes)
            )
        memory(context).pop(DRAFT, None)
        await show(update, context, Screen(text, [hub_row(t)]))
        return True
    if not context.reader.consented:
        await show(update, context, consent_screen(t))
        return True
    return False


async def _over_limit(update: Update, context: ChatContext, measures: Measures) -> str | None:
    """Why this resident may not send another proposal now (open ones, the daily limit)."""
    t, user = context.t, update.effective_user
    if user is None:
        return None
    mine = await stored.of_proposer(context.db, user.id)
    open_now = sum(m.state in (stored.PENDING, stored.APPROVED) for m in mine)
    if open_now >= measures.proposals_per_resident:
        return limit_text(t, measures.proposals_per_resident)
    since = (datetime.now(UTC) - timedelta(days=1)).isoformat(timespec="seconds")
    if await stored.proposed_since(context.db, user.id, since) >= DAILY_LIMIT:
        return t.ngettext(
            "You have sent %(count)d proposal in the last 24 hours, the most for one day. "
            "Please try again tomorrow. Nothing was sent.",
            "You have sent %(count)d proposals in the last 24 hours, the most for one day. "
            "Please try again tomorrow. Nothing was sent.",
            DAILY_LIMIT,
        )
    return None


async def start_proposal(update: Update, context: ChatContext) -> None:
    """ "Propose a measure": the window, the consent and the limits, then the fields."""
    t, procedure, measures = context.t, context.procedure, context.procedure.measures
    if measures is None or await _refused(update, context):
        return
    over = await _over_limit(update, context, measures)
    if over is not None:
        rows = [[Button(t.gettext("🗂 My proposals"), MyProposals())], hub_row(t)]
        await show(update, context, Screen(over, rows))
        return
    await show(update, context, field_screen(t, procedure, measures))


async def answer_consent(update: Update, context: ChatContext) -> None:
    """Agree: store the consent and go on to the fields; Not now: nothing stored."""
    user, chat, t = update.effective_user, update.effective_chat, context.t
    if context.button(ProposeConsent).on and user is not None and chat is not None:
        await participants.give_consent(context.db, user.id, chat.id)
        note_saved()
        await context.reread(update)
        await start_proposal(update, context)
        return
    text = t.gettext("All right, nothing was stored. You can agree when you propose a measure.")
    await show(update, context, Screen(text, [hub_row(t)]))


async def choose_field(update: Update, context: ChatContext) -> None:
    """A field was chosen: its sub-goals."""
    if await _refused(update, context):
        return
    field = context.button(ProposeField).field
    await show(update, context, goal_screen(context.t, context.procedure, field.id))


async def choose_goal(update: Update, context: ChatContext) -> None:
    """A sub-goal was chosen: a new draft, and the title is asked for."""
    if await _refused(update, context):
        return
    pressed = context.button(ProposeGoal)
    draft = Draft(pressed.field.id, pressed.goal.id)
    memory(context)[DRAFT] = draft
    await ask(update, context, draft, "title")


async def ask(
    update: Update, context: ChatContext, draft: Draft, which: str, problem: str = ""
) -> None:
    """Ask for the title or the description; typed text answers it."""
    screen = ask_screen(context.t, context.procedure, draft, which, problem)
    await prompt(update, context, screen, tag("proposal", which))


def _checked(t: Translator, text: str | None, which: str, limit: int) -> str:
    """What is wrong with a typed title or description ("" when it is fine)."""
    if text is None:
        return t.gettext("Please send your text as a message. Nothing was stored.")
    if not text.strip():
        return t.gettext("The text is empty. Please write it again. Nothing was stored.")
    if len(text.strip()) > limit:
        if which == "title":
            return t.gettext(
                "Your title has %(length)d characters; at most %(limit)d are allowed. Please "
                "shorten it and send it again. Nothing was stored.",
                length=len(text.strip()),
                limit=limit,
            )
        return t.gettext(
            "Your description has %(length)d characters; at most %(limit)d are allowed. Please "
            "shorten it and send it again. Nothing was stored.",
            length=len(text.strip()),
            limit=limit,
        )
    return ""


async def typed(update: Update, context: ChatContext, which: str, text: str | None) -> None:
    """A title or description typed: checked, kept in the draft, then the next step."""
    draft, measures, t = draft_of(context), context.procedure.measures, context.t
    if draft is None or measures is None:  # the draft is gone (a restart): the usual answer
        await free_text(update, context)
        return
    limit = measures.title_max if which == "title" else measures.description_max
    problem = _checked(t, text, which, limit)
    if problem or text is None:
        await ask(update, context, draft, which, problem)
        return
    if which == "title":
        draft.title = " ".join(text.split())  # one line: a title
        await ask(update, context, draft, "description")
        return
    draft.description = text.strip()
    await show(update, context, confirm_screen(t, context.procedure, draft))


async def draft_step(update: Update, context: ChatContext) -> str | None:
    """Send, write again, or cancel the draft."""
    t, step, draft = context.t, context.button(DraftStep).step, draft_of(context)
    if step == "cancel":
        memory(context).pop(DRAFT, None)
        text = t.gettext("Cancelled. Nothing was sent.")
        await show(update, context, Screen(text, [hub_row(t)]))
        return None
    if draft is None:  # sent already (a second tap), or lost in a restart
        return stale_text(t)
    if step == "change":
        await ask(update, context, draft, "title")
        return None
    if not (draft.title and draft.description):
        await ask(update, context, draft, "title" if not draft.title else "description")
        return None
    return await _send(update, context, draft)


async def _send(update: Update, context: ChatContext, draft: Draft) -> str | None:
    t, measures, user = context.t, context.procedure.measures, update.effective_user
    if measures is None or user is None or await _refused(update, context):
        return None
    text = MeasureText(draft.title, draft.description)
    if draft.measure_id is None:
        over = await _over_limit(update, context, measures)
        if over is not None:
            return over
        outcome, _ = await stored.propose(
            context.db, user.id, field_id=draft.field_id, goal_id=draft.goal_id,
            language=t.language, text=text, limit=measures.proposals_per_resident,
        )  # fmt: skip
    else:
        outcome = await stored.change_proposal(
            context.db, user.id, draft.measure_id, t.language, text
        )
    if outcome is Proposed.LIMIT:
        return limit_text(t, measures.proposals_per_resident)
    if outcome is not Proposed.DONE:
        memory(context).pop(DRAFT, None)
        return t.gettext("Staff have already decided on this proposal. Nothing was changed.")
    note_saved()
    memory(context).pop(DRAFT, None)
    chat = update.effective_chat
    if chat is not None:  # staff's decision is told later, in the language used here
        await participants.keep_language(context.db, user.id, chat.id, t.language)
    lines = [
        t.gettext("Thank you! Your proposal was sent to staff.")
        if draft.measure_id is None
        else t.gettext("Your proposal was changed."),
        t.gettext("You will get a message here when staff have decided on it."),
    ]
    rows = [[Button(t.gettext("🗂 My proposals"), MyProposals())], hub_row(t)]
    await show(update, context, Screen("\n".join(lines), rows))
    return None
