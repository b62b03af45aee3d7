"""The resident's own ballot (/myballot), the closed window, and ordering the action fields."""

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.menu import back_to_menu
from bot.handlers.voter import key_of, refusal
from bot.i18n import Translator
from bot.keyboards import button
from bot.procedure import Procedure
from bot.services import services, translator
from bot.view import Screen, escape, show
from bot.voting import Window, WindowState, window
from storage import ballots
from storage.ballots import Ballot, Outcome


def ballot_lines(t: Translator, procedure: Procedure, ballot: Ballot) -> list[str]:
    """Everything the resident chose, per field, in their language."""
    lines = []
    for number, field in enumerate(procedure.fields, start=1):
        lines.append(f"\n<b>{number}. {escape(procedure.text(field.title, t.language))}</b>")
        chosen = ballot.chosen(field.id)
        if field.id in ballot.abstained:
            lines.append(t.gettext("No preference in this field."))
        elif not chosen:
            lines.append(t.gettext("Not answered yet."))
        for n, goal in enumerate(field.goals, start=1):
            if goal.id not in chosen:
                continue
            text = f"{number}.{n} {escape(procedure.text(goal.text, t.language))}"
            if procedure.voting.method == "points":
                points = t.ngettext("%(count)d point", "%(count)d points", chosen[goal.id])
                text += f" ({points})"
            lines.append("✅ " + text)
    if ballot.ranking:
        lines.append("\n<b>{}</b>".format(t.gettext("Your order of the action fields")))
        titles = {f.id: procedure.text(f.title, t.language) for f in procedure.fields}
        lines += [
            f"{n}. {escape(titles[f])}" for n, f in enumerate(ballot.ranking, 1) if f in titles
        ]
    return lines


def myballot_screen(
    t: Translator, procedure: Procedure, ballot: Ballot, can_change: bool
) -> Screen:
    """The whole ballot; while voting is open, each field can be reopened."""
    lines = ["<b>{}</b>".format(t.gettext("My ballot"))]
    lines += ballot_lines(t, procedure, ballot)
    rows = []
    if can_change:
        rows = [
            [
                button(
                    t.gettext(
                        "✏️ Change: %(field)s", field=f"{n}. {procedure.text(f.title, t.language)}"
                    ),
                    "ballot",
                    f.id,
                )
            ]
            for n, f in enumerate(procedure.fields, start=1)
        ]
        rows.append([button(t.gettext("📋 All action fields"), "vote")])
    rows.append(back_to_menu(t))
    return Screen("\n".join(lines), rows)


def closed_screen(t: Translator, procedure: Procedure, current: Window, ballot: Ballot) -> Screen:
    """After the close: say so, show the ballot read-only, and where results are published."""
    lines = [
        t.gettext(
            "Voting closed on %(date)s. Thank you for taking part!", date=t.datetime(current.closes)
        )
    ]
    if procedure.voting.results_url:
        lines.append(t.gettext("Results: %(url)s", url=escape(procedure.voting.results_url)))
    if not ballot.empty:
        lines.append("")
        lines.append("<b>{}</b>".format(t.gettext("My ballot")))
        lines += ballot_lines(t, procedure, ballot)
    return Screen("\n".join(lines), [back_to_menu(t)])


def ranking_screen(t: Translator, procedure: Procedure, ballot: Ballot) -> Screen:
    """Tap the fields in order of importance; the order so far is shown; reset possible."""
    titles = {f.id: procedure.text(f.title, t.language) for f in procedure.fields}
    lines = [
        "<b>{}</b>".format(t.gettext("Order the action fields")),
        t.gettext("Tap the action fields in order of importance, the most important first."),
    ]
    if ballot.ranking:
        lines.append("")
        lines += [
            f"{n}. {escape(titles[f])}" for n, f in enumerate(ballot.ranking, 1) if f in titles
        ]
    next_position = str(len(ballot.ranking) + 1)
    rows = [
        [button(titles[f.id], "rank", f.id, next_position)]
        for f in procedure.fields
        if f.id not in ballot.ranking
    ]
    if ballot.ranking:
        rows.append([button(t.gettext("↺ Start again"), "unrank")])
    rows.append([button(t.gettext("📋 All action fields"), "vote")])
    return Screen("\n".join(lines), rows)


async def show_closed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, t: Translator, current: Window, *,
    edit: bool,
) -> None:  # fmt: skip
    """After the close: the resident's ballot read-only (the menu and /myballot both end here)."""
    svc = services(context)
    ballot = await ballots.ballot(svc.database, key_of(svc, update))
    screen = closed_screen(t, svc.procedure, current, ballot)
    await show(update, screen, t, edit=edit, context=context)


async def myballot(
    update: Update, context: ContextTypes.DEFAULT_TYPE, *, edit: bool = False
) -> None:
    """/myballot and the "My ballot" button."""
    svc = services(context)
    t = await translator(update, context)
    current = await window(svc.database, svc.procedure)
    if current.state() is WindowState.CLOSED:
        await show_closed(update, context, t, current, edit=edit)
        return
    ballot = await ballots.ballot(svc.database, key_of(svc, update))
    can_change = current.state() is WindowState.OPEN
    await show(
        update, myballot_screen(t, svc.procedure, ballot, can_change), t, edit=edit, context=context
    )


async def myballot_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/myballot."""
    await myballot(update, context)


async def ranking_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the ordering screen."""
    svc = services(context)
    t = await translator(update, context)
    ballot = await ballots.ballot(svc.database, key_of(svc, update))
    await show(update, ranking_screen(t, svc.procedure, ballot), t, edit=True, context=context)


async def rank(
    update: Update, context: ContextTypes.DEFAULT_TYPE, field_id: str | None, position: int
) -> str | None:
    """Place a field (or start again when field_id is None); an alert text when refused."""
    svc = services(context)
    t = await translator(update, context)
    reason = await refusal(update, context, t)
    if reason is not None:
        return reason
    key = key_of(svc, update)
    if field_id is None:
        await ballots.reset_ranking(svc.database, key)
        ballot = await ballots.ballot(svc.database, key)
    else:
        outcome, ballot = await ballots.rank_field(
            svc.database, key, t.language, svc.rules, field_id, position
        )
        if outcome is Outcome.STALE:
            return t.gettext("This button is out of date. Please use the latest message or /start.")
    await show(update, ranking_screen(t, svc.procedure, ballot), t, edit=True, context=context)
    return None
