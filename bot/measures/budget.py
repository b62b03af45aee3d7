"""Choosing measures within the budget: the handlers behind "🧮 Choose measures" (BudgetStart
in the hub) and the budget ballot's buttons.

Only while the measures' voting window is open, and only after consent: the prioritisation's
consent (the same flag, asked with the same words) covers the budget ballot, and the ballot is
stored under the same voter key (bot/voting/voter.py `key_of`). A resident who has not agreed
is asked on the way in and then led back here. The budget is checked in the transaction that
adds a measure (storage/measures.py `choose`): a selection that would exceed it is refused
with the amount missing, and nothing changes, however fast the taps come.
"""

from dataclasses import replace

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.menu import offers_subscription
from bot.chat.screens import Screen, show
from bot.chat.updates import note_saved
from bot.measures.budget_buttons import BudgetConsent, BudgetField, BudgetPick
from bot.measures.budget_screens import (
    FieldMeasures,
    before_screen,
    by_field,
    closed_screen,
    end_screen,
    field_screen,
    fields_screen,
    page_of,
)
from bot.measures.windows import measures_window
from bot.procedure import Measures
from bot.voting.entry import consent_screen
from bot.voting.voter import key_of
from bot.voting.window import Window, WindowState
from storage import measures as stored
from storage import participants
from storage.measures import BudgetBallot, Chosen, Measure


async def _round(context: ChatContext) -> tuple[Measures, Window] | None:
    # The procedure's round and its voting window in force (None without a round).
    measures = context.procedure.measures
    current = await measures_window(context.db, context.procedure, "voting")
    if measures is None or current is None:
        return None
    return measures, current


async def _groups(context: ChatContext) -> list[FieldMeasures]:
    approved = await stored.in_state(context.db, stored.APPROVED)
    return by_field(context.procedure, approved)


async def chosen_measures(context: ChatContext, ballot: BudgetBallot) -> list[Measure]:
    """The measures of a selection, in id order (for the end, the closed screen, /myballot).
    Only approved measures can be chosen, and an approved one stays approved."""
    if not ballot.chosen:
        return []
    approved = await stored.in_state(context.db, stored.APPROVED)
    return [m for m in approved if m.id in ballot.chosen]


def _ask_consent(context: ChatContext, current: Window) -> Screen:
    # The prioritisation's consent question, word for word, answered by this round's buttons
    # so that agreeing leads back to the measures; and until when choosing is open.
    t = context.t
    asked = consent_screen(t)
    text = (
        asked.text
        + "\n\n"
        + t.gettext("Choosing measures is open until %(date)s.", date=t.datetime(current.closes))
    )
    rows = [
        [Button(t.gettext("✅ I agree"), BudgetConsent(True))],
        [Button(t.gettext("Not now"), BudgetConsent(False))],
    ]
    return Screen(text, rows)


async def start_budget(update: Update, context: ChatContext) -> None:
    """ "🧮 Choose measures": before/after the window with dates, consent, or the fields."""
    found = await _round(context)
    if found is None:
        return
    measures, current = found
    t, state = context.t, current.state()
    if state is WindowState.BEFORE:
        await show(update, context, before_screen(t, current.opens))
    elif state is WindowState.CLOSED:
        ballot = await stored.budget_ballot(context.db, key_of(update, context))
        chosen = await chosen_measures(context, ballot)
        screen = closed_screen(t, measures, chosen, ballot.spent, current.closes)
        await show(update, context, screen)
    elif not context.reader.consented:
        await show(update, context, _ask_consent(context, current))
    else:
        ballot = await stored.budget_ballot(context.db, key_of(update, context))
        groups = await _groups(context)
        screen = fields_screen(t, context.procedure, measures, groups, ballot, current.closes)
        await show(update, context, screen)


async def answer_budget_consent(update: Update, context: ChatContext) -> None:
    """Agree → store the consent (the prioritisation's) and show the fields; Not now → the
    measures' hub, nothing stored."""
    user, chat = update.effective_user, update.effective_chat
    if context.button(BudgetConsent).on and user is not None and chat is not None:
        await participants.give_consent(context.db, user.id, chat.id)
        note_saved()
        await context.reread(update)
        await start_budget(update, context)
        return
    from bot.measures.home import show_hub

    await show_hub(update, context)


