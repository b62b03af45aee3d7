"""The HTTP front door, driven by a real Bot with its default HTTPX backend."""

import asyncio
import io
import json
import urllib.parse

import aiohttp
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, TimedOut
from telegram.request import HTTPXRequest

from bot.emulator import FakeTelegram, UploadedFile, serve_http
from bot.emulator.wire import decode_params

TOKEN = "123456:TEST"


async def test_get_me_and_send(http_bot: telegram.Bot, fake: FakeTelegram):
    assert http_bot.username == "participation_demo_bot"
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    sent = await http_bot.send_message(100, "<b>hi</b>", parse_mode="HTML", reply_markup=markup)
    assert sent.text == "hi"
    assert fake.last_bot_message(100).callback_data == ["go"]
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await http_bot.send_message(
            100,
            "x",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("x", callback_data="y" * 65)]]
            ),
        )


async def test_string_and_int_types_survive(http_bot: telegram.Bot, fake: FakeTelegram):
    await http_bot.send_message(100, "123")
    params = fake.calls("sendMessage")[-1].params
    assert params["text"] == "123"
    assert params["chat_id"] == 100
    assert fake.last_bot_message(100).text == "123"
    await http_bot.send_message("@bob", "true")
    params = fake.calls("sendMessage")[-1].params
    assert (params["chat_id"], params["text"]) == ("@bob", "true")


async def test_document_upload(http_bot: telegram.Bot, fake: FakeTelegram):
    data = b"goal,votes\n3.2,17\n"
    sent = await http_bot.send_document(
        100, io.BytesIO(data), filename="results.csv", caption="<b>Ergebnis</b>", parse_mode="HTML"
    )
    assert sent.document.file_name == "results.csv"
    assert sent.document.file_size == len(data)
    assert sent.caption == "Ergebnis"
    record = fake.last_bot_message(100)
    assert record.document.size == len(data)
    assert record.document.data == data
    assert record.document.mime_type == "text/csv"
    # Re-send by file_id, as bots do.
    again = await http_bot.send_document(200, sent.document.file_id)
    assert again.document.file_size == len(data)


async def test_photo_upload_in_process(ptb_bot: telegram.Bot, fake: FakeTelegram):
    png = (
        b"\x89PNG\r\n\x1a\n"
        + b"\x00\x00\x00\rIHDR"
        + (640).to_bytes(4, "big")
        + (480).to_bytes(4, "big")
        + b"rest"
    )
    sent = await ptb_bot.send_photo(100, png, caption="chart")
    assert (sent.photo[-1].width, sent.photo[-1].height) == (640, 480)
    assert fake.last_bot_message(100).photo.size == len(png)


async def test_long_poll_and_callback_over_http(http_bot: telegram.Bot, fake: FakeTelegram):
    poll = asyncio.create_task(http_bot.get_updates(timeout=5))
    await fake.wait_for(lambda: len(fake.calls("getUpdates")) == 1)
    fake.user_sends(100, "hallo")
    (update,) = await asyncio.wait_for(poll, 3)
    assert update.message.text == "hallo"


async def test_injected_timeout_over_http(fake: FakeTelegram):
    async with serve_http(fake) as base_url:
        ptb_bot = telegram.Bot(TOKEN, base_url=base_url, request=HTTPXRequest(read_timeout=0.05))
        async with ptb_bot:
            fake.inject_timeout("getMe", delay=0.3)
            with pytest.raises(TimedOut):
                await ptb_bot.get_me()
            assert (await ptb_bot.get_me()).username == "participation_demo_bot"


async def test_raw_wire_formats(fake: FakeTelegram):
    async with serve_http(fake) as base_url, aiohttp.ClientSession() as http:
        url = f"{base_url}{TOKEN}/sendMessage"
        query = urllib.parse.urlencode({"chat_id": "100", "text": "007"})
        async with http.get(f"{url}?{query}") as response:
            assert (await response.json())["result"]["text"] == "007"
        async with http.post(url, json={"chat_id": 100, "text": 42}) as response:
            assert (await response.json())["result"]["text"] == "42"
        form = {
            "chat_id": "100",
            "text": "x",
            "reply_markup": json.dumps(
                {"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]}
            ),
        }
        async with http.post(url, data=form) as response:
            assert (await response.json())["result"]["reply_markup"]["inline_keyboard"][0][0][
                "text"
            ] == "a"
        async with http.post(f"{base_url}WRONG/getMe") as response:
            assert response.status == 401
        async with http.post(f"{base_url}{TOKEN}/noSuchMethod") as response:
            assert response.status == 404


def test_decode_params_by_type():
    decoded = decode_params(
        {
            "chat_id": "5",
            "text": "5",
            "show_alert": "true",
            "parse_mode": "HTML",
            "caption": "[1]",
            "entities": "[]",
        }
    )
    assert decoded == {
        "chat_id": 5,
        "text": "5",
        "show_alert": True,
        "parse_mode": "HTML",
        "caption": "[1]",
        "entities": [],
    }


def test_uploaded_file_record():
    upload = UploadedFile("a.txt", "text/plain", 3, b"abc")
    assert "abc" not in repr(upload)


async def test_stopping_the_server_ends_a_long_poll(fake: FakeTelegram):
    loop = asyncio.get_running_loop()
    async with serve_http(fake) as base_url:
        ptb_bot = telegram.Bot(TOKEN, base_url=base_url)
        await ptb_bot.initialize()
        poll = asyncio.create_task(ptb_bot.get_updates(timeout=30))
        await fake.wait_for(lambda: len(fake.calls("getUpdates")) == 1)
        started = loop.time()
    assert await asyncio.wait_for(poll, 2) == ()
    assert loop.time() - started < 1
    await ptb_bot.shutdown()


async def test_unreadable_parameters_are_a_bad_request(fake: FakeTelegram):
    status, body = await fake.call(TOKEN, "deleteMessages", {"chat_id": 100, "message_ids": ["x"]})
    assert status == 400
    assert body["description"].startswith("Bad Request: can't read parameters")
