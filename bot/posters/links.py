"""The deep links posters carry, and the bot username they are built on.

The payloads are the ones /start understands (bot/welcome/start.py): `lang-<code>` greets in
that language and keeps it, `field-<id>` opens that action field. Telegram allows only
A-Z, a-z, 0-9, "_" and "-" in a start parameter (at most 64 characters), so a field whose id
has a "." cannot get a link of its own.
"""

import re

from bot.procedure import Field

# Telegram: 5 to 32 characters, letters, digits and underscores; a bot's ends in "bot".
_USERNAME = re.compile(r"^[A-Za-z0-9_]{5,32}$")
_PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class LinkError(ValueError):
    """A username or a field that no link can be made for; the message says why."""


def bot_username(raw: str) -> str:
    """The bot's username as given by staff (an "@" in front is allowed), checked."""
    name = raw.strip().removeprefix("@")
    if not _USERNAME.fullmatch(name) or not name.lower().endswith("bot"):
        raise LinkError(
            f"--bot-username {raw!r}: a bot's username has 5 to 32 letters (a-z), digits and "
            "underscores and ends in 'bot', e.g. luebeck_participation_bot"
        )
    return name


def language_payload(language: str) -> str:
    """The payload that greets in `language` and keeps it."""
    return f"lang-{language}"


def field_payload(field: Field) -> str:
    """The payload that opens the action field."""
    payload = f"field-{field.id}"
    if not _PAYLOAD.fullmatch(payload):
        raise LinkError(
            f"--field {field.id}: Telegram allows only letters, digits, '_' and '-' in a link, "
            "so this field's id cannot be in one; rename it in the procedure file"
        )
    return payload


def deep_link(username: str, payload: str) -> str:
    """https://t.me/<bot>?start=<payload>."""
    return f"https://t.me/{username}?start={payload}"
