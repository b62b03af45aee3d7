"""Messages as a terminal shows them, for `participation-bot demo`.

Text comes out plain (tags stripped, entities decoded); buttons are numbered [1], [2] ...
row by row, and `press_number` presses button k of the latest bot message (or sends the label
of a reply-keyboard button, which is what a Telegram client does).
"""

from typing import Any

from bot.emulator.records import MessageRecord
from bot.emulator.state import FakeTelegram


def button_labels(record: MessageRecord) -> list[str]:
    """Labels of the message's buttons (inline or reply keyboard), row by row."""
    markup = record.reply_markup or {}
    rows: list[list[Any]] = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [b if isinstance(b, str) else str(b.get("text", "")) for row in rows for b in row]


def render_message(record: MessageRecord) -> str:
    """Plain text of a message with its buttons numbered [1], [2] ... one row per line."""
    lines: list[str] = []
    if record.document is not None:
        upload = record.document
        lines.append(f"[file {upload.filename}, {upload.mime_type}, {upload.size} bytes]")
    if record.photo is not None:
        lines.append(f"[photo {record.photo.filename}, {record.photo.size} bytes]")
    text = record.plain_text if record.plain_text is not None else record.caption_plain
    if text:
        lines.append(text)
    markup = record.reply_markup or {}
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    number = 1
    for row in rows:
        cells = []
        for button in row:
            label = button if isinstance(button, str) else button.get("text", "")
            link = f" -> {button['url']}" if isinstance(button, dict) and "url" in button else ""
            cells.append(f"[{number}] {label}{link}")
            number += 1
        lines.append("  ".join(cells))
    if record.edit_count:
        lines.append(f"(edited{f' {record.edit_count}x' if record.edit_count > 1 else ''})")
    return "\n".join(lines)


def press_number(fake: FakeTelegram, user_id: int, number: int) -> int:
    """Press button `number` (1-based, as rendered) of the latest bot message with buttons.

    Inline buttons send a callback query; reply-keyboard buttons send their label as text.
    Returns the update_id; ValueError if there is no such button.
    """
    messages = [m for m in fake.bot_messages(user_id) if button_labels(m)]
    if not messages:
        raise ValueError("no message with buttons")
    latest = messages[-1]
    if latest.buttons:
        return fake.press(user_id, index=number - 1, message_id=latest.message_id)
    labels = button_labels(latest)
    if not 1 <= number <= len(labels):
        raise ValueError(f"no button {number}; there are {len(labels)}")
    return fake.user_sends(user_id, labels[number - 1])
