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
"""

import logging

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


class RedactingFormatter(logging.Formatter):
    """Formats a record, then replaces every secret in the result."""

    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self._secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        """The formatted line with the token and the secret replaced."""
        text = super().format(record)
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


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


def setup_logging(level: str, secrets: list[str]) -> None:
    """Log to stderr at `level`; never the token or the secret, never personal data."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    handler.addFilter(LibraryFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # WARNING, or higher if BOT_LOG_LEVEL asks for less (ERROR).
    quiet = max(logging.WARNING, root.level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(quiet)
