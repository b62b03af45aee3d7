"""The reminder is offered only while it can still be sent: not after voting has closed, not
after it went out."""

from datetime import UTC, datetime, timedelta

from bot.news.buttons import Reminder
from bot.news.reminders import queue_reminder
from bot.voting.window import change_window
from tests.conftest import RESIDENT, buttons, last, open_window, rows


def offers_reminder(message) -> bool:
    return Reminder(True).pack() in [data for _, data in buttons(message)]


async def test_after_the_close_subscribing_offers_no_reminder(running):
    running.fake.add_user(RESIDENT, language_code="en")  # the example's window has closed
    await running.send(RESIDENT, "/subscribe")
    confirmed = last(running)
    assert "subscribed" in confirmed.plain_text
    assert "You get the news in the language you use here" in confirmed.plain_text
    assert "🌐 English" in confirmed.plain_text.split("\n")
    assert not offers_reminder(confirmed)
    # An old "remind me" button changes nothing and says why.
    await running.press_forged(RESIDENT, Reminder(True))
    answer = list(running.fake.answered_callbacks.values())[-1].text
    assert "no reminder any more" in answer
    query = "SELECT reminders FROM subscriptions WHERE chat_id = ?"
    assert rows(running.database_path, query, (RESIDENT,)) == [(0,)]


async def test_while_voting_is_open_the_reminder_is_offered_until_it_went_out(running):
    await open_window(running)
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/subscribe")
    assert offers_reminder(last(running))
    await running.send(RESIDENT, "/unsubscribe")

    now = datetime.now(UTC)
    await change_window(
        running.services.database, None, "t", opens=now - timedelta(days=5),
        closes=now + timedelta(hours=1),
    )  # fmt: skip
    assert await queue_reminder(running.services, now) is not None
    await running.send(RESIDENT, "/subscribe")
    assert not offers_reminder(last(running))
