"""Webhooks as Telegram runs them: setWebhook, deleteWebhook, getWebhookInfo, and the sender
that POSTs each pending update to the registered URL.

An update is sent as JSON with the header X-Telegram-Bot-Api-Secret-Token when the webhook
has a secret token; it is forgotten only when the answer is 2xx, and sent again after
`webhook_retry_delay` otherwise (a 403, a 500, a refused connection), as Telegram retries.
Up to `max_connections` updates are in flight at once. While a webhook is set, getUpdates
answers 409 (account.py).

Nothing leaves 127.0.0.1: Telegram posts to the public https:// address, which the city's
reverse proxy forwards to the bot; `forward_webhook("http://127.0.0.1:<port>")` plays that
proxy (the registered URL's path and query are kept). Without it, only a URL on 127.0.0.1 or
localhost is posted to; any other is an unreachable host.
"""

import asyncio
import contextlib
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from bot.emulator.core import EmulatorCore, api_method
from bot.emulator.errors import bad_request
from bot.emulator.params import bool_param, int_param, str_param

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class WebhookMixin(EmulatorCore):
    """setWebhook, deleteWebhook, getWebhookInfo; the sender; what tests look at."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.webhook_forward: str | None = None  # the reverse proxy's target, if any
        self.webhook_retry_delay = 0.05  # seconds before a refused update is sent again
        # (update id, HTTP status or None when no answer came), oldest first.
        self.webhook_deliveries: list[tuple[int, int | None]] = []
        self._sender: asyncio.Task[None] | None = None
        self._last_error: tuple[int, str] | None = None

    # -- the Bot API methods ---------------------------------------------------------------

    @api_method("setWebhook")
    async def _set_webhook(self, params: dict[str, Any]) -> Any:
        url = str_param(params, "url") or ""
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: HTTPS url must be provided for webhook")
        secret = str_param(params, "secret_token")
        if secret is not None and not _SECRET.match(secret):
            raise bad_request("secret token contains unallowed characters")
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self.updates.allowed_updates = list(allowed) or None
        if bool_param(params, "drop_pending_updates"):
            self.updates.clear()
        self.webhook = {
            "url": url,
            "secret_token": secret,
            "max_connections": int_param(params, "max_connections", 40) or 40,
            "allowed_updates": allowed if isinstance(allowed, list) else None,
        }
        self._last_error = None
        await self.close_webhook()
        if url:
            self._sender = asyncio.create_task(self._send_updates(), name="emulator-webhook")
        return True

    @api_method("deleteWebhook")
    async def _delete_webhook(self, params: dict[str, Any]) -> Any:
        self.webhook = {}
        await self.close_webhook()
        if bool_param(params, "drop_pending_updates"):
            self.updates.clear()
        return True

    @api_method("getWebhookInfo")
    async def _get_webhook_info(self, params: dict[str, Any]) -> Any:
        info: dict[str, Any] = {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates.pending),
        }
        if self.webhook.get("url"):
            info["max_connections"] = self.webhook["max_connections"]
            if self.webhook.get("allowed_updates") is not None:
                info["allowed_updates"] = self.webhook["allowed_updates"]
        if self._last_error is not None:
            info["last_error_date"], info["last_error_message"] = self._last_error
        return info

    # -- for tests -------------------------------------------------------------------------

    def forward_webhook(self, base_url: str | None) -> None:
        """Play the reverse proxy: post to `base_url` (e.g. http://127.0.0.1:8443) instead of
        the registered URL's host; None: post to the registered URL itself."""
        self.webhook_forward = base_url.rstrip("/") if base_url else None

    async def webhook_delivered(self, update_id: int, timeout: float = 10.0) -> None:
        """Wait until the webhook answered this update with 2xx (Telegram forgot it)."""

        def delivered() -> bool:
            return all(u["update_id"] != update_id for u in self.updates.pending)

        delivered.__name__ = f"webhook_delivered({update_id})"
        await self.wait_for(delivered, timeout)

    async def close_webhook(self) -> None:
        """Stop sending (deleteWebhook does it; tests call it before the loop ends)."""
        sender, self._sender = self._sender, None
        if sender is not None:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender

    # -- the sender ------------------------------------------------------------------------

    def _target(self) -> str | None:
        url = str(self.webhook["url"])
        parts = urlsplit(url)
        tail = parts.path + (f"?{parts.query}" if parts.query else "")
        if self.webhook_forward is not None:
            return self.webhook_forward + tail
        if parts.hostname in ("127.0.0.1", "localhost"):
            return url
        return None

    async def _send_updates(self) -> None:
        in_flight: dict[int, asyncio.Task[None]] = {}
        not_before: dict[int, float] = {}  # update id -> when it may be sent again
        async with aiohttp.ClientSession() as session:
            try:
                while True:
                    capacity = self.webhook["max_connections"] - len(in_flight)
                    now = time.monotonic()
                    for update in self.updates.deliverable(100):
                        update_id = update["update_id"]
                        if capacity <= 0:
                            break
                        if update_id in in_flight or not_before.get(update_id, 0.0) > now:
                            continue
                        capacity -= 1
                        task = asyncio.create_task(self._post(session, update, not_before))
                        in_flight[update_id] = task
                        task.add_done_callback(_forget_in(in_flight, update_id))
                    await self.updates.wait_pushed(self.webhook_retry_delay)
            finally:
                for task in list(in_flight.values()):
                    task.cancel()
                await asyncio.gather(*in_flight.values(), return_exceptions=True)

    async def _post(
        self, session: aiohttp.ClientSession, update: dict[str, Any], not_before: dict[int, float]
    ) -> None:
        update_id = update["update_id"]
        target = self._target()
        secret = self.webhook.get("secret_token")
        headers = {SECRET_HEADER: secret} if secret else {}
        status: int | None = None
        error = "Failed to resolve host: Name or service not known"
        if target is not None:
            try:
                async with session.post(target, json=update, headers=headers) as response:
                    await response.read()
                    status = response.status
                    error = f"Wrong response from the webhook: {status} {response.reason}"
            except aiohttp.ClientError:
                error = "Connection refused"
        self.webhook_deliveries.append((update_id, status))
        if status is not None and 200 <= status < 300:
            self.updates.forget(update_id)
        else:
            self._last_error = (self.now(), error)
            not_before[update_id] = time.monotonic() + self.webhook_retry_delay
        self.changed()


def _forget_in(
    in_flight: dict[int, asyncio.Task[None]], update_id: int
) -> Callable[[asyncio.Task[None]], None]:
    """A done-callback that takes a finished delivery out of `in_flight`."""

    def forget(_: asyncio.Task[None]) -> None:
        in_flight.pop(update_id, None)

    return forget
