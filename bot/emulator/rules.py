"""Telegram's rules for what a bot may send: text, captions, keyboards, commands.

Each check returns the normalised value or raises ApiError with Telegram's own wording, so the
bot under test meets the same refusals it would meet in production.
"""

import re
from typing import Any

from bot.emulator.errors import (
    BUTTON_DATA_INVALID,
    CAPTION_TOO_LONG,
    TEXT_EMPTY,
    TEXT_TOO_LONG,
    bad_request,
)
from bot.emulator.html_text import parse_html, utf16_len
from bot.emulator.markdown import parse_markdown, parse_markdown_v2

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64  # bytes of UTF-8
MAX_BUTTONS = 100
MAX_ANSWER_TEXT = 200
MAX_COMMANDS = 100
# Exactly one of these makes an inline button do something.
INLINE_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
    "web_app",
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_URL = re.compile(r"(https?|tg)://\S+", re.IGNORECASE)

Entities = list[dict[str, Any]]


def parse_text(text: str, parse_mode: str | None, entities: Any = None) -> tuple[str, Entities]:
    """The plain text and entities Telegram derives from text + parse_mode (or entities)."""
    mode = (parse_mode or "").lower()
    if not mode:
        return text, list(entities) if isinstance(entities, list) else []
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return parse_markdown(text)
    raise bad_request(f"unsupported parse_mode {parse_mode}")


def check_text(text: Any, parse_mode: str | None, entities: Any = None) -> tuple[str, Entities]:
    """A message text: 1-4096 UTF-16 units once entities are parsed out."""
    if not isinstance(text, str) or not text.strip():
        raise bad_request(TEXT_EMPTY)
    plain, found = parse_text(text, parse_mode, entities)
    if not plain.strip():
        raise bad_request(TEXT_EMPTY)
    if utf16_len(plain) > MAX_TEXT:
        raise bad_request(TEXT_TOO_LONG)
    return plain, found


def check_caption(
    caption: Any, parse_mode: str | None, entities: Any = None
) -> tuple[str, Entities]:
    """A media caption: 0-1024 UTF-16 units once entities are parsed out."""
    if caption is None or caption == "":
        return "", []
    plain, found = parse_text(str(caption), parse_mode, entities)
    if utf16_len(plain) > MAX_CAPTION:
        raise bad_request(CAPTION_TOO_LONG)
    return plain, found


def _rows(markup: dict[str, Any], key: str) -> list[list[Any]]:
    rows = markup[key]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{key}" must be an Array of Arrays')
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise bad_request("reply markup is too long")
    return rows


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    if not isinstance(button.get("text"), str) or not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [key for key in INLINE_ACTIONS if key in button]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise bad_request(
            "can't parse inline keyboard button: only one of the optional fields may be used"
        )
    data = button.get("callback_data")
    if "callback_data" in button and (
        not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA
    ):
        raise bad_request(BUTTON_DATA_INVALID)
    if "url" in button and not (isinstance(button["url"], str) and _URL.fullmatch(button["url"])):
        raise bad_request("BUTTON_URL_INVALID")


def _check_reply_button(button: Any) -> None:
    text = (
        button
        if isinstance(button, str)
        else button.get("text")
        if isinstance(button, dict)
        else None
    )
    if not isinstance(text, str) or not text.strip():
        raise bad_request("BUTTON_TEXT_INVALID")


def check_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate any of the four reply markups; None stays None."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        for row in _rows(markup, "inline_keyboard"):
            for button in row:
                _check_inline_button(button)
    elif "keyboard" in markup:
        rows = _rows(markup, "keyboard")
        if not any(rows):
            raise bad_request("keyboard must be non-empty")
        for row in rows:
            for button in row:
                _check_reply_button(button)
    elif not markup.get("remove_keyboard") and not markup.get("force_reply"):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def check_answer_text(text: Any) -> str | None:
    """The notification text of answerCallbackQuery: at most 200 characters."""
    if text is None:
        return None
    if utf16_len(str(text)) > MAX_ANSWER_TEXT:
        raise bad_request("MESSAGE_TOO_LONG")
    return str(text)


def check_commands(commands: Any) -> list[dict[str, str]]:
    """setMyCommands: up to 100 commands, names 1-32 of [a-z0-9_], descriptions 1-256."""
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > MAX_COMMANDS:
        raise bad_request("too many commands")
    checked = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand")
        name = str(item.get("command", "")).removeprefix("/")
        description = str(item.get("description", ""))
        if not _COMMAND.fullmatch(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description.strip()) <= 256:
            raise bad_request(
                "command description is empty"
                if not description.strip()
                else "BOT_COMMAND_DESCRIPTION_INVALID"
            )
        checked.append({"command": name, "description": description})
    return checked


def require_language_code(code: Any) -> str:
    """Commands' language_code: empty (all languages) or a two-letter ISO 639-1 code."""
    text = "" if code is None else str(code)
    if text and not re.fullmatch(r"[a-z]{2}", text):
        raise bad_request("invalid language code specified")
    return text
