"""One reminder before voting closes, to subscribers who asked for it and have not finished."""

import asyncio
from datetime import UTC, datetime, timedelta

from bot.news.buttons import Reminder
from bot.news.reminders import queue_reminder
from bot.voting.buttons import Consent, FieldBallot, NoPreference, Vote
from bot.voting.window import change_window
from tests.conftest import add_subscribers, finished, open_window, received, rows


async def opt_in(bot, users):
    def write():
        import sqlite3

        with sqlite3.connect(bot.database_path, timeout=10) as connection:
            connection.executemany(
                "UPDATE subscriptions SET reminders = 1 WHERE chat_id = ?", [(u,) for u in users]
            )

    await asyncio.to_thread(write)


async def finish_all_fields(bot, user, procedure):
    await bot.send(user, "/start")
    await bot.press(user, Vote())
    await bot.press(user, Consent(True))
    for field in procedure.fields:
        await bot.press(user, FieldBallot(field))
        await bot.press(user, NoPreference(field))
        await bot.press(user, Vote())


async def test_only_opted_in_subscribers_who_have_not_finished_are_reminded_once(running, example):
    now = datetime.now(UTC)
    db = running.services.database
    await change_window(
        db, None, "t", opens=now - timedelta(days=5), closes=now + timedelta(days=5)
    )
    finished_voter, unfinished_de, unfinished_ar, not_opted = await add_subscribers(
        running, ["de", "de", "ar", "de"]
    )
    await opt_in(running, [finished_voter, unfinished_de, unfinished_ar])
    await finish_all_fields(running, finished_voter, example)
    before = {
        u: len(received(running, u))
        for u in (finished_voter, unfinished_de, unfinished_ar, not_opted)
    }

    # Three days before the close: not yet (the example reminds 48 hours before).
    assert await queue_reminder(running.services, now + timedelta(days=2)) is None
    # A day before the close: queued once, delivered through the outbox.
    broadcast_id = await queue_reminder(running.services, now + timedelta(days=4))
    assert broadcast_id is not None
    running.services.wake_outbox()
    await finished(running, broadcast_id)
    assert await queue_reminder(running.services, now + timedelta(days=4, hours=1)) is None

    after = {u: len(received(running, u)) for u in before}
    assert after[finished_voter] == before[finished_voter]
    assert after[not_opted] == before[not_opted]
    assert after[unfinished_de] == before[unfinished_de] + 1
    assert after[unfinished_ar] == before[unfinished_ar] + 1
    german = received(running, unfinished_de)[-1]
    arabic = received(running, unfinished_ar)[-1]
    assert german.startswith("⏰") and german != arabic
    assert rows(
        running.database_path, "SELECT COUNT(*) FROM broadcasts WHERE kind = 'reminder'"
    ) == [(1,)]


async def test_no_reminder_when_voting_is_not_open(running):
    now = datetime.now(UTC)
    db = running.services.database
    await change_window(
        db, None, "t", opens=now - timedelta(days=9), closes=now - timedelta(days=1)
    )
    users = await add_subscribers(running, ["de"])
    await opt_in(running, users)
    assert await queue_reminder(running.services, now) is None
    assert rows(running.database_path, "SELECT COUNT(*) FROM broadcasts") == [(0,)]


async def test_the_reminder_opt_in_sits_next_to_the_subscription(running):
    resident = 8181
    await open_window(running)  # the reminder is offered only while it can still be sent
    running.fake.add_user(resident, language_code="en")
    await running.send(resident, "/start")
    # Without a subscription there is nothing to attach the reminder to.
    await running.press_forged(resident, Reminder(True))
    assert "subscribe" in list(running.fake.answered_callbacks.values())[-1].text.lower()
    await running.send(resident, "/subscribe")
    await running.press(resident, Reminder(True))
    assert "48 hours" in running.fake.last_bot_message(resident).plain_text
    query = "SELECT reminders FROM subscriptions WHERE chat_id = ?"
    assert rows(running.database_path, query, (resident,)) == [(1,)]
    await running.press_forged(resident, Reminder(True))  # a replay: no change
    assert rows(running.database_path, query, (resident,)) == [(1,)]
    await running.press(resident, Reminder(False))
    assert rows(running.database_path, query, (resident,)) == [(0,)]
