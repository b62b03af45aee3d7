"""The outbox worker delivers every broadcast exactly once per subscriber, at Telegram's pace,
through blocks, flood limits, timeouts, cancellation and restarts."""

import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.broadcasting import publishing
from bot.emulated import EmulatedBot
from bot.news.buttons import Subscription
from storage import outbox
from tests.conftest import add_subscribers, finished, received, rows, without_heading

NEWS_DE = "<b>Neuigkeiten</b>: Die Workshops beginnen."
NEWS_EN = "<b>News</b>: the workshops begin."


async def queue(bot: EmulatedBot, **options) -> int:
    options.setdefault("texts", {"de": NEWS_DE, "en": NEWS_EN})
    options.setdefault("kind", "news")
    broadcast_id = await publishing.queue(
        bot.services.database,
        bot.services.procedure,
        author_id=options.pop("author_id", None),
        **options,
    )
    bot.services.wake_outbox()
    return broadcast_id


async def test_every_subscriber_gets_exactly_one_message_in_their_language(running):
    users = await add_subscribers(running, ["de", "de", "en", "ar", "uk", "en"])
    broadcast_id = await queue(running)
    done = await finished(running, broadcast_id)
    assert done.state == "done"
    for user, language in zip(users, ["de", "de", "en", "ar", "uk", "en"], strict=True):
        (received_text,) = received(running, user)
        text = without_heading(received_text)
        if language == "de":
            assert text == "Neuigkeiten: Die Workshops beginnen."
        elif language == "en":
            assert text == "News: the workshops begin."
        else:
            # Not translated: the German text, with a one-line note in the reader's language.
            assert text.endswith("Neuigkeiten: Die Workshops beginnen.")
            assert text.count("\n") >= 2
    assert (await outbox.counts(running.services.database, broadcast_id))["sent"] == 6


async def test_an_audience_of_chosen_languages_is_fixed_when_sent(running):
    users = await add_subscribers(running, ["de", "en", "ar"])
    broadcast_id = await queue(running, languages={"en", "ar"})
    await finished(running, broadcast_id)
    assert received(running, users[0]) == []
    assert len(received(running, users[1])) == 1 and len(received(running, users[2])) == 1
    # Someone who subscribes afterwards is not added to a queued broadcast.
    later = await add_subscribers(running, ["en"], first=60_000)
    assert received(running, later[0]) == []


async def test_blocked_recipients_are_marked_and_their_subscription_ends(running):
    users = await add_subscribers(running, ["de", "de", "de", "en"])
    running.fake.user_blocks(users[1])
    running.fake.inject_error("sendMessage", 400, "Bad Request: chat not found", chat_id=users[2])
    broadcast_id = await queue(running)
    await finished(running, broadcast_id)
    counts = await outbox.counts(running.services.database, broadcast_id)
    assert counts == {
        "pending": 0,
        "sending": 0,
        "sent": 2,
        "failed": 0,
        "blocked": 2,
        "cancelled": 0,
    }
    active = rows(
        running.database_path, "SELECT chat_id FROM subscriptions WHERE active = 1 ORDER BY chat_id"
    )
    assert active == [(users[0],), (users[3],)]


async def test_a_429_storm_pauses_the_worker_and_nobody_is_skipped_or_sent_twice(running):
    users = await add_subscribers(running, ["de"] * 12)
    running.fake.inject_error(
        "sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1, times=4
    )
    broadcast_id = await queue(running)
    await finished(running, broadcast_id, timeout=30)
    assert [len(received(running, user)) for user in users] == [1] * 12
    storm = [r for r in running.fake.calls("sendMessage") if r.status == 429]
    assert len(storm) == 4


async def test_a_rate_set_at_telegrams_limit_stays_under_it(settings, example):
    """BOT_BROADCAST_RATE=30 on the free tier: the worker keeps 5 % below Telegram's 30/s
    (counted over any second), so Telegram never answers with a flood limit."""
    bot = EmulatedBot(replace(settings, broadcast_rate=30.0), example)
    bot.fake.rate_limit = 30.0
    async with bot:
        users = await add_subscribers(bot, ["de"] * 75)
        await finished(bot, await queue(bot), timeout=30)
        sends = bot.fake.calls("sendMessage")
    assert [len(received(bot, user)) for user in users] == [1] * 75
    assert [r.status for r in sends if r.status != 200] == []


async def test_a_timeout_is_uncertain_and_never_sent_twice_on_its_own(running):
    # A timeout after the request left may have delivered: it is reported, not resent (the
    # policy in README "Broadcasts"; tests/broadcasting/test_outages.py has the full story).
    users = await add_subscribers(running, ["en"] * 3)
    running.fake.inject_timeout("sendMessage", times=1, chat_id=users[0])
    broadcast_id = await queue(running)
    await finished(running, broadcast_id, timeout=30)
    assert [len(received(running, user)) for user in users] == [0, 1, 1]
    state = rows(
        running.database_path, "SELECT state FROM deliveries WHERE chat_id = ?", (users[0],)
    )
    assert state == [("uncertain",)]


