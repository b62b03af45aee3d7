"""The measures round's hub ("💡 Measures" in the main menu): what the round is, what is open
now (proposals, choosing within the budget) with dates, and the ways in."""

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.menu import back_to_menu
from bot.chat.screens import Screen, show
from bot.i18n import Translator
from bot.measures.buttons import (
    BudgetStart,
    MeasureResults,
    MeasuresHome,
    MyProposals,
    ProposeStart,
)
from bot.measures.windows import measures_window
from bot.procedure import Measures
from bot.voting.window import Window, WindowState
from storage import measures as stored


def measures_entry(t: Translator) -> Button:
    """The main menu's entry to the measures round."""
    return Button(t.gettext("💡 Measures"), MeasuresHome())


def hub_screen(
    t: Translator, measures: Measures, proposals: Window, voting: Window, has_proposals: bool
) -> Screen:
    """The hub: the round in two sentences, the budget, each window's state, the ways in."""
    lines = [
        "<b>{}</b>".format(t.gettext("Measures")),
        t.gettext(
            "The city turns the priorities into concrete measures. Residents and workshops "
            "propose measures for the sub-goals; the city estimates their costs; then "
            "everyone chooses the measures they want, within the annual budget."
        ),
        t.gettext("Budget: %(amount)s", amount=t.money(measures.budget, measures.currency)),
    ]
    if measures.illustration:
        lines.append(
            "<i>{}</i>".format(
                t.gettext("This measures round is an illustration: it did not take place.")
            )
        )
    rows: list[list[Button]] = []
    lines.append("")
    if proposals.state() is WindowState.OPEN:
        lines.append(
            t.gettext("Proposals are open until %(date)s.", date=t.datetime(proposals.closes))
        )
        rows.append([Button(t.gettext("✍️ Propose a measure"), ProposeStart())])
    elif proposals.state() is WindowState.BEFORE:
        lines.append(t.gettext("Proposals open on %(date)s.", date=t.datetime(proposals.opens)))
    else:
        lines.append(t.gettext("Proposals are closed."))
    if has_proposals:
        rows.append([Button(t.gettext("🗂 My proposals"), MyProposals())])
    if voting.state() is WindowState.OPEN:
        lines.append(
            t.gettext("Choosing measures is open until %(date)s.", date=t.datetime(voting.closes))
        )
        rows.append([Button(t.gettext("🧮 Choose measures"), BudgetStart())])
    elif voting.state() is WindowState.BEFORE:
        lines.append(
            t.gettext("Choosing measures opens on %(date)s.", date=t.datetime(voting.opens))
        )
    else:
        lines.append(t.gettext("Choosing measures is closed."))
    rows.append([Button(t.gettext("📊 Costed priority list"), MeasureResults())])
    rows.append(back_to_menu(t))
    return Screen("\n".join(lines), rows)


async def show_hub(update: Update, context: ChatContext) -> None:
    """The hub, in the reader's language."""
    procedure = context.procedure
    measures = procedure.measures
    proposals = await measures_window(context.db, procedure, "proposals")
    voting = await measures_window(context.db, procedure, "voting")
    if measures is None or proposals is None or voting is None:
        return
    user = update.effective_user
    has_proposals = user is not None and bool(await stored.of_proposer(context.db, user.id))
    await show(update, context, hub_screen(context.t, measures, proposals, voting, has_proposals))
