"""Residents' rights in the chat: see their data (/mydata, also as a file), delete it
(/delete), withdraw consent; each checked in every table of the real database file."""

import json
import sqlite3
from pathlib import Path

from bot.emulated import EmulatedBot
from bot.news.buttons import Subscription
from bot.privacy.buttons import AskDelete, AskWithdraw, Delete, MyData, MyDataFile, Withdraw
from bot.voting.buttons import FieldBallot, NoPreference, Pick, Vote
from bot.voting.voter import voter_key
from storage.tally import tally
from tests.conftest import (
    RESIDENT,
    TEST_SECRET,
    add_subscribers,
    agree,
    alerts,
    data,
    last,
    raw,
    rows,
)

NEIGHBOUR = 4343  # another resident whose data must stay


async def vote_and_subscribe(bot: EmulatedBot, user: int = RESIDENT, language: str = "en") -> None:
    """A resident agrees, chooses in two fields, says "no preference" in a third, subscribes."""
    procedure = bot.services.procedure
    await agree(bot, user, language)
    first, second, third = procedure.fields[:3]
    await bot.press(user, FieldBallot(first))
    await bot.press(user, Pick(first, first.goals[0], True))
    await bot.press(user, Pick(first, first.goals[1], True))
    await bot.press(user, FieldBallot(second), message_id=None)
    await bot.press(user, Pick(second, second.goals[2], True))
    await bot.press(user, FieldBallot(third))
    await bot.press(user, NoPreference(third))
    await bot.send(user, "/subscribe")


def everything_of(path: Path, user: int) -> list[tuple[str, tuple[object, ...]]]:
    """Every row of every table in which the user id, their chat or their voter key appears."""
    key = voter_key(TEST_SECRET, user)
    found = []
    with sqlite3.connect(path) as connection:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master "
                                                    "WHERE type = 'table'")]  # fmt: skip
        for table in tables:
            for row in connection.execute(f"SELECT * FROM {table}"):
                if any(value in (user, str(user), key) for value in row):
                    found.append((table, row))
    connection.close()
    return found


async def test_mydata_shows_everything_stored_in_the_residents_language(voting):
    await vote_and_subscribe(voting, language="de")
    await voting.send(RESIDENT, "/mydata")
    text = last(voting).plain_text
    procedure = voting.services.procedure
    first = procedure.fields[0]
    assert f"Telegram-Nummer: {RESIDENT}" in text or str(RESIDENT) in text
    assert "Deutsch" in text
    assert first.goals[0].text["de"] in text and first.goals[1].text["de"] in text
    assert procedure.fields[2].title["de"] in text  # the "no preference" field is listed
    t = voting.services.catalogs.translator("de")
    assert t.gettext("No preference in this field.") in text
    assert t.gettext("Reminder before voting closes: off") in text
    assert MyDataFile().pack() in data(last(voting))


async def test_mydata_as_a_json_file_holds_the_same(voting):
    await vote_and_subscribe(voting)
    await voting.send(RESIDENT, "/mydata")
    await voting.press(RESIDENT, MyDataFile())
    sent = last(voting)
    assert sent.document is not None and sent.document.filename == "my-data.json"
    document = json.loads(sent.document.data)
    procedure = voting.services.procedure
    first, _, third = procedure.fields[:3]
    assert document["participant"]["telegram_user_id"] == RESIDENT
    assert document["participant"]["language"] == "en"
    assert document["participant"]["consent_given"]
    assert document["ballot"]["choices"][first.id] == {first.goals[0].id: 1, first.goals[1].id: 1}
    assert document["ballot"]["no_preference"] == [third.id]
    assert document["subscription"]["active"] is True


async def test_a_newcomer_sees_that_almost_nothing_is_stored(voting):
    voting.fake.add_user(RESIDENT, language_code="en")
    await voting.send(RESIDENT, "/mydata")
    assert "We store nothing about you." in last(voting).plain_text
    await voting.send(RESIDENT, "/start")  # now the bot knows the chat
    await voting.send(RESIDENT, "/mydata")
    text = last(voting).plain_text
    assert "You have not agreed to vote." in text and "No choices are stored." in text


async def test_delete_asks_first_and_no_changes_nothing(voting):
    await vote_and_subscribe(voting)
    before = everything_of(voting.database_path, RESIDENT)
    await voting.send(RESIDENT, "/delete")
    question = last(voting).plain_text
    for word in ("language", "consent", "choices", "subscription", "cannot be undone"):
        assert word in question
    await voting.press(RESIDENT, Delete(False))
    assert "Nothing was deleted." in last(voting).plain_text
    assert everything_of(voting.database_path, RESIDENT) == before


