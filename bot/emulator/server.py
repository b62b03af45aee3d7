"""The HTTP front door: a local aiohttp server speaking the Bot API wire format.

Routes /bot<token>/<method> for GET and POST with query strings, urlencoded forms, JSON and
multipart bodies (uploads). It listens on 127.0.0.1 only; point a bot at it with
`base_url=<yielded url>`. Use `async with serve_http(fake) as base_url: ...`.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import BodyPartReader, web

from bot.emulator.errors import SimulatedTimeout
from bot.emulator.records import UploadedFile
from bot.emulator.state import FakeTelegram
from bot.emulator.transport import attach_uploads
from bot.emulator.wire import decode_params

FAKE_KEY = web.AppKey("fake", FakeTelegram)


async def _read_body(request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    fields: dict[str, Any] = {}
    uploads: dict[str, UploadedFile] = {}
    if request.content_type == "multipart/form-data":
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename is not None:
                data = await part.read()
                mime = part.headers.get("Content-Type", "application/octet-stream")
                uploads[part.name] = UploadedFile(part.filename, mime, len(data), bytes(data))
            else:
                fields[part.name] = await part.text()
    elif request.content_type == "application/json":
        body = await request.json() if request.can_read_body else {}
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="JSON body must be an object")
        fields.update(body)
    elif request.can_read_body:
        fields.update((await request.post()).items())
    return fields, uploads


async def _handle(request: web.Request) -> web.StreamResponse:
    fake = request.app[FAKE_KEY]
    raw: dict[str, Any] = dict(request.query.items())
    fields, uploads = await _read_body(request)
    raw.update(fields)
    params = attach_uploads(decode_params(raw), uploads)
    token, method = request.match_info["token"], request.match_info["method"]
    try:
        status, body = await fake.call(token, method, params)
    except SimulatedTimeout as timeout:
        # Hold the line longer than the client waits, as an overloaded Telegram would.
        await asyncio.sleep(timeout.delay)
        body = {"ok": False, "error_code": 504, "description": "Gateway Timeout"}
        return web.json_response(body, status=504)
    return web.json_response(body, status=status)


class HttpFrontDoor:
    """A running HTTP front door; `base_url` is what a bot's base_url should be."""

    def __init__(self, fake: FakeTelegram, runner: web.AppRunner, host: str, port: int) -> None:
        self.fake = fake
        self.runner = runner
        self.host = host
        self.port = port

    @property
    def base_url(self) -> str:
        """E.g. "http://127.0.0.1:8081/bot": PTB appends the token and method."""
        return f"http://{self.host}:{self.port}/bot"

    async def stop(self) -> None:
        """End long polls and close the server."""
        self.fake.updates.wake_all()
        await self.runner.cleanup()


async def start_http(fake: FakeTelegram, host: str = "127.0.0.1", port: int = 0) -> HttpFrontDoor:
    """Start the HTTP front door (port 0 picks a free port)."""
    app = web.Application()
    app[FAKE_KEY] = fake
    app.router.add_route("*", "/bot{token}/{method}", _handle)
    # A short shutdown timeout: a pending long poll must not hold up stopping for a minute.
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_port = runner.addresses[0][1]
    return HttpFrontDoor(fake, runner, host, bound_port)


@contextlib.asynccontextmanager
async def serve_http(
    fake: FakeTelegram, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[str]:
    """Serve fake over HTTP while the block runs; yields the base URL for the bot."""
    door = await start_http(fake, host, port)
    try:
        yield door.base_url
    finally:
        await door.stop()
