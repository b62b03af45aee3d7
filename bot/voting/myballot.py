"""The resident's own ballot (/myballot and the button), and the closed window, which shows
it read-only."""

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.menu import back_to_menu
from bot.chat.screens import Screen, show
from bot.chat.text import escape
from bot.i18n import Translator
from bot.privacy.buttons import AskWithdraw
from bot.procedure import Procedure
from bot.voting.buttons import FieldBallot, MyBallot, Vote
from bot.voting.voter import key_of
from bot.voting.window import Window, WindowState, window
from storage import ballots
from storage.ballots import Ballot


def ballot_lines(t: Translator, procedure: Procedure, ballot: Ballot) -> list[str]:
    """Everything the resident chose, per field, in their language."""
    lines = []
    for number, field in enumerate(procedure.fields, start=1):
        lines.append(
            f"\n<b>{t.numeral(str(number))}. {escape(procedure.text(field.title, t.language))}</b>"
        )
        chosen = ballot.chosen(field.id)
        if field.id in ballot.abstained:
            lines.append(t.gettext("No preference in this field."))
        elif not chosen:
            lines.append(t.gettext("Not answered yet."))
        for n, goal in enumerate(field.goals, start=1):
            if goal.id not in chosen:
                continue
            text = f"{t.numeral(f'{number}.{n}')} {escape(procedure.text(goal.text, t.language))}"
            if procedure.voting.method == "points":
                points = t.ngettext("%(count)d point", "%(count)d points", chosen[goal.id])
                text += f" ({points})"
            lines.append("✅ " + text)
    if ballot.ranking:
        lines.append("\n<b>{}</b>".format(t.gettext("Your order of the action fields")))
        lines += ranking_lines(t, procedure, ballot)
    return lines


def ranking_lines(t: Translator, procedure: Procedure, ballot: Ballot) -> list[str]:
    """The resident's order of the action fields, one numbered line each."""
    titles = {f.id: procedure.text(f.title, t.language) for f in procedure.fields}
    return [
        f"{t.numeral(str(n))}. {escape(titles[f])}"
        for n, f in enumerate(ballot.ranking, 1)
        if f in titles
    ]


def myballot_screen(t: Translator, procedure: Procedure, ballot: Ballot, can_change: bool,
                    also: Screen | None = None) -> Screen:  # fmt: skip
    """The whole ballot; while voting is open, each field can be reopened. `also`: the measures
    round's budget ballot, listed below (bot/measures/budget_view.py)."""
    lines = ["<b>{}</b>".format(t.gettext("My ballot"))]
    lines += ballot_lines(t, procedure, ballot)
    if also is not None:
        lines.append(also.text)
    rows = [list(row) for row in also.rows] if also is not None else []
    if can_change:
        rows += [
            [
                Button(
                    t.gettext(
                        "✏️ Change: %(field)s",
                        field=f"{t.numeral(str(n))}. {procedure.text(f.title, t.language)}",
                    ),
                    FieldBallot(f),
                )
            ]
            for n, f in enumerate(procedure.fields, start=1)
        ]
        rows.append([Button(t.gettext("📋 All action fields"), Vote())])
    if not ballot.empty:
        # Consent can be withdrawn where the ballot is: it deletes the ballot (bot/privacy).
        rows.append([Button(t.gettext("↩ Withdraw my consent"), AskWithdraw())])
    rows.append(back_to_menu(t))
    return Screen("\n".join(lines), rows)


def closed_screen(t: Translator, procedure: Procedure, current: Window, ballot: Ballot,
                  also: Screen | None = None) -> Screen:  # fmt: skip
    """After the close: say so, show the ballot read-only, and where results are published.
    Only residents with a ballot are thanked for taking part. `also`: the measures round's
    budget ballot, listed below (it may still be open while the prioritisation is closed)."""
    closed = t.datetime(current.closes)
    if ballot.empty:
        lines = [t.gettext("Voting closed on %(date)s.", date=closed)]
    else:
        lines = [t.gettext("Voting closed on %(date)s. Thank you for taking part!", date=closed)]
    if procedure.voting.results_url:
        lines.append(t.gettext("Results: %(url)s", url=escape(procedure.voting.results_url)))
    if not ballot.empty:
        lines.append("")
        lines.append("<b>{}</b>".format(t.gettext("My ballot")))
        lines += ballot_lines(t, procedure, ballot)
    if also is not None:
        return Screen("\n".join([*lines, also.text]), [*also.rows, back_to_menu(t)])
    return Screen("\n".join(lines), [back_to_menu(t)])


async def show_closed(update: Update, context: ChatContext, current: Window) -> None:
    """After the close: the resident's ballot read-only (the menu and /myballot both end here)."""
    ballot = await ballots.ballot(context.db, key_of(update, context))
    also = await _budget_part(update, context)
    await show(update, context, closed_screen(context.t, context.procedure, current, ballot, also))


def my_ballot_entry(t: Translator) -> Button:
    """The main menu's entry to the resident's ballot (once one exists)."""
    return Button(t.gettext("🧾 My ballot"), MyBallot())


async def show_my_ballot(update: Update, context: ChatContext) -> None:
    """/myballot and the "My ballot" button."""
    current = await window(context.db, context.procedure)
    if current.state() is WindowState.CLOSED:
        await show_closed(update, context, current)
        return
    ballot = await ballots.ballot(context.db, key_of(update, context))
    can_change = current.state() is WindowState.OPEN
    also = await _budget_part(update, context)
    screen = myballot_screen(context.t, context.procedure, ballot, can_change, also)
    await show(update, context, screen)


async def _budget_part(update: Update, context: ChatContext) -> Screen | None:
    # The measures round's budget ballot, when the procedure has the round. Imported here:
    # the measures' screens use voting's pure parts, which import this module.
    if context.procedure.measures is None:
        return None
    from bot.measures.budget_view import budget_part

    return await budget_part(update, context)
