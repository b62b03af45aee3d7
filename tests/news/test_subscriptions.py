"""Residents subscribe to the news and stop them; the subscription follows their language; a
resident who blocks the bot is unsubscribed at once and not resubscribed when coming back."""

from bot.chat.menu import ToMenu
from bot.news.buttons import Status, Subscription
from bot.privacy.buttons import PrivacyDetails
from bot.welcome.buttons import Language
from storage import subscriptions
from storage.subscriptions import Subscriber
from tests.conftest import RESIDENT, data, last, rows

OTHER = 6262


def stored(bot):
    return rows(
        bot.database_path,
        "SELECT chat_id, active, subscribed_at, unsubscribed_at IS NOT NULL, "
        "blocked_at IS NOT NULL FROM subscriptions",
    )


async def test_subscribing_confirms_what_comes_and_how_to_stop_and_twice_changes_nothing(running):
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/subscribe")
    text = last(running).plain_text
    assert "You are subscribed" in text
    assert "English" in text and "/language" in text and "/unsubscribe" in text
    first = stored(running)
    assert [(chat, active) for chat, active, *_ in first] == [(RESIDENT, 1)]

    await running.send(RESIDENT, "/subscribe")
    assert "already subscribed" in last(running).plain_text
    assert Subscription(False).pack() in data(last(running))
    assert stored(running) == first


async def test_unsubscribing_when_not_subscribed_says_so_and_stores_nothing(running):
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/unsubscribe")
    assert "were not subscribed" in last(running).plain_text
    assert stored(running) == []
    assert rows(running.database_path, "SELECT * FROM participants") == []


async def test_unsubscribing_confirms_and_asks_nothing_more(running):
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/subscribe")
    await running.send(RESIDENT, "/unsubscribe")
    message = last(running)
    assert "You are unsubscribed" in message.plain_text
    assert Subscription(True).pack() not in data(message)
    [(_, active, _, unsubscribed, blocked)] = stored(running)
    assert (active, unsubscribed, blocked) == (0, 1, 0)
    await running.send(RESIDENT, "/unsubscribe")
    assert "were not subscribed" in last(running).plain_text


async def test_the_menu_offers_the_news_and_the_buttons_set_a_state_not_a_toggle(running):
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/start")
    greeting = last(running)
    assert Subscription(True).pack() in data(greeting)
    pressed = await running.press(RESIDENT, Subscription(True))
    assert "You are subscribed" in last(running).plain_text
    # Telegram delivers the same press again: it subscribes, it does not toggle back.
    await running.redeliver(pressed)
    assert subscriptions.Subscriber(RESIDENT, "en") in await subscriptions.active(
        running.services.database, "de"
    )
    # A subscriber's menu no longer offers it; the status screen offers to stop.
    await running.press(RESIDENT, ToMenu())
    assert Subscription(True).pack() not in data(last(running))
    await running.press(RESIDENT, Status())
    assert Subscription(False).pack() in data(last(running))
    await running.press(RESIDENT, Subscription(False))
    assert "You are unsubscribed" in last(running).plain_text
    assert await subscriptions.active(running.services.database, "de") == []


async def test_a_forged_subscription_button_changes_nothing(running):
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/start")
    await running.press_forged(RESIDENT, "v1:subscribe:toggle")
    answers = list(running.fake.answered_callbacks.values())
    assert "out of date" in answers[-1].text
    assert stored(running) == []


async def test_blocking_the_bot_ends_the_subscription_at_once(running):
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/subscribe")
    await running.handled(running.fake.user_blocks(RESIDENT))
    [(_, active, _, _, blocked)] = stored(running)
    assert (active, blocked) == (0, 1)
    assert await subscriptions.active(running.services.database, "de") == []
    # Nothing was sent to the chat that blocked the bot.
    assert running.fake.calls("sendMessage")[-1].params["chat_id"] == RESIDENT
    assert all(r.ok for r in running.fake.requests if r.method != "getUpdates")


async def test_coming_back_after_blocking_does_not_resubscribe_but_the_menu_offers_it(running):
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/subscribe")
    await running.handled(running.fake.user_blocks(RESIDENT))
    await running.send(RESIDENT, "/start")  # the client unblocks first
    assert [active for _, active, *_ in stored(running)] == [0]
    assert Subscription(True).pack() in data(last(running))


async def test_subscribing_from_a_chat_that_blocked_the_bot_earlier_starts_afresh(running):
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/subscribe")
    await running.handled(running.fake.user_blocks(RESIDENT))
    await running.send(RESIDENT, "/subscribe")
    assert "You are subscribed" in last(running).plain_text
    [(_, active, _, unsubscribed, blocked)] = stored(running)
    assert (active, unsubscribed, blocked) == (1, 0, 0)


async def test_blocking_without_a_subscription_stores_nothing(running):
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/start")
    await running.handled(running.fake.user_blocks(RESIDENT))
    assert stored(running) == []


async def test_the_news_follow_the_language_the_resident_switches_to(running):
    db = running.services.database
    running.fake.add_user(RESIDENT, language_code="en")
    running.fake.add_user(OTHER, language_code="tr")
    await running.send(RESIDENT, "/subscribe")
    await running.send(OTHER, "/subscribe")
    # Neither chose a language: each gets the news in the one they read the confirmation in.
    assert await subscriptions.active(db, "de") == [
        Subscriber(RESIDENT, "en"),
        Subscriber(OTHER, "tr"),
    ]
    await running.send(RESIDENT, "/language")
    await running.press(RESIDENT, Language("ar"))
    assert await subscriptions.active(db, "de") == [
        Subscriber(RESIDENT, "ar"),
        Subscriber(OTHER, "tr"),
    ]
    assert await subscriptions.active(db, "de", ["ar"]) == [Subscriber(RESIDENT, "ar")]
    assert len(await subscriptions.active(db, "de")) == 2


async def test_a_subscription_keeps_a_language_chosen_before(running):
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/start lang-uk")
    await running.send(RESIDENT, "/subscribe")
    assert "Українська" in last(running).plain_text
    assert await subscriptions.active(running.services.database, "de") == [
        Subscriber(RESIDENT, "uk")
    ]


async def test_privacy_says_what_a_subscription_stores(running):
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/privacy")
    await running.press(RESIDENT, PrivacyDetails())
    text = last(running).plain_text
    assert "if you subscribe to the news" in text and "blocked the bot" in text
