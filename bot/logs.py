"""Logging set-up: levels, and a formatter that keeps secrets out of every log line.

python-telegram-bot puts the token into some exception messages ("The token `…` was
rejected"), and httpx logs request URLs, which contain it; so the whole formatted line,
traceback included, is redacted.

Personal data stays out of the log at every level, DEBUG included. At DEBUG,
python-telegram-bot logs every update and every Bot API call with its parameters (user ids
next to button data, message texts) and aiosqlite logs every statement with its values
(ballot rows): so the libraries' loggers stay at WARNING whatever BOT_LOG_LEVEL says, and the
handler drops anything below WARNING that does not come from this project's own loggers
(`bot.*`, `storage.*`), which log update ids and kinds, never who pressed what or wrote what.

Two formats (BOT_LOG_FORMAT), one event per line, times in UTC (ISO 8601):
- text (default), for people: `2026-12-04 10:15:00.123Z INFO bot.runner: starting: …`; a
  traceback follows on lines indented by two spaces, so every event starts at the margin;
- json, for a log collector: one JSON object per line with `time`, `level`, `logger`,
  `message`, and `exception` (the whole traceback in one string) when there is one.
Both redact the same secrets from every field and pass the same records.
"""

import json
import logging
import time
from datetime import UTC, datetime

REDACTED = "[redacted]"
# Our own loggers: these follow BOT_LOG_LEVEL. `__main__` is bot/__main__.py under `python -m`.
OWN_LOGGERS = ("bot", "storage", "__main__")
# Libraries that log personal data or the token below WARNING: held at WARNING (or above).
QUIET_LOGGERS = (
    "telegram",
    "telegram.ext",
    "httpx",
    "httpcore",
    "aiosqlite",
    "apscheduler",
    "aiohttp",  # the emulator's HTTP front door (tests, benchmarks) logs request URLs
)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _redacted(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


class RedactingFormatter(logging.Formatter):
    """Formats a record as text (UTC times), then replaces every secret in the result."""

    default_time_format = "%Y-%m-%d %H:%M:%S"
    default_msec_format = "%s.%03dZ"

    @staticmethod
    def converter(seconds: float | None) -> time.struct_time:
        """Times in UTC, whatever the machine's timezone."""
        return time.gmtime(seconds)

    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self._secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        """The formatted event with the token and the secret replaced; the lines after the
        first (a traceback, a message with line breaks) indented."""
        text = _redacted(super().format(record), self._secrets)
        return text.replace("\n", "\n  ")


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON, each field redacted before it is encoded (a
    secret with a quote or a backslash would not be found once escaped)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        """`{"time": …, "level": …, "logger": …, "message": …[, "exception": …]}`."""
        moment = datetime.fromtimestamp(record.created, UTC)
        entry = {
            "time": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": _redacted(record.getMessage(), self._secrets),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = _redacted(record.exc_text, self._secrets)
        if record.stack_info:
            entry["stack"] = _redacted(self.formatStack(record.stack_info), self._secrets)
        return json.dumps(entry, ensure_ascii=False)


def _own(name: str) -> bool:
    return any(name == own or name.startswith(own + ".") for own in OWN_LOGGERS)


class LibraryFilter(logging.Filter):
    """Lets through our own records at any level, other loggers' only from WARNING up.

    A second line of defence behind the levels in QUIET_LOGGERS: it also holds if a library
    logger not listed there, or a child logger given its own level, logs below WARNING.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """True if the record may be written."""
        return record.levelno >= logging.WARNING or _own(record.name)


def setup_logging(level: str, secrets: list[str], log_format: str = "text") -> None:
    """Log to stderr at `level`, as text or JSON lines (`log_format`); never the token or the
    secret, never personal data."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter(secrets))
    else:
        handler.setFormatter(RedactingFormatter(TEXT_FORMAT, secrets))
    handler.addFilter(LibraryFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # WARNING, or higher if BOT_LOG_LEVEL asks for less (ERROR).
    quiet = max(logging.WARNING, root.level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(quiet)
