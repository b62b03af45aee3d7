"""Voting: reading the action fields, consent, setting priorities in each field (top_n or
points), ordering the fields, the resident's own ballot, the window, and staff's /voting.

`handlers` hands the feature's handlers to app.py; `menu_entries` its rows of the main menu.
"""

from telegram.ext import CommandHandler, MessageHandler, filters

from bot.chat.context import ChatHandler
from bot.chat.menu import MenuEntry
from bot.chat.presses import Presses
from bot.procedure import Procedure
from bot.voting.ballot import (
    TYPED,
    done,
    give_points,
    no_preference,
    open_field,
    pick,
    typed_goal,
    undo_no_preference,
)
from bot.voting.buttons import (
    Consent,
    Done,
    FieldBallot,
    FieldList,
    FieldPage,
    MyBallot,
    NoPreference,
    Pick,
    Points,
    Rank,
    Ranking,
    UndoNoPreference,
    Unrank,
    Vote,
)
from bot.voting.entry import answer_consent, open_voting, vote_entry
from bot.voting.fields import fields_entry, show_field, show_fields
from bot.voting.myballot import my_ballot_entry, show_my_ballot
from bot.voting.ranking import rank, show_ranking, start_again
from bot.voting.staff import voting_command

VOTE_ENTRY = MenuEntry(vote_entry)
FIELDS_ENTRY = MenuEntry(fields_entry)
MYBALLOT_ENTRY = MenuEntry(my_ballot_entry, ballot=True)  # once a ballot exists


def handlers(procedure: Procedure) -> list[ChatHandler]:
    """The commands and buttons of voting."""
    on = Presses(procedure)
    return [
        CommandHandler("myballot", show_my_ballot),
        CommandHandler("voting", voting_command),
        on(FieldList, show_fields),
        on(FieldPage, show_field),
        on(Vote, open_voting),
        on(Consent, answer_consent),
        on(FieldBallot, open_field),
        on(Pick, pick),
        on(Points, give_points),
        on(NoPreference, no_preference),
        on(Ranking, show_ranking),
        on(Rank, rank),
        on(Unrank, start_again),
        on(MyBallot, show_my_ballot),
        on(UndoNoPreference, undo_no_preference),
        on(Done, done),
        # A sub-goal's number typed in a field screen ("4", "1.4"); other text goes on to the
        # fallback (app.py adds it after every feature).
        MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & filters.Regex(TYPED), typed_goal),
    ]