async def _refusal(context: ChatContext, current: Window) -> str | None:
    # Why this resident cannot change their selection now (window, consent), or None.
    t = context.t
    state = current.state()
    if state is WindowState.BEFORE:
        return t.gettext(
            "Choosing measures opens on %(date)s. Nothing was changed.",
            date=t.datetime(current.opens),
        )
    if state is WindowState.CLOSED:
        return t.gettext(
            "Choosing measures closed on %(date)s. Nothing was changed.",
            date=t.datetime(current.closes),
        )
    if not context.reader.consented:
        return t.gettext("Please agree first under “🧮 Choose measures”. Nothing was changed.")
    return None


async def open_budget_field(update: Update, context: ChatContext) -> None:
    """One field's measures, once the resident may choose (else the way in)."""
    found = await _round(context)
    if found is None:
        return
    measures, current = found
    if await _refusal(context, current) is not None:
        await start_budget(update, context)
        return
    pressed = context.button(BudgetField)
    await _show_field(update, context, measures, current, pressed.field.id, pressed.page)


async def _show_field(update: Update, context: ChatContext, measures: Measures, current: Window,
                      field_id: str, page: int | None = None, measure_id: int = 0,
                      ballot: BudgetBallot | None = None) -> None:  # fmt: skip
    # A field's screen: the page asked for, or the page on which `measure_id` is.
    if ballot is None:
        ballot = await stored.budget_ballot(context.db, key_of(update, context))
    groups = await _groups(context)
    group = next((g for g in groups if g.field.id == field_id), None)
    if group is None:
        return
    t, procedure = context.t, context.procedure
    if page is None:
        page = page_of(t, procedure, measures, group, ballot.chosen, measure_id)
    screen = field_screen(t, procedure, measures, groups, group, page, ballot, current.closes)
    await show(update, context, replace(screen, tag=f"measures.budget:{field_id}"))


async def pick_measure(update: Update, context: ChatContext) -> str | None:
    """Select or unselect a measure; an alert when refused (nothing changed): the window,
    consent, a measure that cannot be chosen, or the budget (with the amount missing)."""
    found = await _round(context)
    if found is None:
        return None
    measures, current = found
    t, pressed = context.t, context.button(BudgetPick)
    reason = await _refusal(context, current)
    if reason is not None:
        return reason
    measure = await stored.get(context.db, pressed.measure_id)
    if measure is None or context.procedure.field(measure.field_id) is None:
        return t.gettext("This measure cannot be chosen. Nothing was changed.")
    outcome, ballot, missing = await stored.choose(
        context.db, key_of(update, context), pressed.measure_id, pressed.chosen, measures.budget
    )
    if outcome is Chosen.UNAVAILABLE:
        return t.gettext("This measure cannot be chosen. Nothing was changed.")
    if outcome is Chosen.OVER:
        return t.gettext(
            "This measure costs %(cost)s; %(missing)s are missing. Unselect another measure first.",
            cost=t.money(measure.cost or 0, measures.currency),
            missing=t.money(missing, measures.currency),
        )
    if outcome is Chosen.CHANGED:
        # Saved: whatever fails after this, the resident is told so (bot/chat/errors.py). The
        # participant's "voted" mark is the prioritisation's (participation per language
        # counts it), so it is not set here.
        note_saved()
    await _show_field(update, context, measures, current, measure.field_id,
                      measure_id=measure.id, ballot=ballot)  # fmt: skip
    return None


async def budget_done(update: Update, context: ChatContext) -> None:
    """ "Done": what is saved, until when it can be changed, and the ways on."""
    found = await _round(context)
    if found is None:
        return
    measures, current = found
    if current.state() is not WindowState.OPEN:
        await start_budget(update, context)
        return
    ballot = await stored.budget_ballot(context.db, key_of(update, context))
    chosen = await chosen_measures(context, ballot)
    offer = await offers_subscription(update, context.db)
    screen = end_screen(context.t, measures, chosen, ballot.spent, current.closes, offer,
                        context.bot.username)  # fmt: skip
    await show(update, context, screen)
