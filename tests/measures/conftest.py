"""Fixtures of the measures round: a small procedure with one (tests/data/measures.toml, de and
en, three measures from the file, 100,000 € budget), the bot running it, windows opened."""

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import Settings
from bot.emulated import EmulatedBot
from bot.measures.windows import Round, open_measures_for
from bot.procedure import Procedure, load_procedure

MEASURES_FILE = Path(__file__).resolve().parent.parent / "data" / "measures.toml"


@pytest.fixture
def measures_procedure() -> Procedure:
    """The small procedure with a measures round."""
    return load_procedure(MEASURES_FILE)


@pytest.fixture
async def measures_bot(settings: Settings) -> AsyncIterator[EmulatedBot]:
    """The real Application running the small procedure with a measures round (both measures
    windows as the file says: in 2027, so not open yet)."""
    settings = replace(settings, procedure=MEASURES_FILE)
    bot = EmulatedBot(settings, load_procedure(MEASURES_FILE))
    async with bot:
        yield bot


async def open_round(bot: EmulatedBot, which: Round, days: int = 30) -> None:
    """Open the proposal or the budget-voting window now, for `days` days."""
    await open_measures_for(bot.services.database, which, days, "test.open")
