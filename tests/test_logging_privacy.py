"""The log is free of personal data at every level, and a development secret is announced.

Logging is set up exactly as `participation-bot run` sets it up (bot.runner.prepare, with
BOT_LOG_LEVEL=DEBUG); a handler at the root then records every record that gets past the
configured levels, third-party ones included, and the bot's own stderr handler writes into a
buffer: what an operator would read. A whole conversation runs through the real application
on the emulator, and both are searched for the token, the secret, the voter key, the typed
texts and the resident's user id next to button data.
"""

import asyncio
import io
import logging
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import telegram

from bot.__main__ import main
from bot.broadcasting.buttons import Compose, Step
from bot.config import INSECURE_DEV_SECRET, Settings, load_settings
from bot.emulated import EmulatedBot
from bot.emulator import FakeTelegram, serve_http, start_http
from bot.logs import OWN_LOGGERS, QUIET_LOGGERS, REDACTED
from bot.procedure import Procedure
from bot.resources import example_procedure
from bot.runner import prepare
from bot.voting.buttons import FieldBallot, MyBallot, NoPreference, Pick, Vote
from bot.voting.voter import voter_key
from tests.conftest import STAFF, TEST_SECRET, agree, data, last, rows

TOKEN = "7012345678:AAHsecretTokenForTheLoggingTest_0123456"
RESIDENT_ID = 7_734_561_209  # a distinctive id: it must not be found by accident
TYPED = "my secret message 12345"
BROADCAST_TEXT = "Workshop on Monday in the town hall 67890"


# --- logging configured as `run` configures it, and everything it lets through -----------------


class Everything(logging.Handler):
    """Keeps every record that reaches the root logger's handlers."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def lines(self) -> list[str]:
        """Each record as unredacted text: message, exception and stack."""
        plain = logging.Formatter("%(levelname)s %(name)s: %(message)s")
        return [plain.format(record) for record in self.records]


class Captured:
    """What `run`'s logging let through: raw records, and the operator's stderr."""

    def __init__(self, everything: Everything, stderr: io.StringIO) -> None:
        self.everything = everything
        self.stderr = stderr

    def all_text(self) -> str:
        return "\n".join(self.everything.lines()) + "\n" + self.stderr.getvalue()


def _env(tmp_path: Path, level: str) -> dict[str, str]:
    return {
        "BOT_TOKEN": TOKEN,
        "BOT_SECRET": TEST_SECRET,
        "BOT_LOG_LEVEL": level,
        "BOT_DATABASE": str(tmp_path / "participation.db"),
        "BOT_PROCEDURE": str(example_procedure()),
        "BOT_ADMINS": str(STAFF),
    }


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Put the logging configuration back as it was: other tests must not log at DEBUG."""
    root = logging.getLogger()
    before = list(root.handlers), root.level
    names = {*logging.Logger.manager.loggerDict, *QUIET_LOGGERS, *OWN_LOGGERS}
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    for handler in root.handlers[:]:
        if handler not in before[0]:
            root.removeHandler(handler)
    root.setLevel(before[1])
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def _capture() -> Captured:
    """Redirect `run`'s stderr handler into a buffer and add a handler that keeps everything."""
    root = logging.getLogger()
    (configured,) = root.handlers
    assert isinstance(configured, logging.StreamHandler)
    stderr = io.StringIO()
    configured.setStream(stderr)
    everything = Everything()
    root.addHandler(everything)
    return Captured(everything, stderr)


@pytest.fixture
def captured(restore_logging: None, tmp_path: Path) -> tuple[Settings, Captured]:
    settings = prepare(load_settings({}, _env(tmp_path, "DEBUG")))
    return settings, _capture()


@pytest.fixture
def settings(captured: tuple[Settings, Captured]) -> Settings:
    """Overrides the shared fixture: `running` and `voting` start with `run`'s logging."""
    return captured[0]


@pytest.fixture
def log(captured: tuple[Settings, Captured]) -> Captured:
    return captured[1]


def _canaries() -> None:
    """One line of ours and one of a library below WARNING: proves the capture works."""
    logging.getLogger("bot.chat").debug("canary of ours")
    logging.getLogger("telegram.ext.ExtBot").debug("canary of a library")
    logging.getLogger("some.other.library").debug("canary of an unlisted library")


