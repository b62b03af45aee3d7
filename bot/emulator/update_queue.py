"""The pending updates and getUpdates' long polling, with Telegram's semantics.

update_id increases from 1. A getUpdates with offset N confirms (forgets) everything below N;
a negative offset keeps only the last -N updates. Without updates it waits up to `timeout`
seconds and wakes at once when one arrives. A new getUpdates ends a pending one with 409
Conflict, as Telegram does when two bot instances poll the same token.
"""

import asyncio
from typing import Any

from bot.emulator.errors import GET_UPDATES_CONFLICT, ApiError

# Kinds Telegram leaves out unless allowed_updates names them.
NOT_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class UpdateQueue:
    """Pending updates plus the single long-polling consumer."""

    def __init__(self) -> None:
        self._pending: list[dict[str, Any]] = []
        self._next_id = 1
        self._wake = asyncio.Event()
        self._active: object | None = None  # the getUpdates call currently allowed to wait
        self._closing = False
        self.allowed_updates: list[str] | None = None

    @property
    def pending(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by an offset, oldest first."""
        return list(self._pending)

    @property
    def next_update_id(self) -> int:
        """The id the next update will get."""
        return self._next_id

    def push(self, kind: str, payload: dict[str, Any]) -> int:
        """Queue an update of this kind ("message", "callback_query" ...); return its id."""
        update_id = self._next_id
        self._next_id += 1
        self._pending.append({"update_id": update_id, kind: payload})
        self._notify()
        return update_id

    def clear(self) -> None:
        """Drop all pending updates (deleteWebhook with drop_pending_updates)."""
        self._pending.clear()

    def _notify(self) -> None:
        # A fresh event per wake-up, so that waiters never miss one and never see a stale one.
        event, self._wake = self._wake, asyncio.Event()
        event.set()

    def _allowed(self, update: dict[str, Any]) -> bool:
        kind = next(key for key in update if key != "update_id")
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in NOT_DEFAULT

    def _confirm(self, offset: int | None) -> None:
        if offset is None or offset == 0:
            return
        if offset < 0:
            del self._pending[: max(0, len(self._pending) + offset)]
        else:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]

    def _select(self, limit: int) -> list[dict[str, Any]]:
        # Telegram never creates updates of kinds that are not allowed; drop them for good.
        self._pending = [u for u in self._pending if self._allowed(u)]
        return self._pending[:limit]

    async def get(
        self,
        offset: int | None,
        limit: int,
        timeout: float,
        allowed_updates: list[str] | None,
    ) -> list[dict[str, Any]]:
        """getUpdates: confirm below offset, then return up to limit updates, waiting if none."""
        me = object()
        self._closing = False
        superseded = self._active is not None
        self._active = me
        if superseded:
            self._notify()  # wakes the older call, which then answers 409
        try:
            if allowed_updates is not None:
                self.allowed_updates = list(allowed_updates) or None
            self._confirm(offset)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + max(0.0, timeout)
            while True:
                if self._active is not me:
                    raise ApiError(409, GET_UPDATES_CONFLICT)
                batch = self._select(max(1, min(100, limit)))
                remaining = deadline - loop.time()
                if batch or remaining <= 0 or self._closing:
                    return batch
                wake = self._wake
                try:
                    await asyncio.wait_for(wake.wait(), remaining)
                except TimeoutError:
                    pass
        finally:
            if self._active is me:
                self._active = None

    def deliverable(self, limit: int) -> list[dict[str, Any]]:
        """Up to `limit` pending updates of allowed kinds, oldest first (the webhook sender)."""
        return self._select(limit)

    def forget(self, update_id: int) -> None:
        """Forget one update: the webhook answered it with 2xx."""
        self._pending = [u for u in self._pending if u["update_id"] != update_id]

    async def wait_pushed(self, timeout: float) -> None:
        """Wait until an update is pushed, or `timeout` seconds (the webhook sender)."""
        try:
            await asyncio.wait_for(self._wake.wait(), timeout)
        except TimeoutError:
            pass

    def wake_all(self) -> None:
        """End the current long poll early (with the updates there are): used on shutdown."""
        self._closing = True
        self._notify()
