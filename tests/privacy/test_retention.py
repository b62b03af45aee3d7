"""Retention: `participation-bot purge` and the bot's own purge after the retention date
remove the link between Telegram ids and the procedure; the anonymous tallies stay. And the
once-only marking of residents who voted before participation was counted from that mark."""

import asyncio
import sqlite3
import time
from datetime import UTC, datetime, timedelta

from bot.__main__ import main
from bot.privacy import retention
from bot.privacy.retention import RetentionGuard, mark_earlier_voters, purge_due
from bot.voting.voter import voter_key
from bot.voting.window import change_window
from storage.db import Database, migrations
from storage.tally import tally
from tests.conftest import RESIDENT, STAFF, TEST_SECRET, rows
from tests.privacy.test_rights import NEIGHBOUR, everything_of, vote_and_subscribe

LINKED = ("participants", "subscriptions", "deliveries")


async def close_voting(bot) -> None:
    now = datetime.now(UTC)
    await change_window(
        bot.services.database, STAFF, "test.close", opens=now - timedelta(days=3), closes=now
    )


def purge_args(bot, *extra: str) -> list[str]:
    return ["purge", "--database", str(bot.database_path), "--secret", TEST_SECRET, *extra]


async def test_purge_refuses_while_voting_is_open_and_changes_nothing(voting, capsys):
    await vote_and_subscribe(voting)
    before = everything_of(voting.database_path, RESIDENT)
    assert await asyncio.to_thread(main, purge_args(voting, "--yes")) == 2
    assert "voting is not closed" in capsys.readouterr().err
    assert everything_of(voting.database_path, RESIDENT) == before


async def test_purge_without_the_secret_is_refused(voting, capsys):
    args = ["purge", "--database", str(voting.database_path), "--yes"]
    assert await asyncio.to_thread(main, args) == 2
    assert "BOT_SECRET" in capsys.readouterr().err


async def test_purge_after_the_close_unlinks_everybody_and_keeps_the_tallies(voting, capsys):
    await vote_and_subscribe(voting)
    await vote_and_subscribe(voting, NEIGHBOUR, "ar")
    await voting.send(RESIDENT, "/voting")  # a refused staff command: their id in the audit
    await close_voting(voting)
    db, path = voting.services.database, voting.database_path
    counted = await tally(db)
    assert await asyncio.to_thread(main, purge_args(voting, "--yes")) == 0  # beside the bot
    assert "2 participants removed, 2 ballots unlinked" in capsys.readouterr().out
    for table in LINKED:
        assert rows(path, f"SELECT COUNT(*) FROM {table}") == [(0,)], table
    assert rows(path, "SELECT COUNT(*) FROM audit_log WHERE actor_id IS NOT NULL") == [(0,)]
    for user in (RESIDENT, NEIGHBOUR):
        assert everything_of(path, user) == []  # neither id nor voter key is left anywhere
    after = await tally(db)
    assert after.goal_voters == counted.goal_voters
    assert after.field_voters == counted.field_voters
    keys = rows(path, "SELECT voter_key FROM voters")
    assert len(keys) == 2 and all(key.startswith("purged-") for (key,) in keys)
    assert rows(path, "SELECT detail FROM audit_log WHERE action = 'privacy.purge'") == [
        ("2 participants",)
    ]


async def test_purge_before_a_day_removes_only_residents_not_seen_since(voting, capsys):
    await vote_and_subscribe(voting)
    await vote_and_subscribe(voting, NEIGHBOUR, "ar")
    path = voting.database_path
    with sqlite3.connect(path) as connection:  # the neighbour was last seen long ago
        connection.execute(
            "UPDATE participants SET updated_at = '2020-01-20T10:00:00+00:00' WHERE user_id = ?",
            (NEIGHBOUR,),
        )
    connection.close()
    assert await asyncio.to_thread(main, purge_args(voting, "--before", "2021-01-01", "--yes")) == 0
    assert "1 participants removed, 1 ballots unlinked" in capsys.readouterr().out
    assert everything_of(path, NEIGHBOUR) == []
    assert len(everything_of(path, RESIDENT)) >= 6  # still here, still able to vote
    assert rows(
        path, "SELECT COUNT(DISTINCT voter_key) FROM ballots WHERE voter_key LIKE 'purged-%'"
    ) == [(1,)]
    assert await asyncio.to_thread(main, purge_args(voting, "--before", "1.1.2021")) == 2


async def test_the_bot_purges_itself_an_hour_after_noticing_the_retention_date_passed(voting):
    await vote_and_subscribe(voting)
    db, procedure, path = voting.services.database, voting.services.procedure, voting.database_path
    assert procedure.privacy.retention_until.year == 2021  # the example's date is long over
    assert not await purge_due(db, procedure)  # but voting is open (the test opened it)
    await close_voting(voting)
    assert await purge_due(db, procedure)
    moment = datetime(2021, 6, 30, 23, 0, tzinfo=procedure.timezone)
    assert not await purge_due(db, procedure, moment)  # not before the day is over
    guard = RetentionGuard(db, procedure, TEST_SECRET)
    await guard.tick()
    assert rows(path, "SELECT COUNT(*) FROM participants") == [(1,)]  # not in the first hour
    guard.started = time.monotonic() - retention.GRACE_SECONDS - 1
    await guard.tick()
    assert rows(path, "SELECT COUNT(*) FROM participants") == [(0,)]
    assert everything_of(path, RESIDENT) == []
    assert (await tally(db)).goal_voters  # the results stay


async def test_residents_who_voted_before_the_mark_existed_are_marked_once(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as connection:  # a file as version 5 left it, with votes
        for number, _name, script in migrations():
            if number <= 5:
                connection.executescript(script)
        connection.execute("PRAGMA user_version = 5")
        stamp = "2020-01-20T10:00:00+00:00"
        for user, language in ((1, "fa"), (2, "de"), (3, "de")):
            connection.execute(
                "INSERT INTO participants (user_id, chat_id, language, created_at, updated_at, "
                "consent_at) VALUES (?, ?, ?, ?, ?, ?)",
                (user, user, language, stamp, stamp, stamp),
            )
        for user, language in ((1, "fa"), (2, "de")):  # 3 agreed but never voted
            key = voter_key(TEST_SECRET, user)
            connection.execute("INSERT INTO voters VALUES (?, ?)", (key, language))
            connection.execute("INSERT INTO ballots VALUES (?, 'housing', '1', 1)", (key,))
    connection.close()
    db = await Database.open(path)
    try:
        columns = [c[1] for c in await db.fetchall("PRAGMA table_info(voters)")]
        assert columns == ["voter_key"]  # the language beside the key is gone
        assert await mark_earlier_voters(db, TEST_SECRET) == 2
        assert (await tally(db)).language_voters == {"fa": 1, "de": 1}
        assert await mark_earlier_voters(db, TEST_SECRET) == 0  # once
    finally:
        await db.close()
    assert rows(path, "SELECT user_id FROM participants WHERE voted = 1 ORDER BY user_id") == [
        (1,),
        (2,),
    ]
