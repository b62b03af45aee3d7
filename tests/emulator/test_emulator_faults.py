"""Flood control, injected errors and timeouts, latency."""

import asyncio

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