def _assert_third_party_quiet(log: Captured) -> None:
    def own(name: str) -> bool:
        return any(name == o or name.startswith(o + ".") for o in OWN_LOGGERS)

    quiet = [
        (r.name, r.levelname)
        for r in log.everything.records
        if r.levelno < logging.WARNING
        and any(r.name == q or r.name.startswith(q + ".") for q in QUIET_LOGGERS)
    ]
    assert quiet == [], "library loggers got past WARNING"
    written = [line for line in log.stderr.getvalue().splitlines() if line[:4].isdigit()]
    below = [
        line
        for line in written
        if line.split()[2] in ("DEBUG", "INFO") and not own(line.split()[3].rstrip(":"))
    ]
    assert below == [], "the stderr handler wrote a library's line below WARNING"
    text = log.all_text()
    assert "canary of ours" in log.stderr.getvalue()
    assert "canary of a library" not in text
    assert "canary of an unlisted library" not in log.stderr.getvalue()


def _assert_no_secrets(log: Captured) -> None:
    text = log.all_text()
    assert TOKEN not in text
    assert TOKEN.split(":")[1] not in text
    assert TEST_SECRET not in text


# --- the levels ----------------------------------------------------------------------------


def test_run_at_debug_keeps_the_libraries_at_warning_and_ours_at_debug(restore_logging, tmp_path):
    prepare(load_settings({}, _env(tmp_path, "DEBUG")))
    assert logging.getLogger().level == logging.DEBUG
    for name in ("telegram", "telegram.ext", "httpx", "httpcore", "aiosqlite", "apscheduler"):
        assert logging.getLogger(name).getEffectiveLevel() == logging.WARNING, name
    for name in ("telegram.ext.ExtBot", "telegram.ext.Application", "telegram.ext.Updater"):
        assert not logging.getLogger(name).isEnabledFor(logging.INFO), name
    for name in ("bot.chat.screens", "bot.runner", "storage.db"):
        assert logging.getLogger(name).isEnabledFor(logging.DEBUG), name


def test_run_at_error_keeps_the_libraries_at_error_too(restore_logging, tmp_path):
    prepare(load_settings({}, _env(tmp_path, "ERROR")))
    assert logging.getLogger("telegram").getEffectiveLevel() == logging.ERROR
    assert logging.getLogger("bot.runner").getEffectiveLevel() == logging.ERROR


def test_a_library_logger_turned_up_later_is_still_filtered(log):
    logging.getLogger("telegram.ext.Updater").setLevel(logging.DEBUG)
    logging.getLogger("telegram.ext.Updater").debug("turned up %s", RESIDENT_ID)
    assert str(RESIDENT_ID) not in log.stderr.getvalue()


# --- a whole conversation at DEBUG ---------------------------------------------------------


async def _conversation(bot: EmulatedBot, example: Procedure) -> list[str]:
    """A resident agrees, votes in several fields, writes, reads their ballot; staff act.

    Returns the callback data the resident pressed or was shown."""
    pressed: list[str] = []
    await agree(bot, RESIDENT_ID)
    for field in example.fields[:3]:
        await bot.press(RESIDENT_ID, FieldBallot(field))
        for goal in field.goals[:2]:
            choice = Pick(field, goal, True)
            pressed.append(choice.pack())
            await bot.press(RESIDENT_ID, choice)
        await bot.press(RESIDENT_ID, Vote())
    skipped = NoPreference(example.fields[3])
    pressed.append(skipped.pack())
    await bot.press(RESIDENT_ID, FieldBallot(example.fields[3]))
    await bot.press(RESIDENT_ID, skipped)
    await bot.press(RESIDENT_ID, Vote())
    await bot.press(RESIDENT_ID, MyBallot())
    await bot.send(RESIDENT_ID, TYPED)
    await bot.send(RESIDENT_ID, "/myballot")
    await bot.send(RESIDENT_ID, "/subscribe")
    pressed.extend(data(last(bot, RESIDENT_ID)))

    bot.fake.add_user(STAFF, language_code="en")
    await bot.send(STAFF, "/voting")
    await bot.send(STAFF, "/broadcast")
    await bot.send(STAFF, BROADCAST_TEXT)
    await bot.press(STAFF, Compose(Step.SKIP_REST))
    await bot.press(STAFF, Compose(Step.AUDIENCE_DONE))
    await bot.press(STAFF, Compose(Step.NEWS))
    await bot.press(STAFF, Compose(Step.NOW))
    await bot.press(STAFF, Compose(Step.SEND))
    for _ in range(200):  # the worker delivers on its own
        if any(BROADCAST_TEXT in (m.plain_text or "") for m in bot.fake.bot_messages(RESIDENT_ID)):
            break
        await asyncio.sleep(0.05)
    return pressed


