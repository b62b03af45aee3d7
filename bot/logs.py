"""Logging set-up: levels, and a formatter that keeps secrets out of every log line.

python-telegram-bot puts the token into some exception messages ("The token `…` was
rejected"), and httpx logs request URLs, which contain it; so the whole formatted line,
traceback included, is redacted.
"""

import logging

REDACTED = "[redacted]"


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


def setup_logging(level: str, secrets: list[str]) -> None:
    """Log to stderr at `level`; never the token or the secret."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", secrets)
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and the URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
