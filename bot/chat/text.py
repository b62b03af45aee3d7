"""Telegram HTML text: escaping what the procedure file or a user wrote, the plain text a
reader sees, and the length Telegram counts (limits are in UTF-16 code units)."""

import html
import re

MAX_MESSAGE = 4096  # Telegram's limit for one message, counted after formatting
_TAG = re.compile(r"<[^>]+>")


def escape(text: str) -> str:
    """Text from the procedure file or a user, made safe inside an HTML message."""
    # Quotes need no escaping outside attributes, and &#x27; would only confuse tests and logs.
    return html.escape(text, quote=False)


def plain(text_html: str) -> str:
    """Telegram HTML without its tags and entities, as the reader sees it."""
    return html.unescape(_TAG.sub("", text_html))


def visible_length(text_html: str) -> int:
    """The length Telegram counts: formatting removed, entities decoded, UTF-16 code units."""
    return len(plain(text_html).encode("utf-16-le")) // 2
