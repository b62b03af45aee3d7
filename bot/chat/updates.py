"""Concurrent across people, ordered per person (DESIGN rule 8).

python-telegram-bot hands every update to this processor. Updates of different users run
concurrently, so one slow Bot API call does not hold everybody up; updates of the same user
wait for each other and run in arrival order, so two quick taps never race.
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

UpdateHook = Callable[[object], None]


def _order_key(update: object) -> object:
    if isinstance(update, Update):
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
    return ("other", id(update))


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Runs updates concurrently, one at a time per user, in the order they arrived."""

    def __init__(
        self, max_concurrent_updates: int = 256, on_done: UpdateHook | None = None
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[object, asyncio.Lock] = {}
        self._waiting: dict[object, int] = {}
        # Called after each update was handled: the demo and the tests wait on it.
        self._on_done = on_done

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for this user's earlier updates, then handle this one."""
        key = _order_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:
                # Forget idle users so the table does not grow with every resident ever seen.
                del self._waiting[key]
                del self._locks[key]
            if self._on_done is not None:
                self._on_done(update)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
