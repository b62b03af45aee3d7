"""Everything the tests share: real procedure files, real SQLite files in a temporary folder,
the real bot against the emulator, and small helpers that read what a resident sees.

Tests import the helpers from here (`from tests.conftest import last, rows`); pytest finds
the fixtures by name.
"""

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import telegram

from bot.chat.buttons import VERSION
from bot.config import Settings
from bot.emulated import EmulatedBot
from bot.emulator import EmulatorRequest, FakeTelegram, serve_http
from bot.procedure import Procedure, load_procedure
from bot.resources import example_procedure
from bot.voting.buttons import Consent, Vote
from bot.voting.window import open_for
from storage import outbox

DATA = Path(__file__).parent / "data"
TEST_SECRET = "test-secret-0123456789abcdef"
STAFF, OTHER_STAFF = 999, 998  # in BOT_ADMINS of the test settings (only STAFF)
RESIDENT = 4242
FIRST_SUBSCRIBER = 50_000


# --- the procedure, the settings, the running bot -------------------------------------------


@pytest.fixture
def example() -> Procedure:
    """The shipped example procedure (Lübeck), all eight languages."""
    return load_procedure(example_procedure())


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for one test: its own database file, the shipped procedure, one staff id."""
    return Settings(
        database=tmp_path / "participation.db",
        procedure=example_procedure(),
        admins=frozenset({STAFF}),
        secret=TEST_SECRET,
    )


@pytest.fixture
async def running(settings: Settings) -> AsyncIterator[EmulatedBot]:
    """The real Application polling a FakeTelegram in this process."""
    bot = EmulatedBot(settings, load_procedure(settings.procedure))
    async with bot:
        yield bot


@pytest.fixture
async def voting(running: EmulatedBot) -> EmulatedBot:
    """The running bot with voting open for a month."""
    await open_window(running)
    return running


# --- what a resident sees ---------------------------------------------------------------------


def last(bot: EmulatedBot, user: int = RESIDENT) -> Any:
    """The latest message the bot sent (or edited) in a chat."""
    return bot.fake.last_bot_message(user)


def alert(bot: EmulatedBot) -> Any:
    """The latest answer to a button press (a pop-up when it has text)."""
    return list(bot.fake.answered_callbacks.values())[-1]


def alerts(bot: EmulatedBot) -> list[str]:
    """The texts of every pop-up the bot showed, oldest first."""
    return [a.text for a in bot.fake.answered_callbacks.values() if a.show_alert]


def buttons(message: Any) -> list[tuple[str, str]]:
    """(label, callback data) of every button under a message."""
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


def data(message: Any) -> list[str]:
    """The callback data of every button under a message."""
    return [pressed for _, pressed in buttons(message)]


def received(bot: EmulatedBot, user: int) -> list[str]:
    """The texts of the messages a chat got from the bot (as the reader sees them)."""
    return [m.plain_text or "" for m in bot.fake.bot_messages(user)]


def without_heading(text: str) -> str:
    """A news broadcast as a subscriber reads it, without its title ("📰 News: …")."""
    heading, _, body = text.partition("\n\n")
    assert heading.lstrip("\u200f").startswith("📰 "), text
    return body


def raw(kind: str, *args: str) -> str:
    """Callback data written by hand, as a modified client could send it (no validation)."""
    return ":".join((VERSION, kind, *args))


# --- the database, as an auditor with a copy of it would read it ----------------------------


def rows(path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Read the bot's database file directly."""
    with sqlite3.connect(path) as connection:
        return connection.execute(sql, params).fetchall()


# --- stories that many tests begin with -------------------------------------------------------


async def open_window(bot: EmulatedBot, days: int = 30) -> None:
    """Voting opens now, for `days` days."""
    await open_for(bot.services.database, days, "test.open")


