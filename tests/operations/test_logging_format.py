"""BOT_LOG_FORMAT: text for people, JSON lines for a log collector; one event per line, UTC
times, and the privacy rules of tests/test_logging_privacy.py in both.

Logging is set up as `participation-bot run` sets it up (bot.runner.prepare); the bot's own
stderr handler writes into a buffer, which is what an operator's log collector would read.
"""

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings
from bot.logs import OWN_LOGGERS, QUIET_LOGGERS, REDACTED, setup_logging
from bot.runner import prepare
from bot.voting.voter import voter_key
from tests.conftest import TEST_SECRET, rows
from tests.test_logging_privacy import (
    BROADCAST_TEXT,
    RESIDENT_ID,
    TOKEN,
    TYPED,
    Captured,
    _capture,
    _conversation,
    _env,
)

UTC_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Put the logging configuration back as it was: other tests must not log at DEBUG."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    names = {*logging.Logger.manager.loggerDict, *QUIET_LOGGERS, *OWN_LOGGERS}
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, before in levels.items():
        logging.getLogger(name).setLevel(before)


def _json_env(tmp_path: Path, level: str = "DEBUG") -> dict[str, str]:
    return _env(tmp_path, level) | {"BOT_LOG_FORMAT": "json"}


@pytest.fixture
def captured(restore_logging: None, tmp_path: Path) -> tuple[Settings, Captured]:
    settings = prepare(load_settings({}, _json_env(tmp_path)))
    return settings, _capture()


@pytest.fixture
def settings(captured: tuple[Settings, Captured]) -> Settings:
    """Overrides the shared fixture: `running` and `voting` start with `run`'s JSON logging."""
    return captured[0]


@pytest.fixture
def log(captured: tuple[Settings, Captured]) -> Captured:
    return captured[1]


def entries(text: str) -> list[dict[str, str]]:
    """Each line of the log as JSON; fails on a line that is not one JSON object."""
    found = []
    for line in text.splitlines():
        entry = json.loads(line)
        assert isinstance(entry, dict), line
        found.append(entry)
    return found


def _assert_entry_shape(entry: dict[str, str]) -> None:
    assert {"time", "level", "logger", "message"} <= entry.keys() <= {
        "time", "level", "logger", "message", "exception", "stack",
    }  # fmt: skip
    assert UTC_TIME.match(entry["time"]), entry["time"]
    assert datetime.fromisoformat(entry["time"]).utcoffset() is not None
    assert entry["level"] in LEVELS


# --- a whole conversation at DEBUG, in JSON -------------------------------------------------


async def test_a_whole_conversation_at_debug_is_json_lines_without_personal_data(
    voting, example, log
):
    logging.getLogger("bot.chat").debug("canary of ours")
    logging.getLogger("telegram.ext.ExtBot").debug("canary of a library")
    pressed = await _conversation(voting, example)
    assert rows(voting.database_path, "SELECT COUNT(*) FROM ballots")[0][0] >= 6

    written = log.stderr.getvalue()
    logged = entries(written)
    assert len(logged) >= 2
    for entry in logged:
        _assert_entry_shape(entry)
    messages = [e["message"] for e in logged]
    assert "canary of ours" in messages and "canary of a library" not in messages
    below = [e for e in logged if e["level"] in ("DEBUG", "INFO")]
    assert all(e["logger"].split(".")[0] in ("bot", "storage", "__main__") for e in below)

    # The same rules as in text: no secret, no voter key, no texts, ids or button data.
    text = log.all_text()
    assert TOKEN not in text and TOKEN.split(":")[1] not in text and TEST_SECRET not in text
    key = voter_key(TEST_SECRET, RESIDENT_ID)
    assert key not in text and key[:16] not in text
    assert TYPED not in text and BROADCAST_TEXT not in text
    assert not re.search(rf"(?<!\d){RESIDENT_ID}(?!\d)", text), "the resident's id is logged"
    for button in pressed:
        assert button not in text, f"button data {button} is logged"


# --- one line per event ---------------------------------------------------------------------


def _failure() -> None:
    try:
        raise ValueError(f"first line\nsecond line with {TOKEN}")
    except ValueError:
        logging.getLogger("bot.chat.errors").exception("update 17 failed: %s", "ValueError")


def test_an_exception_is_one_field_of_one_line_in_json(log):
    _failure()
    (entry,) = entries(log.stderr.getvalue())
    _assert_entry_shape(entry)
    assert (entry["level"], entry["logger"]) == ("ERROR", "bot.chat.errors")
    assert entry["message"] == "update 17 failed: ValueError"
    assert entry["exception"].startswith("Traceback (most recent call last):")
    assert "second line with" in entry["exception"] and "\n" in entry["exception"]
    assert TOKEN not in log.stderr.getvalue() and REDACTED in entry["exception"]


def test_a_secret_with_quotes_and_backslashes_is_redacted_before_it_is_encoded(restore_logging):
    awkward = 'a"quoted\\secret-0123456789-XYZ'
    setup_logging("DEBUG", [awkward], "json")
    stream = _stream()
    logging.getLogger("bot.runner").warning("secret %s", awkward)
    written = stream.getvalue()
    assert awkward not in written and json.dumps(awkward)[1:-1] not in written
    assert entries(written)[0]["message"] == f"secret {REDACTED}"


def test_text_is_one_line_per_event_in_utc_with_the_traceback_indented(
    restore_logging,
    tmp_path,
):
    prepare(load_settings({}, _env(tmp_path, "INFO")))
    stream = _stream()
    logging.getLogger("bot.runner").info("starting: procedure %s", "example")
    _failure()
    lines = stream.getvalue().splitlines()
    events = [line for line in lines if not line.startswith("  ")]
    assert len(events) == 2
    assert re.match(
        r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z INFO bot\.runner: starting", events[0]
    )
    assert " ERROR bot.chat.errors: update 17 failed: ValueError" in events[1]
    assert "  Traceback (most recent call last):" in lines
    assert TOKEN not in stream.getvalue() and REDACTED in stream.getvalue()


def _stream() -> io.StringIO:
    """Point the configured stderr handler at a buffer."""
    (handler,) = logging.getLogger().handlers
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    handler.setStream(buffer)
    return buffer


# --- the setting ----------------------------------------------------------------------------


def test_the_format_is_text_by_default_and_json_on_request(tmp_path):
    assert load_settings({}, {}).log_format == "text"
    assert load_settings({}, {"BOT_LOG_FORMAT": "JSON"}).log_format == "json"
    assert load_settings({"log_format": "text"}, {"BOT_LOG_FORMAT": "json"}).log_format == "text"


def test_an_unknown_format_is_refused_in_one_line_naming_the_setting():
    with pytest.raises(ConfigError) as refused:
        load_settings({}, {"BOT_LOG_FORMAT": "yaml"})
    message = str(refused.value)
    assert message.startswith("BOT_LOG_FORMAT (--log-format): 'yaml' is not one of text, json")
    assert "\n" not in message