async def test_a_whole_conversation_at_debug_logs_no_personal_data(voting, example, log):
    _canaries()
    pressed = await _conversation(voting, example)
    assert rows(voting.database_path, "SELECT COUNT(*) FROM ballots")[0][0] >= 6
    # The broadcast reached the subscribed resident: the worker ran and could have logged.
    assert any(
        BROADCAST_TEXT in (m.plain_text or "") for m in voting.fake.bot_messages(RESIDENT_ID)
    )

    _assert_third_party_quiet(log)
    _assert_no_secrets(log)
    text = log.all_text()
    key = voter_key(TEST_SECRET, RESIDENT_ID)
    assert key not in text and key[:16] not in text
    assert TYPED not in text and BROADCAST_TEXT not in text
    assert not re.search(rf"(?<!\d){RESIDENT_ID}(?!\d)", text), "the resident's id is logged"
    for button in pressed:
        assert button not in text, f"button data {button} is logged"


async def test_the_http_front_door_and_httpx_log_nothing_at_debug(log):
    _canaries()
    fake = FakeTelegram(TOKEN)
    fake.add_user(RESIDENT_ID, "Ana", "de")
    async with serve_http(fake) as base_url:
        async with telegram.Bot(TOKEN, base_url=base_url) as bot:
            await bot.send_message(RESIDENT_ID, TYPED)
            fake.user_sends(RESIDENT_ID, "a reply 24680")
            await bot.get_updates(timeout=0)
    _assert_third_party_quiet(log)
    _assert_no_secrets(log)
    text = log.all_text()
    for leak in (TYPED, "a reply 24680", str(RESIDENT_ID)):
        assert leak not in text


def test_the_formatter_redacts_the_token_and_the_secret_it_was_given(log):
    logging.getLogger("bot.runner").warning("token %s secret %s", TOKEN, TEST_SECRET)
    written = log.stderr.getvalue()
    assert TOKEN not in written and TEST_SECRET not in written
    assert written.count(REDACTED) >= 2


# --- run --insecure-dev-secret ---------------------------------------------------------------

WARNED = "--insecure-dev-secret"


def _without_secret(tmp_path: Path, level: str = "INFO") -> dict[str, str]:
    env = _env(tmp_path, level)
    del env["BOT_SECRET"]
    return env


@pytest.mark.parametrize("level", ["DEBUG", "INFO", "WARNING", "ERROR"])
def test_the_dev_secret_is_announced_on_stderr_at_every_log_level(
    restore_logging, tmp_path, capsys, level
):
    settings = prepare(
        load_settings({}, _without_secret(tmp_path, level)), insecure_dev_secret=True
    )
    assert settings.secret == INSECURE_DEV_SECRET
    err = capsys.readouterr().err
    assert WARNED in err and "NOT private" in err and "BOT_SECRET" in err
    assert err.count("NOT private") == 1
    assert INSECURE_DEV_SECRET not in err


def test_a_dev_secret_set_by_hand_is_announced_too(restore_logging, tmp_path, capsys):
    env = _env(tmp_path, "INFO") | {"BOT_SECRET": INSECURE_DEV_SECRET}
    prepare(load_settings({}, env))
    assert "NOT private" in capsys.readouterr().err


def test_a_real_secret_wins_over_the_flag_and_nothing_is_announced(
    restore_logging, tmp_path, capsys
):
    settings = prepare(load_settings({}, _env(tmp_path, "INFO")), insecure_dev_secret=True)
    assert settings.secret == TEST_SECRET
    assert "NOT private" not in capsys.readouterr().err


class _FrontDoorThread:
    """The emulator's HTTP front door on a loop of its own: `run` blocks the main thread."""

    def __init__(self, fake: FakeTelegram) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._door = asyncio.run_coroutine_threadsafe(start_http(fake), self._loop).result(10)
        self.base_url = self._door.base_url

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self._door.stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


def test_run_with_the_dev_secret_warns_at_start(restore_logging, tmp_path, capsys, monkeypatch):
    """The whole command, as far as Telegram (the emulator, which rejects this token)."""
    for name in ("BOT_SECRET", "BOT_TOKEN", "BOT_API_URL", "BOT_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    door = _FrontDoorThread(FakeTelegram("111:ANOTHER-bot-token"))
    loop = asyncio.new_event_loop()  # run_polling runs on the current loop; closed below
    asyncio.set_event_loop(loop)
    try:
        code = main(
            [
                "run",
                "--insecure-dev-secret",
                "--token",
                TOKEN,
                "--api-url",
                door.base_url,
                "--database",
                str(tmp_path / "p.db"),
            ]
        )
    finally:
        loop.close()
        asyncio.set_event_loop(None)
        door.close()
    err = capsys.readouterr().err
    assert code == 2 and "rejected the token" in err  # it got as far as Telegram
    assert WARNED in err and "NOT private" in err
    assert err.index("NOT private") < err.index("rejected the token")
    assert TOKEN not in err
