"""The webhook's HTTP server (aiohttp): Telegram's POSTs in, `/healthz` for monitoring.

- Every POST must carry X-Telegram-Bot-Api-Secret-Token equal to the secret (compared in
  constant time); otherwise 403 and nothing is read or handled. Any path is accepted: the
  reverse proxy may rewrite it, and the secret is what proves the sender.
- An update goes the way a polled one goes: into `application.update_queue`, through the
  same `PerUserUpdateProcessor` (per-user order, duplicates skipped) and error handler. The
  answer 200 comes only once the update has been handled (`HandledUpdates`, fed by the
  processor's on_done hook), so that a crash makes Telegram deliver it again instead of
  losing it, as getUpdates confirms only handled updates (bot/chat/updates.py). An update
  Telegram sends again while the first copy is still being handled waits for that one.
- A body that is not a readable update gets 200 all the same (Telegram would otherwise send
  it again forever) and is logged with its id and kind only, never its content.
- `GET /healthz` needs no secret: 200 or 503 with a short JSON status (bot/operations/health.py).
- Nothing logs a request's path (it may hold a secret) or its headers; aiohttp's access log
  is off.
"""

import asyncio
import hmac
import json
import logging
from datetime import timedelta
from typing import Any

from aiohttp import web
from telegram import Update

from bot.app import ChatApplication
from bot.chat.context import services_of
from bot.operations.health import STALLED_AFTER, check

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
# How long a request waits for its update to be handled before it answers 200 all the same
# (as getUpdates confirms a stuck update after this long): far longer than any handler takes,
# and one hung update must not make Telegram resend it for ever.
PATIENCE = 60.0
MAX_BODY = 1024 * 1024  # an update is a few kilobytes; Telegram sends no files in updates


class HandledUpdates:
    """The requests waiting for their update to be handled, by update id. `done` is the
    processor's on_done hook (build_application's `on_update_done`)."""

    def __init__(self) -> None:
        self._waiting: dict[int, asyncio.Future[None]] = {}

    def done(self, update: object) -> None:
        """The processor finished an update (handled, failed or skipped as a duplicate)."""
        update_id = getattr(update, "update_id", None)
        waiter = self._waiting.pop(update_id, None) if isinstance(update_id, int) else None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def waiter(self, update_id: int) -> tuple[asyncio.Future[None], bool]:
        """The future that completes once the update is handled, and whether it is new (False:
        the same update is being handled already, from an earlier request)."""
        found = self._waiting.get(update_id)
        if found is not None:
            return found, False
        found = self._waiting[update_id] = asyncio.get_running_loop().create_future()
        return found, True


class WebhookServer:
    """The aiohttp application and its site; `start` binds, `stop` lets requests finish."""

    def __init__(
        self,
        application: ChatApplication,
        handled: HandledUpdates,
        secret: str,
        *,
        stalled_after: timedelta = STALLED_AFTER,
    ) -> None:
        self.application = application
        self.handled = handled
        self._secret = secret.encode()
        self.stalled_after = stalled_after
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    def web_app(self) -> web.Application:
        """The routes: GET /healthz, POST anywhere else."""
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_get(HEALTH_PATH, self._health)
        app.router.add_post("/{tail:.*}", self._receive)
        return app

    async def start(self, host: str, port: int) -> int:
        """Listen on host:port (0: any free port); returns the port bound. OSError when the
        address is in use or may not be bound."""
        # shutdown_timeout: how long stopping waits for requests whose update is being handled.
        runner = web.AppRunner(self.web_app(), access_log=None, shutdown_timeout=10.0)
        await runner.setup()
        try:
            site = web.TCPSite(runner, host, port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        return self.port

    async def stop(self) -> None:
        """Stop listening, let the requests in progress finish (their updates are handled)."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    def _authentic(self, request: web.Request) -> bool:
        given = request.headers.get(SECRET_HEADER, "").encode()
        return hmac.compare_digest(given, self._secret)

    async def _receive(self, request: web.Request) -> web.Response:
        if not self._authentic(request):
            reason = "a wrong" if SECRET_HEADER in request.headers else "no"
            log.warning("webhook request refused (403): %s secret token", reason)
            return web.Response(status=403)
        try:
            item = json.loads(await request.read())
        except ValueError:
            log.warning("webhook request skipped: the body is not JSON")
            return web.Response(status=200)
        update = self._read(item)
        if update is None:
            return web.Response(status=200)
        waiter, new = self.handled.waiter(update.update_id)
        if new:
            bot = self.application.bot
            bot.insert_callback_data(update)
            await self.application.update_queue.put(update)
        try:
            # shield: a request Telegram gives up on must not cancel the shared future.
            async with asyncio.timeout(PATIENCE):
                await asyncio.shield(waiter)
        except TimeoutError:
            log.warning(
                "update %s still running after %.0f s: answered all the same",
                update.update_id,
                PATIENCE,
            )
        return web.Response(status=200)

    def _read(self, item: Any) -> Update | None:
        """The update in a request body, or None (logged by id and kind) when unreadable."""
        number = item.get("update_id") if isinstance(item, dict) else None
        update_id = number if isinstance(number, int) and not isinstance(number, bool) else None
        try:
            if update_id is None:
                raise ValueError("no update_id")
            update = Update.de_json(item, self.application.bot)
        except Exception as error:  # whatever the library raises: skip the update
            log.warning(
                "update %s skipped: python-telegram-bot cannot read this %s update (%s)",
                update_id,
                _kind(item),
                type(error).__name__,
            )
            return None
        return update

    async def _health(self, request: web.Request) -> web.Response:
        db = services_of(self.application).db
        if db is None:
            body: dict[str, Any] = {
                "status": "failing",
                "failing": ["database"],
                "database": "not open",
            }
            return web.json_response(body, status=503)
        health = await check(db, self.stalled_after)
        return web.json_response(health.as_json(), status=503 if health.failing else 200)


def _kind(item: object) -> str:
    # The kind of a raw update ("message", "callback_query"): a Bot API name, nothing personal.
    if isinstance(item, dict):
        for key in item:
            if key in Update.ALL_TYPES:
                return str(key)
    return "unknown"
