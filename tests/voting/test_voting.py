"""Residents set their priorities: consent, top_n, no preference, my ballot, the window."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.chat.menu import ToMenu
from bot.voting.buttons import (
    Consent,
    FieldBallot,
    FieldList,
    FieldPage,
    NoPreference,
    Pick,
    Points,
    Rank,
    Vote,
)
from bot.voting.voter import voter_key
from bot.voting.window import change_window
from bot.welcome.buttons import Language
from tests.conftest import RESIDENT, agree, buttons, last, open_window, raw, rows


@pytest.fixture
async def voting(running):
    await open_window(running)
    return running


async def test_without_consent_nothing_is_stored_and_reading_still_works(voting, example):
    voting.fake.add_user(RESIDENT, language_code="en")
    await voting.send(RESIDENT, "/start")
    await voting.press(RESIDENT, Vote())
    assert "Do you agree?" in last(voting).plain_text
    await voting.press(RESIDENT, Consent(False))
    assert "nothing was stored" in last(voting).plain_text
    assert rows(voting.database_path, "SELECT consent_at FROM participants") == [(None,)]
    # A vote without consent (an old or forged button) is refused and changes nothing.
    field = example.fields[0]
    await voting.press_forged(RESIDENT, Pick(field, field.goals[0], True))
    assert "agree first" in list(voting.fake.answered_callbacks.values())[-1].text
    assert rows(voting.database_path, "SELECT * FROM ballots") == []
    await voting.press(RESIDENT, FieldList())
    await voting.press(RESIDENT, FieldPage(field))
    assert field.guiding_goal["en"] in last(voting).plain_text


async def test_top_n_choices_progress_and_the_limit(voting, example):
    await agree(voting, RESIDENT)
    screen = last(voting)
    assert "0 of 7 action fields done" in screen.plain_text
    field = example.fields[0]
    await voting.press(RESIDENT, FieldBallot(field))
    for goal in field.goals[:3]:
        await voting.press(RESIDENT, Pick(field, goal, True))
    assert "Chosen: 3 of 3" in last(voting).plain_text
    chosen = [label for label, _ in buttons(last(voting)) if label.startswith("✅")]
    assert len(chosen) == 3

    fourth = field.goals[3]
    before = rows(voting.database_path, "SELECT * FROM ballots ORDER BY goal_id")
    await voting.press(RESIDENT, Pick(field, fourth, True))
    alert = list(voting.fake.answered_callbacks.values())[-1]
    assert alert.show_alert and "already chosen 3" in alert.text and "Remove one" in alert.text
    assert rows(voting.database_path, "SELECT * FROM ballots ORDER BY goal_id") == before

    await voting.press(RESIDENT, Pick(field, field.goals[0], False))
    await voting.press(RESIDENT, Pick(field, fourth, True))
    stored = rows(voting.database_path, "SELECT goal_id FROM ballots ORDER BY goal_id")
    assert [g for (g,) in stored] == sorted(g.id for g in field.goals[1:4])

    await voting.press(RESIDENT, Vote())
    screen = last(voting)
    assert "1 of 7 action fields done" in screen.plain_text
    assert buttons(screen)[0][0].startswith("✅")
    assert buttons(screen)[1][0].startswith("▫️")


async def test_no_preference_is_a_recorded_answer(voting, example):
    await agree(voting, RESIDENT)
    field = example.fields[1]
    await voting.press(RESIDENT, FieldBallot(field))
    await voting.press(RESIDENT, Pick(field, field.goals[0], True))
    await voting.press(RESIDENT, NoPreference(field))
    assert "no preference" in last(voting).plain_text
    key = voter_key(voting.settings.secret, RESIDENT)
    assert rows(
        voting.database_path, "SELECT field_id FROM abstentions WHERE voter_key = ?", (key,)
    ) == [(field.id,)]
    assert rows(voting.database_path, "SELECT * FROM ballots") == []
    await voting.press(RESIDENT, Vote())
    assert "1 of 7 action fields done" in last(voting).plain_text
    # Choosing a sub-goal again replaces "no preference".
    await voting.press(RESIDENT, FieldBallot(field))
    await voting.press(RESIDENT, Pick(field, field.goals[2], True))
    assert rows(voting.database_path, "SELECT * FROM abstentions") == []


async def test_my_ballot_shows_every_choice_and_survives_a_language_change(voting, example):
    await agree(voting, RESIDENT)
    first, second = example.fields[0], example.fields[3]
    await voting.press(RESIDENT, FieldBallot(first))
    await voting.press(RESIDENT, Pick(first, first.goals[1], True))
    await voting.press(RESIDENT, Vote())
    await voting.press(RESIDENT, FieldBallot(second))
    await voting.press(RESIDENT, NoPreference(second))
    await voting.send(RESIDENT, "/language")
    await voting.press(RESIDENT, Language("uk"))
    await voting.send(RESIDENT, "/myballot")
    text = last(voting).plain_text
    assert first.goals[1].text["uk"] in text
    assert second.title["uk"] in text
    assert first.goals[0].text["uk"] not in text
    # Each field can be reopened from the ballot while voting is open.
    assert FieldBallot(first).pack() in [data for _, data in buttons(last(voting))]


async def test_the_ballots_tables_hold_no_telegram_id(voting, example):
    await agree(voting, RESIDENT)
    field = example.fields[0]
    await voting.press(RESIDENT, FieldBallot(field))
    await voting.press(RESIDENT, Pick(field, field.goals[0], True))
    await voting.press(RESIDENT, FieldBallot(example.fields[1]))
    await voting.press(RESIDENT, NoPreference(example.fields[1]))
    key = voter_key(voting.settings.secret, RESIDENT)
    for table in ("ballots", "abstentions", "voters"):
        content = rows(voting.database_path, f"SELECT * FROM {table}")
        assert content, table
        assert all(str(RESIDENT) not in str(value) for row in content for value in row)
        assert {row[0] for row in content} == {key}
    # The participants table links the user to language and consent, not to votes.
    columns = [c[1] for c in rows(voting.database_path, "PRAGMA table_info(participants)")]
    assert "voter_key" not in columns


@pytest.mark.parametrize(
    "forge",
    [
        lambda f, g, other: raw("pick", "no-such-field", g.id, "1"),
        lambda f, g, other: raw("pick", f.id, "no-such-goal", "1"),
        lambda f, g, other: raw("pick", f.id, other.goals[-1].id + "9", "1"),
        lambda f, g, other: raw("pick", f.id, g.id, "2"),
        lambda f, g, other: Points(f, g, 3),
        lambda f, g, other: Rank(f, 1),
        lambda f, g, other: "v2:pick:" + f.id + ":" + g.id + ":1",
        lambda f, g, other: "\xff\xfe garbage",
        lambda f, g, other: raw("ballot", "x" * 24),
    ],
)
async def test_forged_votes_get_a_short_answer_and_change_nothing(voting, example, forge):
    await agree(voting, RESIDENT)
    field, other = example.fields[0], example.fields[1]
    await voting.press(RESIDENT, FieldBallot(field))
    await voting.press(RESIDENT, Pick(field, field.goals[0], True))
    before = rows(voting.database_path, "SELECT * FROM ballots")
    screen = last(voting)
    edits = screen.edit_count
    await voting.press_forged(RESIDENT, forge(field, field.goals[1], other))
    assert "out of date" in list(voting.fake.answered_callbacks.values())[-1].text
    assert rows(voting.database_path, "SELECT * FROM ballots") == before
    assert last(voting).edit_count == edits


async def test_a_goal_of_another_field_is_refused(voting, example):
    await agree(voting, RESIDENT)
    short = min(example.fields, key=lambda f: len(f.goals))
    longer = max(example.fields, key=lambda f: len(f.goals))
    foreign = longer.goals[-1]
    assert short.goal(foreign.id) is None
    await voting.press_forged(RESIDENT, Pick(short, foreign, True))
    assert "out of date" in list(voting.fake.answered_callbacks.values())[-1].text
    assert rows(voting.database_path, "SELECT * FROM ballots") == []


async def test_a_repeated_press_changes_nothing(voting, example):
    await agree(voting, RESIDENT)
    field = example.fields[0]
    await voting.press(RESIDENT, FieldBallot(field))
    message = last(voting).message_id
    data = Pick(field, field.goals[0], True)
    await voting.press(RESIDENT, data, message_id=message)
    edits = last(voting).edit_count
    # The same button again (a replay, or the old keyboard of a lagging client).
    await voting.press_forged(RESIDENT, data, message_id=message)
    assert rows(voting.database_path, "SELECT COUNT(*) FROM ballots") == [(1,)]
    assert last(voting).edit_count == edits


async def test_the_same_update_delivered_twice_changes_nothing(voting, example):
    await agree(voting, RESIDENT)
    field = example.fields[0]
    await voting.press(RESIDENT, FieldBallot(field))
    choose = await voting.press(RESIDENT, Pick(field, field.goals[0], True))
    screen = last(voting)
    edits, messages = screen.edit_count, len(voting.fake.bot_messages(RESIDENT))
    # Telegram delivers the "choose 1.1" update again (its offset confirmation was lost): it
    # carries the state it sets, which is already so; no second row, no error, no new message.
    await voting.redeliver(choose)
    await voting.redeliver(choose)
    assert rows(voting.database_path, "SELECT goal_id FROM ballots") == [(field.goals[0].id,)]
    assert last(voting).edit_count == edits
    assert len(voting.fake.bot_messages(RESIDENT)) == messages
    await voting.press(RESIDENT, Pick(field, field.goals[1], True))
    assert rows(voting.database_path, "SELECT COUNT(*) FROM ballots") == [(2,)]


async def test_quick_taps_on_different_goals_all_land_and_racing_taps_never_exceed_n(
    voting, example
):
    await agree(voting, RESIDENT)
    field = example.fields[0]
    await voting.press(RESIDENT, FieldBallot(field))
    message = last(voting).message_id
    taps = [
        voting.fake.user_presses(RESIDENT, message, Pick(field, goal, True).pack())
        for goal in field.goals[:5]
    ]
    await asyncio.gather(*(voting.handled(tap) for tap in taps))
    assert rows(voting.database_path, "SELECT COUNT(*) FROM ballots") == [(3,)]


async def test_votes_before_opening_and_after_closing_are_refused(running, example):
    now = datetime.now(UTC)
    await change_window(
        running.services.database,
        None,
        "t",
        opens=now + timedelta(days=2),
        closes=now + timedelta(days=9),
    )
    running.fake.add_user(RESIDENT, language_code="de")
    await running.send(RESIDENT, "/start")
    await running.press(RESIDENT, Vote())
    assert "Abstimmung" in last(running).plain_text or "Voting" in last(running).plain_text
    field = example.fields[0]
    await running.press_forged(RESIDENT, Pick(field, field.goals[0], True))
    assert list(running.fake.answered_callbacks.values())[-1].show_alert
    assert rows(running.database_path, "SELECT * FROM ballots") == []

    await change_window(
        running.services.database,
        None,
        "t",
        opens=now - timedelta(days=9),
        closes=now - timedelta(days=1),
    )
    await running.press_forged(RESIDENT, Pick(field, field.goals[0], True))
    assert rows(running.database_path, "SELECT * FROM ballots") == []


async def test_after_the_close_the_ballot_is_shown_read_only_with_the_results_page(voting, example):
    await agree(voting, RESIDENT)
    field = example.fields[0]
    await voting.press(RESIDENT, FieldBallot(field))
    await voting.press(RESIDENT, Pick(field, field.goals[0], True))
    now = datetime.now(UTC)
    await change_window(voting.services.database, None, "t", closes=now - timedelta(seconds=1))
    await voting.send(RESIDENT, "/myballot")
    text = last(voting).plain_text
    assert "closed" in text
    assert field.goals[0].text["en"] in text
    assert example.voting.results_url in text
    assert [data for _, data in buttons(last(voting))] == [ToMenu().pack()]


async def test_a_resident_who_deletes_the_chat_finds_the_ballot_on_return(voting, example):
    await agree(voting, RESIDENT)
    field = example.fields[0]
    await voting.press(RESIDENT, FieldBallot(field))
    await voting.press(RESIDENT, Pick(field, field.goals[0], True))
    voting.fake.user_deletes_chat(RESIDENT)
    await voting.send(RESIDENT, "/start")
    await voting.send(RESIDENT, "/myballot")
    assert field.goals[0].text["en"] in last(voting).plain_text
