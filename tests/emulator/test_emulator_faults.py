"""Flood control, injected errors and timeouts, latency."""

import asyncio

import httpx
import pytest
import telegram
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.emulator import EmulatorRequest, FakeTelegram

# PTB 22 warns inside RetryAfter's own constructor (retry_after becoming a timedelta).
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


async def test_rate_limit_retry_after(ptb_bot: telegram.Bot, fake: FakeTelegram):
    fake.rate_limit = 3
    for n in range(3):
        await ptb_bot.send_message(100, f"m{n}")
    with pytest.raises(RetryAfter, match=r"Retry in 1 seconds"):
        await ptb_bot.send_message(100, "too fast")
    assert fake.calls("sendMessage")[-1].status == 429
    assert fake.calls("sendMessage")[-1].response["parameters"]["retry_after"] == 1
    # Paid broadcasts have their own, higher limit.
    await ptb_bot.send_message(100, "paid", allow_paid_broadcast=True)
    # Other methods are not counted.
    await ptb_bot.get_me()
    assert len(fake.bot_messages(100)) == 4


async def test_rate_limit_window_slides(fake: FakeTelegram):
    fake.rate_limit = 2
    fake.limiter._times.extend([0.0, 0.0])  # two sends long ago
    status, _ = await fake.call("123456:TEST", "sendMessage", {"chat_id": 100, "text": "now"})
    assert status == 200


async def test_injected_errors(ptb_bot: telegram.Bot, fake: FakeTelegram):
    fake.inject_error("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    fake.inject_error("sendMessage", 403, "Forbidden: user is deactivated", chat_id=200)
    fake.inject_error("editMessageText", 400, "Bad Request: something odd", times=2)
    with pytest.raises(RetryAfter, match=r"Retry in 7 seconds"):
        await ptb_bot.send_message(100, "x")
    await ptb_bot.send_message(100, "x")
    with pytest.raises(Forbidden, match=r"(?i)deactivated"):
        await ptb_bot.send_message(200, "x")
    await ptb_bot.send_message(200, "x")
    for _ in range(2):
        with pytest.raises(BadRequest, match=r"(?i)something odd"):
            await ptb_bot.edit_message_text("y", 100, 1)
    await ptb_bot.edit_message_text("y", 100, 1)
    fake.inject_error("getMe", 502, "Bad Gateway")
    with pytest.raises(NetworkError):
        await ptb_bot.get_me()


async def test_injected_timeout_in_process(ptb_bot: telegram.Bot, fake: FakeTelegram):
    fake.inject_timeout("sendMessage")
    with pytest.raises(TimedOut):
        await ptb_bot.send_message(100, "lost")
    assert fake.bot_messages(100) == []
    # performed=True: Telegram got the message, only the answer was lost.
    fake.inject_timeout("sendMessage", performed=True)
    with pytest.raises(TimedOut):
        await ptb_bot.send_message(100, "delivered")
    assert [m.plain_text for m in fake.bot_messages(100)] == ["delivered"]
    await ptb_bot.send_message(100, "next")


async def test_latency_is_added(fake: FakeTelegram):
    fake.latency = 0.05
    ptb_bot = telegram.Bot("123456:TEST", request=EmulatorRequest(fake))
    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.gather(*(ptb_bot.send_message(100, str(n)) for n in range(10)))
    elapsed = loop.time() - started
    # Ten concurrent calls: each waits the latency, they do not queue behind each other.
    assert 0.05 <= elapsed < 0.5


async def test_an_error_after_the_call_took_effect(ptb_bot: telegram.Bot, fake: FakeTelegram):
    """A 5xx after Telegram delivered the message, and one before: the bot sees the same."""
    fake.inject_error("sendMessage", 500, "Internal Server Error", performed=True)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await ptb_bot.send_message(100, "delivered all the same")
    fake.inject_error("sendMessage", 500, "Internal Server Error")
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await ptb_bot.send_message(100, "not delivered")
    assert [m.plain_text for m in fake.bot_messages(100)] == ["delivered all the same"]
    assert [r.status for r in fake.calls("sendMessage")] == [500, 500]


async def test_an_outage_lasts_seconds_however_many_calls_come(
    ptb_bot: telegram.Bot, fake: FakeTelegram
):
    fake.inject_error("sendMessage", 502, "Bad Gateway", seconds=0.2)
    for _ in range(5):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await ptb_bot.send_message(100, "down")
    assert len(fake.faults) == 1
    await asyncio.sleep(0.25)
    assert len(fake.faults) == 0
    await ptb_bot.send_message(100, "back")
    assert [m.plain_text for m in fake.bot_messages(100)] == ["back"]


async def test_an_unreachable_api_never_sees_the_request(ptb_bot: telegram.Bot, fake: FakeTelegram):
    """Connection refused: python-telegram-bot's NetworkError from httpx.ConnectError, as its
    HTTPX backend raises it; the bot can know that nothing was sent."""
    fake.inject_unreachable("sendMessage", times=2, chat_id=100)
    await ptb_bot.send_message(200, "other chat")
    for _ in range(2):
        with pytest.raises(NetworkError, match="ConnectError") as caught:
            await ptb_bot.send_message(100, "refused")
        assert isinstance(caught.value.__cause__, httpx.ConnectError)
    await ptb_bot.send_message(100, "connected")
    assert [r.params["chat_id"] for r in fake.calls("sendMessage")] == [200, 100]
    assert [m.plain_text for m in fake.bot_messages(100)] == ["connected"]


async def test_a_timeout_during_an_outage_and_after_it(ptb_bot: telegram.Bot, fake: FakeTelegram):
    fake.inject_timeout("sendMessage", seconds=0.2, performed=True)
    with pytest.raises(TimedOut):
        await ptb_bot.send_message(100, "arrived, answer lost")
    await asyncio.sleep(0.25)
    await ptb_bot.send_message(100, "answered")
    assert [m.plain_text for m in fake.bot_messages(100)] == ["arrived, answer lost", "answered"]