async def agree(bot: EmulatedBot, user: int = RESIDENT, language: str = "en") -> None:
    """A resident starts the bot, opens "Set your priorities" and agrees."""
    bot.fake.add_user(user, language_code=language)
    await bot.send(user, "/start")
    await bot.press(user, Vote())
    await bot.press(user, Consent(True))


async def publish_news(bot: EmulatedBot, command: str, staff: int = STAFF) -> int:
    """Staff write `/news …` and press "Publish" under the preview; returns the press's
    update id."""
    await bot.send(staff, command)
    publish = [
        d for d in data(last(bot, staff)) if d.startswith("v1:newsdraft:") and d.endswith(":yes")
    ]
    assert len(publish) == 1, last(bot, staff).plain_text
    return await bot.press(staff, publish[0])


async def staff_sends(bot: EmulatedBot, command: str) -> str:
    """A staff member types a command in their chat; what the bot answers."""
    bot.fake.add_user(STAFF, language_code="en")
    await bot.send(STAFF, command)
    return str(last(bot, STAFF).plain_text)


async def add_subscribers(
    bot_or_path: EmulatedBot | Path, languages: list[str], first: int = FIRST_SUBSCRIBER
) -> list[int]:
    """Residents who subscribed earlier (written as the bot stores them), one per language."""
    bot = bot_or_path if isinstance(bot_or_path, EmulatedBot) else None
    path = bot_or_path.database_path if isinstance(bot_or_path, EmulatedBot) else bot_or_path
    # In a thread: the running bot may be in the middle of a transaction on the event loop.
    users = await asyncio.to_thread(_write_subscribers, path, languages, first)
    if bot is not None:
        for user, language in zip(users, languages, strict=True):
            bot.fake.add_user(user, language_code=language)
    return users


def _write_subscribers(path: Path, languages: list[str], first: int) -> list[int]:
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    users = []
    with sqlite3.connect(path, timeout=10) as connection:
        for n, language in enumerate(languages):
            user = first + n
            connection.execute(
                "INSERT INTO participants (user_id, chat_id, language, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (user, user, language, stamp, stamp),
            )
            connection.execute(
                "INSERT INTO subscriptions (chat_id, user_id, active, subscribed_at) "
                "VALUES (?, ?, 1, ?)",
                (user, user, stamp),
            )
            users.append(user)
    return users


async def finished(bot: EmulatedBot, broadcast_id: int, timeout: float = 20.0) -> outbox.Broadcast:
    """Wait until the broadcast is done or cancelled (the worker runs on its own: poll)."""
    for _ in range(int(timeout / 0.05)):
        found = await outbox.get(bot.services.database, broadcast_id)
        if found is not None and found.state in ("done", "cancelled"):
            return found
        await asyncio.sleep(0.05)
    raise TimeoutError(f"broadcast {broadcast_id} did not finish in {timeout} s")


# --- the emulator on its own, with real python-telegram-bot Bots ----------------------------

EMULATOR_TOKEN = "123456:TEST"


@pytest.fixture
def fake() -> FakeTelegram:
    """A FakeTelegram with two users."""
    fake = FakeTelegram(EMULATOR_TOKEN)
    fake.add_user(100, "Ana", "de")
    fake.add_user(200, "Bob", None, username="bob")
    return fake


@pytest.fixture
async def ptb_bot(fake: FakeTelegram) -> AsyncIterator[telegram.Bot]:
    """A real Bot talking to the fake in process."""
    bot = telegram.Bot(
        EMULATOR_TOKEN, request=EmulatorRequest(fake), get_updates_request=EmulatorRequest(fake)
    )
    async with bot:
        yield bot


@pytest.fixture
async def http_bot(fake: FakeTelegram) -> AsyncIterator[telegram.Bot]:
    """A real Bot with its default HTTPX backend, talking to the fake's HTTP front door."""
    async with serve_http(fake) as base_url:
        bot = telegram.Bot(EMULATOR_TOKEN, base_url=base_url)
        async with bot:
            yield bot
