"""`participation-bot run` as a real process against the emulator's HTTP front door."""

import asyncio
import os
import signal
import sys

from bot.emulator import FakeTelegram, serve_http
from bot.voting.buttons import FieldList, FieldPage
from bot.welcome.buttons import Language, Languages
from tests.conftest import RESIDENT

TOKEN = "987654321:AAEend-to-end-token-for-the-emulator-xyz"


async def test_run_process_serves_start_language_and_a_field_then_stops_cleanly(tmp_path, example):
    fake = FakeTelegram(token=TOKEN)
    fake.add_user(RESIDENT, "Resident", language_code="en")
    async with serve_http(fake) as base_url:
        env = {
            **os.environ,
            "BOT_TOKEN": TOKEN,
            "BOT_API_URL": base_url,
            "BOT_DATABASE": str(tmp_path / "e2e.db"),
            "BOT_SECRET": "end-to-end-secret-0123456789",
            "BOT_LOG_LEVEL": "INFO",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run",
            env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            # Start-up registers the commands per language before polling.
            await fake.wait_for(lambda: len(fake.calls("setMyCommands")) >= 9, timeout=30)
            await fake.wait_for(lambda: bool(fake.calls("getUpdates")), timeout=30)

            fake.user_sends(RESIDENT, "/start")
            await fake.wait_for(lambda: bool(fake.bot_messages(RESIDENT)), timeout=10)
            greeting = fake.last_bot_message(RESIDENT)
            assert example.title["en"] in greeting.text

            fake.user_presses(RESIDENT, greeting.message_id, Languages().pack())
            await fake.wait_for(
                lambda: "Polski" in str(fake.last_bot_message(RESIDENT).reply_markup), timeout=10
            )
            fake.user_presses(RESIDENT, greeting.message_id, Language("pl").pack())
            await fake.wait_for(
                lambda: example.title["pl"] in fake.last_bot_message(RESIDENT).text, timeout=10
            )
            field = example.fields[0]
            fake.user_presses(RESIDENT, greeting.message_id, FieldList().pack())
            await fake.wait_for(
                lambda: (
                    FieldPage(field).pack() in str(fake.last_bot_message(RESIDENT).reply_markup)
                ),
                timeout=10,
            )
            fake.user_presses(RESIDENT, greeting.message_id, FieldPage(field).pack())
            await fake.wait_for(
                lambda: field.guiding_goal["pl"] in fake.last_bot_message(RESIDENT).text,
                timeout=10,
            )
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "Traceback" not in log
    assert TOKEN not in log
    assert "stopped" in log
