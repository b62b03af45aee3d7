"""A fake Telegram Bot API for tests, `participation-bot demo` and benchmarks.

`FakeTelegram` keeps the state and enforces Telegram's rules; `EmulatorRequest` plugs it into
python-telegram-bot in process; `serve_http` exposes it as a local HTTP Bot API server. Residents
are played with `fake.add_user`, `fake.user_sends`, `fake.press`, `fake.user_blocks` ...; groups
and channels with `fake.add_group`, `fake.user_sends_in_group`, `fake.bot_added_to_group`,
`fake.add_channel`, `fake.channel_post`.
Nothing here touches the network beyond 127.0.0.1.
"""

from bot.emulator.errors import ApiError, SimulatedTimeout
from bot.emulator.html_text import parse_html, strip_html, utf16_len
from bot.emulator.records import (
    CallbackAnswer,
    CallbackRecord,
    ChatRecord,
    MessageRecord,
    RequestRecord,
    UploadedFile,
    UserRecord,
)
from bot.emulator.render import button_labels, press_number, render_message
from bot.emulator.server import HttpFrontDoor, serve_http, start_http
from bot.emulator.state import FakeTelegram
from bot.emulator.transport import EmulatorRequest

__all__ = [
    "ApiError",
    "CallbackAnswer",
    "CallbackRecord",
    "ChatRecord",
    "EmulatorRequest",
    "FakeTelegram",
    "HttpFrontDoor",
    "MessageRecord",
    "RequestRecord",
    "SimulatedTimeout",
    "UploadedFile",
    "UserRecord",
    "button_labels",
    "parse_html",
    "press_number",
    "render_message",
    "serve_http",
    "start_http",
    "strip_html",
    "utf16_len",
]
