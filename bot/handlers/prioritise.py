"""Setting priorities: consent, the field list with progress, and one field's choices.

Every change comes from a button that carries the state it sets (choose 3.2, remove 3.2,
set 4 points); the router has decoded it, and this module checks the window and consent
before anything is stored. Refusals are a short alert; nothing changes.
"""

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.menu import back_to_menu, menu_rows
from bot.handlers.myballot import show_closed
from bot.handlers.voter import key_of, refusal
from bot.i18n import Translator
from bot.keyboards import Button, button
from bot.procedure import Field, Procedure
from bot.services import forget_reader, reader, services, translator
from bot.view import Screen, escape, show
from bot.voting import WindowState, window
from storage import ballots, participants
from storage.ballots import Ballot, Outcome


def method_line(t: Translator, procedure: Procedure) -> str:
    """One sentence: what the resident does in each field."""
    voting = procedure.voting
    if voting.method == "points":
        return t.ngettext(
            "In each action field you have %(count)d point to give to the sub-goals that "
            "matter most to you.",
            "In each action field you have %(count)d points to give to the sub-goals that "
            "matter most to you.",
            voting.points,
        )
    return t.ngettext(
        "In each action field, choose up to %(count)d sub-goal that matters most to you.",
        "In each action field, choose up to %(count)d sub-goals that matter most to you.",
        voting.top_n,
    )


def consent_screen(t: Translator) -> Screen:
    """Asks for consent before the first vote, in plain language."""
    text = "\n\n".join(
        [
            "<b>{}</b>".format(t.gettext("Before you vote")),
            t.gettext(
                "We store your choices under a code, not under your name or Telegram number, "
                "so nobody can see from the results who chose what. You can change your "
                "choices until voting closes."
            ),
            t.gettext("Details: /privacy"),
            t.gettext("Do you agree?"),
        ]
    )
    rows = [
        [button(t.gettext("✅ I agree"), "consent", "yes")],
        [button(t.gettext("Not now"), "consent", "no")],
    ]
    return Screen(text, rows)


def fields_progress_screen(t: Translator, procedure: Procedure, ballot: Ballot) -> Screen:
    """The field list with a mark for each field done and "3 of 7 done"."""
    done = sum(ballot.answered(f.id) for f in procedure.fields)
    text = "\n\n".join(
        [
            "<b>{}</b>".format(t.gettext("Set your priorities")),
            method_line(t, procedure),
            t.gettext(
                "%(done)d of %(total)d action fields done.", done=done, total=len(procedure.fields)
            ),
        ]
    )
    rows = [
        [
            button(
                ("✅ " if ballot.answered(f.id) else "▫️ ")
                + f"{n}. {procedure.text(f.title, t.language)}",
                "ballot",
                f.id,
            )
        ]
        for n, f in enumerate(procedure.fields, start=1)
    ]
    if procedure.voting.rank_fields:
        rows.append([button(t.gettext("🔢 Order the action fields"), "ranking")])
    rows.append([button(t.gettext("🧾 My ballot"), "myballot")])
    rows.append(back_to_menu(t))
    return Screen(text, rows)


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
                    button("➖", "points", field.id, goal.id, str(max(points - 1, 0))),
                    button(f"{number}.{n}: {points}", "points", field.id, goal.id, str(points)),
                    button("➕", "points", field.id, goal.id, str(points + 1)),
                ]
            )
        elif goal.id in chosen:
            rows.append([button("✅ " + label, "pick", field.id, goal.id, "0")])
        else:
            rows.append([button("☐ " + label, "pick", field.id, goal.id, "1")])
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
    rows.append([button(mark + t.gettext("🤷 No preference in this field"), "nopref", field.id)])
    following = procedure.fields[number:]
    navigation = [button(t.gettext("📋 All action fields"), "vote")]
    if following:
        navigation.append(button(t.gettext("Next field"), "ballot", following[0].id))
    rows.append(navigation)
    return Screen("\n".join(lines), rows)


async def open_voting(
    update: Update, context: ContextTypes.DEFAULT_TYPE, *, edit: bool = True
) -> None:
    """Menu "Set your priorities": the window's state, consent, or the fields with progress."""
    svc = services(context)
    t = await translator(update, context)
    current = await window(svc.database, svc.procedure)
    state = current.state()
    if state is WindowState.BEFORE:
        text = t.gettext("Voting opens on %(date)s.", date=t.datetime(current.opens))
        await show(update, Screen(text, [back_to_menu(t)]), t, edit=edit, context=context)
    elif state is WindowState.CLOSED:
        await show_closed(update, context, t, current, edit=edit)
    elif not (await reader(update, context)).consented:
        await show(update, consent_screen(t), t, edit=edit, context=context)
    else:
        ballot = await ballots.ballot(svc.database, key_of(svc, update))
        await show(
            update, fields_progress_screen(t, svc.procedure, ballot), t, edit=edit, context=context
        )


async def consent_button(update: Update, context: ContextTypes.DEFAULT_TYPE, answer: str) -> None:
    """Agree → store consent and show the fields; Not now → store nothing, back to the menu."""
    svc = services(context)
    t = await translator(update, context)
    user, chat = update.effective_user, update.effective_chat
    if answer == "yes" and user is not None and chat is not None:
        await participants.give_consent(svc.database, user.id, chat.id)
        forget_reader(context)
        await open_voting(update, context)
        return
    text = t.gettext(
        "All right, nothing was stored. You can still read everything, and agree later "
        "under “Set your priorities”."
    )
    await show(update, Screen(text, menu_rows(t)), t, edit=True, context=context)


async def field_ballot_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, field: Field
) -> None:
    """Show one field's choices (after checking the resident may vote)."""
    svc = services(context)
    t = await translator(update, context)
    reason = await refusal(update, context, t)
    if reason is not None:
        await open_voting(update, context)
        return
    ballot = await ballots.ballot(svc.database, key_of(svc, update))
    await show(
        update, ballot_screen(t, svc.procedure, field, ballot), t, edit=True, context=context
    )


async def change(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    field: Field,
    kind: str,
    goal_id: str,
    value: int,
) -> str | None:
    """Apply one change; return the alert text when it was refused (nothing changed)."""
    svc = services(context)
    t = await translator(update, context)
    reason = await refusal(update, context, t)
    if reason is not None:
        return reason
    voting, key, rules = svc.procedure.voting, key_of(svc, update), svc.rules
    if kind == "nopref":
        outcome, ballot = await ballots.abstain(svc.database, key, t.language, rules, field.id)
    elif kind == "pick":
        outcome, ballot = await ballots.set_weight(
            svc.database, key, t.language, rules, field.id, goal_id, value, max_goals=voting.top_n
        )
        if outcome is Outcome.LIMIT:
            return t.ngettext(
                "You have already chosen %(count)d sub-goal. Remove one first.",
                "You have already chosen %(count)d sub-goals. Remove one first.",
                voting.top_n,
            )
    else:
        outcome, ballot = await ballots.set_weight(
            svc.database, key, t.language, rules, field.id, goal_id, value, max_total=voting.points
        )
        if outcome is Outcome.LIMIT:
            return t.gettext("You have no points left. Take points from another sub-goal first.")
    await show(
        update, ballot_screen(t, svc.procedure, field, ballot), t, edit=True, context=context
    )
    return None
