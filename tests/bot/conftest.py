"""A running bot against the emulator, with a real SQLite file and the real catalogs."""

import pytest

from bot.emulated import EmulatedBot
from bot.procedure_file import load_procedure


@pytest.fixture
async def running(settings):
    """The real Application polling a FakeTelegram in this process."""
    bot = EmulatedBot(settings, load_procedure(settings.procedure))
    async with bot:
        yield bot
