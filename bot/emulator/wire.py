"""Decoding Bot API parameters from the wire: query strings, forms and multipart bodies.

In those formats every value is a string. Clients (python-telegram-bot among them) send
non-string values JSON-encoded and strings raw, so only parameters whose Bot API type is not
String are JSON-decoded: a text "123" stays the string "123", a chat_id "123" becomes 123.
"""

import json
from typing import Any

# Bot API parameters of type String (or "InputFile or String"): never JSON-decoded.
STRING_PARAMS = frozenset(
    {
        "action",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "certificate",
        "custom_title",
        "description",
        "document",
        "emoji",
        "file_id",
        "first_name",
        "inline_message_id",
        "ip_address",
        "language_code",
        "last_name",
        "message_effect_id",
        "name",
        "parse_mode",
        "photo",
        "secret_token",
        "short_description",
        "text",
        "thumbnail",
        "title",
        "url",
        "audio",
        "video",
        "voice",
        "animation",
        "sticker",
        "video_note",
        "question",
        "explanation",
        "phone_number",
        "vcard",
        "payload",
        "currency",
        "game_short_name",
        "result_id",
        "query",
    }
)


def decode_value(name: str, value: Any) -> Any:
    """One parameter as the Bot API reads it."""
    if name in STRING_PARAMS:
        # A JSON body may carry a number where a String is expected; Telegram takes it as text.
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value  # e.g. chat_id "@channel": a string, as sent
    return value


def decode_params(raw: dict[str, Any]) -> dict[str, Any]:
    """All parameters of a request, decoded by their Bot API type."""
    return {name: decode_value(name, value) for name, value in raw.items()}
