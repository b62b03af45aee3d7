"""`EmulatorRequest`: python-telegram-bot's request backend, wired straight to a FakeTelegram.

Use it as `telegram.Bot(token, request=EmulatorRequest(fake),
get_updates_request=EmulatorRequest(fake))` or with ApplicationBuilder().request(...). No
socket is opened; parameters travel as the JSON-compatible values PTB prepared, uploads as
UploadedFile records.
"""

import json
from typing import Any
from urllib.parse import urlsplit

import httpx
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.emulator.errors import ApiError, SimulatedTimeout
from bot.emulator.params import chat_id_of
from bot.emulator.records import UploadedFile
from bot.emulator.state import FakeTelegram


def split_bot_url(url: str) -> tuple[str, str]:
    """(token, method) from ".../bot<token>/<method>"; token "" if the URL has none."""
    segments = urlsplit(url).path.rstrip("/").split("/")
    method = segments[-1] if segments else ""
    token_segment = segments[-2] if len(segments) >= 2 else ""
    token = token_segment[3:] if token_segment.startswith("bot") else ""
    return token, method


def upload_from_field(field: tuple[Any, ...]) -> UploadedFile:
    """An UploadedFile from PTB's (filename, content, mime type) multipart tuple."""
    filename, content, mime_type = field[0], field[1], field[2]
    data = content if isinstance(content, bytes) else content.read()
    return UploadedFile(str(filename), str(mime_type), len(data), data)


def attach_uploads(params: dict[str, Any], uploads: dict[str, UploadedFile]) -> dict[str, Any]:
    """Put uploads where the Bot API expects them: "attach://name" values or the part name."""
    for name, upload in uploads.items():
        reference = f"attach://{name}"
        targets = [key for key, value in params.items() if value == reference]
        for key in targets or [name]:
            params[key] = upload
    return params


class EmulatorRequest(BaseRequest):
    """An in-process BaseRequest: every call goes to `fake.call`; nothing touches the network."""

    def __init__(self, fake: FakeTelegram, read_timeout: float = 30.0) -> None:
        self.fake = fake
        self._read_timeout = read_timeout

    @property
    def read_timeout(self) -> float:
        """The default read timeout PTB adds to getUpdates' long-polling timeout."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Answer a Bot API request from the fake: (HTTP status, JSON bytes)."""
        token, api_method = split_bot_url(url)
        params: dict[str, Any] = {}
        if request_data is not None:
            # A JSON round trip gives the handlers what an HTTP server would get (lists, not
            # tuples) and keeps the stored records independent of PTB's objects.
            params = json.loads(json.dumps(request_data.parameters))
            uploads = {
                name: upload_from_field(field)
                for name, field in request_data.multipart_data.items()
            }
            attach_uploads(params, uploads)
        try:
            chat_id = chat_id_of(params)
        except ApiError:
            chat_id = None
        if self.fake.faults.take(api_method, chat_id, unreachable=True) is not None:
            # What python-telegram-bot's HTTPXRequest raises when the connection is refused;
            # Telegram never sees the request, so the emulator does not log it either.
            refused = httpx.ConnectError("[Errno 111] Connection refused")
            raise NetworkError(f"httpx.ConnectError: {refused}") from refused
        try:
            status, body = await self.fake.call(token, api_method, params)
        except SimulatedTimeout as timeout:
            raise TimedOut(f"emulator: injected timeout for {api_method}") from timeout
        return status, json.dumps(body).encode("utf-8")