async def test_a_message_telegram_refuses_fails_with_the_reason(running):
    users = await add_subscribers(running, ["de", "de"])
    running.fake.inject_error(
        "sendMessage", 400, "Bad Request: something odd", chat_id=users[0], times=1
    )
    broadcast_id = await queue(running)
    await finished(running, broadcast_id)
    (error,) = rows(
        running.database_path, "SELECT last_error FROM deliveries WHERE state = 'failed'"
    )
    assert "something odd" in error[0].lower()


async def test_a_cancelled_broadcast_sends_nothing_more(running):
    users = await add_subscribers(running, ["de"] * 5)
    later = datetime.now(UTC) + timedelta(hours=2)
    broadcast_id = await queue(running, send_at=later)
    assert await outbox.cancel(running.services.database, broadcast_id, 999)
    await running.worker.send(await outbox.get(running.services.database, broadcast_id))
    assert all(received(running, user) == [] for user in users)
    counts = await outbox.counts(running.services.database, broadcast_id)
    assert counts["cancelled"] == 5 and counts["sent"] == 0


async def test_a_broadcast_due_while_the_bot_was_down_is_sent_on_start_and_marked_late(
    settings, example
):
    first = EmulatedBot(settings, example)
    async with first:
        users = await add_subscribers(first, ["de", "en"])
        await first.worker.stop()  # the bot "goes down" before the planned time
        past = datetime.now(UTC) - timedelta(minutes=30)
        broadcast_id = await publishing.queue(
            first.services.database, example, author_id=None,
            texts={"de": NEWS_DE}, kind="news", send_at=past,
        )  # fmt: skip
    second = EmulatedBot(settings, example)
    for user in users:
        second.fake.add_user(user)
    async with second:
        done = await finished(second, broadcast_id)
    assert done.late and done.state == "done"
    assert all(len(received(second, user)) == 1 for user in users)


async def test_at_any_moment_at_most_one_message_is_with_telegram_and_not_yet_recorded(running):
    """The crash window, watched from Telegram's side: each time a message arrives, the chats
    that have it while the outbox still says 'sending' are counted (a kill -9 then would send
    exactly those again). Over a fast link at 25/s that is never more than one."""
    running.fake.latency = 0.01
    users = await add_subscribers(running, ["de", "en"] * 15)
    arrived: set[int] = set()
    windows: list[int] = []

    def on_message(event, record) -> None:
        if event != "sent" or record.chat_id not in users:
            return
        arrived.add(record.chat_id)
        with closing(sqlite3.connect(running.database_path)) as connection:
            claimed = connection.execute("SELECT chat_id FROM deliveries WHERE state = 'sending'")
            windows.append(len(arrived & {chat for (chat,) in claimed}))

    running.fake.subscribe(on_message)
    await finished(running, await queue(running))
    assert len(windows) == len(users) and len(arrived) == len(users)
    assert max(windows) == 1  # the message just arrived, and no other


async def test_claims_left_by_a_crash_are_sent_again_on_start(settings, example):
    first = EmulatedBot(settings, example)
    async with first:
        users = await add_subscribers(first, ["de", "de", "de"])
        await first.worker.stop()
        broadcast_id = await publishing.queue(
            first.services.database, example, author_id=None, texts={"de": NEWS_DE}, kind="news"
        )
        db = first.services.database
        await outbox.start(db, broadcast_id, late=False)
        (one, two, _) = await outbox.pending(db, broadcast_id, 10)
        # The crash: one message was confirmed sent, one was handed over and not confirmed.
        await outbox.claim_many(db, [one])
        await outbox.settle_many(db, [(one, "sent", None)])
        await outbox.claim_many(db, [two])
    second = EmulatedBot(settings, example)
    for user in users:
        second.fake.add_user(user)
    async with second:
        await finished(second, broadcast_id)
    assert received(second, users[0]) == []  # marked sent: never sent again
    assert len(received(second, users[1])) == 1  # the one window: sent (again)
    assert len(received(second, users[2])) == 1  # nobody skipped


async def test_news_arrive_with_buttons_to_the_status_and_to_stop_them_in_each_language(running):
    german, arabic = await add_subscribers(running, ["de", "ar"])
    broadcast_id = await queue(running)
    await finished(running, broadcast_id)
    for user, language in ((german, "de"), (arabic, "ar")):
        t = running.services.catalogs.translator(language)
        message = running.fake.bot_messages(user)[-1]
        labels = [b["text"] for row in message.reply_markup["inline_keyboard"] for b in row]
        assert labels == [
            t.bidi(t.gettext("📅 Status and news")),
            t.bidi(t.gettext("🔕 Stop the news")),
        ]
        assert Subscription(False).pack() in [
            b["callback_data"] for row in message.reply_markup["inline_keyboard"] for b in row
        ]
    # pressing "stop" ends the subscription, as the button under /status does
    await running.press(german, Subscription(False))
    assert rows(running.database_path, "SELECT active FROM subscriptions WHERE chat_id = ?",
                (german,)) == [(0,)]  # fmt: skip
