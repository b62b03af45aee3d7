"""Fixtures for the emulator's own tests: a FakeTelegram and real python-telegram-bot Bots."""

from collections.abc import AsyncIterator

import pytest
import telegram

from bot.emulator import EmulatorRequest, FakeTelegram, serve_http

TOKEN = "123456:TEST"


@pytest.fixture
def fake() -> FakeTelegram:
    fake = FakeTelegram(TOKEN)
    fake.add_user(100, "Ana", "de")
    fake.add_user(200, "Bob", None, username="bob")
    return fake


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[telegram.Bot]:
    """A real Bot talking to the fake in process."""
    bot = telegram.Bot(
        TOKEN, request=EmulatorRequest(fake), get_updates_request=EmulatorRequest(fake)
    )
    async with bot:
        yield bot


@pytest.fixture
async def http_bot(fake: FakeTelegram) -> AsyncIterator[telegram.Bot]:
    """A real Bot with its default HTTPX backend, talking to the fake's HTTP front door."""
    async with serve_http(fake) as base_url:
        bot = telegram.Bot(TOKEN, base_url=base_url)
        async with bot:
            yield bot
