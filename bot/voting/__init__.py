"""Voting: reading the action fields, consent, setting priorities in each field (top_n or
points), ordering the fields, the resident's own ballot, the window, and staff's /voting.

`handlers` hands the feature's handlers to app.py; `menu_entries` its rows of the main menu.
"""

from telegram.ext import CommandHandler

from bot.chat.context import ChatHandler
from bot.chat.menu import MenuEntry
from bot.chat.presses import Presses
from bot.procedure import Procedure
from bot.voting.ballot import give_points, no_preference, open_field, pick
from bot.voting.buttons import (
    Consent,
    FieldBallot,
    FieldList,
    FieldPage,
    MyBallot,
    NoPreference,
    Pick,
    Points,
    Rank,
    Ranking,
    Unrank,
    Vote,
)
from bot.voting.entry import answer_consent, open_voting, vote_entry
from bot.voting.fields import fields_entry, show_field, show_fields
from bot.voting.myballot import show_my_ballot
from bot.voting.ranking import rank, show_ranking, start_again
from bot.voting.staff import voting_command

VOTE_ENTRY = MenuEntry(vote_entry)
FIELDS_ENTRY = MenuEntry(fields_entry)


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
    ]
