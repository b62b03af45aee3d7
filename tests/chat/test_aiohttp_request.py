"""The bot's HTTP backend (bot/chat/aiohttp_request.py) against the emulator's HTTP front door:
python-telegram-bot over a real socket, its errors as PTB's own HTTPXRequest raises them."""

import io
import socket

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import InvalidToken, NetworkError, RetryAfter, TimedOut

from bot.app import build_application
from bot.broadcasting.send_budget import retry_seconds
from bot.broadcasting.worker import never_left
from bot.chat.aiohttp_request import AiohttpRequest
from bot.config import Settings
from bot.emulated import DEMO_TOKEN
from bot.emulator import FakeTelegram, serve_http
from bot.procedure import load_procedure

USER = 100


@pytest.fixture
def fake() -> FakeTelegram:
    telegram_ = FakeTelegram(token=DEMO_TOKEN)
    telegram_.add_user(USER, language_code="de")
    return telegram_


def bot_at(base_url: str, **timeouts: float) -> telegram.Bot:
    return telegram.Bot(
        DEMO_TOKEN,
        base_url=base_url,
        request=AiohttpRequest(**timeouts),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    )


async def test_calls_reach_telegram_with_their_types_and_files(fake: FakeTelegram):
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("1.1 Kita", callback_data="v1:x")]])
    async with serve_http(fake) as base_url, bot_at(base_url) as bot:
        assert (await bot.get_me()).username == fake.bot_username
        sent = await bot.send_message(USER, "<b>Grüße</b> 007", parse_mode="HTML",
                                      reply_markup=keyboard)  # fmt: skip
        # The keyboard arrived as a keyboard (an edit without one removes it).
        assert fake.bot_messages(USER)[0].callback_data == ["v1:x"]
        edited = await bot.edit_message_text("0", chat_id=USER, message_id=sent.message_id)
        await bot.send_document(USER, io.BytesIO(b"a;b\n1;2\n"), filename="tally.csv")
    assert sent.text == "Grüße 007" and edited.text == "0"  # a text stays a text
    (upload,) = fake.files.values()
    assert upload.filename == "tally.csv" and upload.data == b"a;b\n1;2\n"


async def test_no_answer_in_time_is_timed_out(fake: FakeTelegram):
    async with serve_http(fake) as base_url, bot_at(base_url, read_timeout=0.05) as bot:
        fake.inject_timeout("sendMessage", delay=0.5)  # the front door holds the line
        with pytest.raises(TimedOut):
            await bot.send_message(USER, "hallo")
        assert (await bot.send_message(USER, "noch einmal")).text == "noch einmal"


async def test_a_flood_limit_is_retry_after_from_python_telegram_bot(fake: FakeTelegram):
    async with serve_http(fake) as base_url, bot_at(base_url) as bot:
        fake.inject_error("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
        with pytest.raises(RetryAfter) as raised:
            await bot.send_message(USER, "hallo")
    assert retry_seconds(raised.value) == 7


async def test_errors_telegram_answers_are_python_telegram_bots(fake: FakeTelegram):
    async with serve_http(fake) as base_url, bot_at(base_url) as bot:
        fake.user_blocks(USER)
        with pytest.raises(telegram.error.Forbidden):
            await bot.send_message(USER, "hallo")
        with pytest.raises(telegram.error.BadRequest):
            await bot.send_message(4711, "hallo")  # nobody


async def test_a_refused_connection_is_a_network_error_that_never_left():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(NetworkError) as raised:
        async with bot_at(f"http://127.0.0.1:{port}/bot") as bot:  # its getMe fails
            await bot.send_message(USER, "hallo")
    assert not isinstance(raised.value, TimedOut)
    # The broadcast worker sends such a message again after the pause: it did not reach
    # Telegram (bot/broadcasting/worker.py).
    assert never_left(raised.value)


async def test_a_request_before_initialize_or_after_shutdown_is_refused():
    request = AiohttpRequest()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:9/botX/getMe", "POST")
    await request.initialize()
    await request.shutdown()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:9/botX/getMe", "POST")


async def test_a_failed_start_closes_the_connections_it_opened(fake: FakeTelegram, tmp_path):
    # As `run` builds the bot (its own AiohttpRequest), with a token Telegram rejects.
    procedure = load_procedure(Settings().procedure)
    async with serve_http(fake) as base_url:
        settings = Settings(token="42:REJECTED", api_url=base_url, database=tmp_path / "p.db")
        application = build_application(settings, procedure)
        with pytest.raises(InvalidToken):
            await application.bot.initialize()
    request = application.bot.request
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(f"{base_url}42:REJECTED/getMe", "POST")