async def test_delete_erases_every_trace_in_one_go_and_the_tally_drops_the_ballot(voting):
    await vote_and_subscribe(voting)
    await vote_and_subscribe(voting, NEIGHBOUR, "ar")
    db = voting.services.database
    first = voting.services.procedure.fields[0]
    assert (await tally(db)).goal_voters[(first.id, first.goals[0].id)] == 2
    # a news message waiting for both of them
    path = voting.database_path
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO broadcasts (id, kind, audience, state, created_at) "
            "VALUES (77, 'news', 'all', 'queued', '2026-01-01T00:00:00+00:00')"
        )
        for chat in (RESIDENT, NEIGHBOUR):
            connection.execute(
                "INSERT INTO deliveries (broadcast_id, chat_id, language, state, updated_at) "
                "VALUES (77, ?, 'en', 'pending', '2026-01-01T00:00:00+00:00')",
                (chat,),
            )
    connection.close()
    await voting.send(RESIDENT, "/staffonly")  # a refused staff command puts the id in the audit
    assert everything_of(path, RESIDENT)
    await voting.send(RESIDENT, "/delete")
    await voting.press(RESIDENT, Delete(True))
    assert "deleted" in last(voting).plain_text
    assert data(last(voting)) == []  # no button that would store them again
    assert everything_of(path, RESIDENT) == []
    assert rows(path, "SELECT actor_id, detail FROM audit_log WHERE action = 'privacy.erase'") == [
        (None, "")
    ]
    counted = await tally(db)
    assert counted.goal_voters[(first.id, first.goals[0].id)] == 1
    assert counted.language_voters == {"ar": 1}
    # the neighbour keeps everything
    assert len(everything_of(path, NEIGHBOUR)) >= 6
    # and the resident is a newcomer: /start stores only what any newcomer gets
    await voting.send(RESIDENT, "/start")
    assert rows(path, "SELECT consent_at, voted FROM participants WHERE user_id = ?",
                (RESIDENT,)) == [(None, 0)]  # fmt: skip
    await voting.press(RESIDENT, Vote())
    assert "Do you agree?" in last(voting).plain_text


async def test_a_second_delete_finds_nothing_and_fails_no_one(voting):
    await vote_and_subscribe(voting)
    await voting.send(RESIDENT, "/delete")
    question = last(voting).message_id
    await voting.press(RESIDENT, Delete(True))
    await voting.press_forged(RESIDENT, Delete(True), message_id=question)  # a replayed press
    assert "nothing stored about you" in last(voting).plain_text
    assert everything_of(voting.database_path, RESIDENT) == []


async def test_withdrawing_consent_deletes_the_ballot_and_keeps_language_and_news(voting):
    await vote_and_subscribe(voting, language="uk")
    path, db = voting.database_path, voting.services.database
    await voting.send(RESIDENT, "/myballot")
    assert AskWithdraw().pack() in data(last(voting))  # offered where the ballot is
    await voting.press(RESIDENT, AskWithdraw())
    await voting.press(RESIDENT, Withdraw(True))
    key = voter_key(TEST_SECRET, RESIDENT)
    for table in ("ballots", "abstentions", "field_ranks", "voters"):
        assert rows(path, f"SELECT COUNT(*) FROM {table} WHERE voter_key = ?", (key,)) == [(0,)]
    assert rows(path, "SELECT language, consent_at, voted FROM participants") == [("uk", None, 0)]
    assert rows(path, "SELECT active FROM subscriptions WHERE chat_id = ?", (RESIDENT,)) == [(1,)]
    assert (await tally(db)).goal_voters == {}
    assert rows(path, "SELECT actor_id FROM audit_log WHERE action = 'privacy.withdraw'") == [
        (None,)
    ]
    # voting again asks for consent again
    await voting.send(RESIDENT, "/start")
    await voting.press(RESIDENT, Vote())
    t = voting.services.catalogs.translator("uk")
    assert t.gettext("Do you agree?") in last(voting).plain_text
    await voting.send(RESIDENT, "/privacy")
    assert AskWithdraw().pack() not in data(last(voting))


async def test_withdraw_without_consent_and_forged_answers_change_nothing(voting):
    voting.fake.add_user(RESIDENT, language_code="en")
    await voting.send(RESIDENT, "/privacy")
    await voting.press_forged(RESIDENT, AskWithdraw())
    assert "nothing to withdraw" in alerts(voting)[-1]
    for forged in (raw("delete", "maybe"), raw("withdraw", "1"), raw("mydatafile", "x")):
        await voting.press_forged(RESIDENT, forged)
    assert rows(voting.database_path, "SELECT COUNT(*) FROM participants") == [(0,)]
    await voting.send(RESIDENT, "/privacy")
    await voting.press(RESIDENT, MyData())
    assert AskDelete().pack() in data(last(voting))


async def test_subscribers_without_a_ballot_can_delete_too(voting):
    (subscriber,) = await add_subscribers(voting, ["pl"])
    await voting.send(subscriber, "/delete")
    await voting.press(subscriber, Delete(True))
    assert everything_of(voting.database_path, subscriber) == []
    assert Subscription(True).pack()  # the subscription button still exists for a new start
