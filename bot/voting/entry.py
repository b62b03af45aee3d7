"""The way into setting priorities: the window's state, consent, and the field list with
the progress ("3 of 7 action fields done")."""

from datetime import datetime

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.menu import back_to_menu
from bot.chat.screens import Screen, show
from bot.chat.text import escape
from bot.chat.updates import note_saved
from bot.i18n import Translator
from bot.procedure import Procedure
from bot.voting.buttons import Consent, FieldBallot, MyBallot, Ranking, Vote
from bot.voting.myballot import show_closed
from bot.voting.voter import key_of, memory
from bot.voting.window import WindowState, window
from storage import ballots, participants
from storage.ballots import Ballot

WANTED_FIELD = "voting.wanted"  # user_data: the field a resident asked for before consenting


def open_until(t: Translator, closes: datetime) -> str:
    """One line: until when voting is open."""
    return t.gettext("Voting is open until %(date)s.", date=t.datetime(closes))


def consent_screen(t: Translator, closes: datetime | None = None) -> Screen:
    """Asks for consent before the first vote, in plain language (and until when)."""
    text = "\n\n".join(
        [
            "<b>{}</b>".format(t.gettext("Before you vote")),
            t.gettext(
                "We store your choices under a code, not under your name or Telegram number, "
                "so nobody can see from the results who chose what. You can change your "
                "choices until voting closes."
            ),
            t.gettext("Details: /privacy"),
            *([open_until(t, closes)] if closes is not None else []),
            t.gettext("Do you agree?"),
        ]
    )
    rows = [
        [Button(t.gettext("✅ I agree"), Consent(True))],
        [Button(t.gettext("Not now"), Consent(False))],
    ]
    return Screen(text, rows)


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


def missing_line(t: Translator, procedure: Procedure, ballot: Ballot) -> str:
    """ "Still open: 3 of 7 action fields: …" for a ballot begun and not finished, else ""."""
    missing = [
        f"{t.numeral(str(n))}. {procedure.text(f.title, t.language)}"
        for n, f in enumerate(procedure.fields, start=1)
        if not ballot.answered(f.id)
    ]
    if not missing or len(missing) == len(procedure.fields):
        return ""
    return t.ngettext(
        "Still open: %(count)d of %(total)d action fields: %(fields)s",
        "Still open: %(count)d of %(total)d action fields: %(fields)s",
        len(missing),
        total=len(procedure.fields),
        fields=escape(t.listed(missing, long=True)),
    )


def fields_progress_screen(
    t: Translator, procedure: Procedure, ballot: Ballot, closes: datetime | None = None
) -> Screen:
    """The field list with a mark for each field done, "3 of 7 done" and what is missing."""
    done = sum(ballot.answered(f.id) for f in procedure.fields)
    parts = [
        "<b>{}</b>".format(t.gettext("Set your priorities")),
        method_line(t, procedure),
        t.gettext(
            "%(done)d of %(total)d action fields done.", done=done, total=len(procedure.fields)
        ),
    ]
    missing = missing_line(t, procedure, ballot)
    if missing:
        parts.append(missing)
    if closes is not None:
        parts.append(open_until(t, closes))
    text = "\n\n".join(parts)
    rows = [
        [
            Button(
                ("✅ " if ballot.answered(f.id) else "▫️ ")
                + f"{t.numeral(str(n))}. {procedure.text(f.title, t.language)}",
                FieldBallot(f),
            )
        ]
        for n, f in enumerate(procedure.fields, start=1)
    ]
    if procedure.voting.rank_fields:
        rows.append([Button(t.gettext("🔢 Order the action fields"), Ranking())])
    rows.append([Button(t.gettext("🧾 My ballot"), MyBallot())])
    rows.append(back_to_menu(t))
    return Screen(text, rows)


def vote_entry(t: Translator) -> Button:
    """The main menu's entry to setting priorities."""
    return Button(t.gettext("🗳 Set your priorities"), Vote())


async def open_voting(update: Update, context: ChatContext) -> None:
    """ "Set your priorities": the window's state, consent, or the fields with progress."""
    t, procedure = context.t, context.procedure
    current = await window(context.db, procedure)
    state = current.state()
    if state is WindowState.BEFORE:
        text = t.gettext("Voting opens on %(date)s.", date=t.datetime(current.opens))
        await show(update, context, Screen(text, [back_to_menu(t)]))
    elif state is WindowState.CLOSED:
        await show_closed(update, context, current)
    elif not context.reader.consented:
        await show(update, context, consent_screen(t, current.closes))
    else:
        ballot = await ballots.ballot(context.db, key_of(update, context))
        await show(update, context, fields_progress_screen(t, procedure, ballot, current.closes))


async def answer_consent(update: Update, context: ChatContext) -> None:
    """Agree → store consent and show the fields; Not now → store nothing, back to the menu."""
    user, chat = update.effective_user, update.effective_chat
    if context.button(Consent).on and user is not None and chat is not None:
        await participants.give_consent(context.db, user.id, chat.id)
        note_saved()
        await context.reread(update)
        wanted = memory(context).pop(WANTED_FIELD, None)
        field = context.procedure.field(wanted) if isinstance(wanted, str) else None
        if field is not None:  # they came for one field (a deep link, My ballot): go there
            from bot.voting.ballot import show_ballot  # ballot.py imports this module

            ballot = await ballots.ballot(context.db, key_of(update, context))
            await show_ballot(update, context, field, ballot)
            return
        await open_voting(update, context)
        return
    memory(context).pop(WANTED_FIELD, None)
    t = context.t
    text = t.gettext(
        "All right, nothing was stored. You can still read everything, and agree later "
        "under “Set your priorities”."
    )
    await show(update, context, Screen(text, context.services.menu.rows(t)))
