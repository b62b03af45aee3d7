"""Telegram's message budget (~30 new messages a second in all), shared with residents.

Broadcast messages wait for their turn (`take`); replies to residents never wait, but they
use up budget (`note_interactive`), so a broadcast slows down while residents are busy and
their answers do not run into Telegram's flood limit. A RetryAfter pauses the broadcast.
Every request passes python-telegram-bot's rate-limiter hook (`BudgetLimiter`), which counts
the residents' side and handles the flood limit.
"""

import asyncio
import time
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

# The broadcast's own bucket keeps a quarter second's worth, so that after a slow round trip
# or a RetryAfter it catches up (the shared bucket still holds it under Telegram's limit).
OWN_RESERVE = 0.25
# The shared bucket runs at this share of Telegram's limit and keeps this reserve (seconds).
SHARE_OF_LIMIT = 0.95
SHARED_RESERVE = 0.02
MAX_REPLY_WAIT = 5.0  # seconds a resident's reply may wait out a flood limit before failing
NEW_MESSAGE_METHODS = frozenset(
    {"sendmessage", "sendphoto", "senddocument", "copymessage", "sendmediagroup"}
)


class _Bucket:
    """Tokens refilled at `rate` a second, at most `reserve` seconds' worth kept."""

    def __init__(self, rate: float, reserve: float) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate * reserve)
        self.tokens = self.capacity
        self._stamp = time.monotonic()

    def refill(self) -> None:
        moment = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (moment - self._stamp) * self.rate)
        self._stamp = moment


class SendBudget:
    """Broadcasts at most `rate` a second, and together with residents' replies at most
    `ceiling` (Telegram's limit): replies take from the shared bucket and never wait."""

    def __init__(self, rate: float, ceiling: float = 30.0) -> None:
        self.rate = rate
        self._own = _Bucket(rate, OWN_RESERVE)
        # Below the ceiling, whatever rate was configured: Telegram counts in a sliding window,
        # so a second at this rate plus the reserve must stay under it (29.5 of 30, 969 of
        # 1000), with room for requests that arrive a few milliseconds closer together than
        # they left. A 429 stops every message for a second or more.
        self._shared = _Bucket(ceiling * SHARE_OF_LIMIT, SHARED_RESERVE)
        self._paused_until = 0.0
        # One waiter at a time, in the order they came: at hundreds of messages a second a
        # crowd of sleepers polling the clock costs more than the sending.
        self._turn = asyncio.Lock()

    @property
    def most_in_a_second(self) -> float:
        """The most messages, broadcast and replies together, that can go out in any second."""
        return self._shared.rate + self._shared.capacity

    def note_interactive(self) -> None:
        """A reply to a resident went out: it uses Telegram's budget, and never waits."""
        self._shared.refill()
        self._shared.tokens -= 1

    def pause(self, seconds: float) -> None:
        """Telegram asked to wait (RetryAfter): no broadcast message before then."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    async def take(self) -> None:
        """Wait until a broadcast message may go out, then use one token."""
        async with self._turn:
            while True:
                moment = time.monotonic()
                if moment < self._paused_until:
                    await asyncio.sleep(self._paused_until - moment)
                    continue
                self._own.refill()
                self._shared.refill()
                if self._own.tokens >= 1 and self._shared.tokens >= 1:
                    self._own.tokens -= 1
                    self._shared.tokens -= 1
                    return
                wait = max(
                    (1 - self._own.tokens) / self._own.rate,
                    (1 - self._shared.tokens) / self._shared.rate,
                )
                await asyncio.sleep(max(wait, 0.001))


Json = dict[str, Any]
BROADCAST = "broadcast"  # rate_limit_args of the worker's own sends: counted by `take`


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asked to wait, in seconds."""
    wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


class BudgetLimiter(BaseRateLimiter[str]):
    """python-telegram-bot's rate-limiter hook: every Bot API call but getUpdates passes here.

    A new message to a resident uses up shared budget without waiting; the worker's own sends
    (rate_limit_args=BROADCAST) have taken their token already. A flood limit (429) pauses
    broadcasts; a resident's reply waits out a short one and is tried once more.
    """

    def __init__(self, budget: SendBudget) -> None:
        self.budget = budget

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | Json | list[Json]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> bool | Json | list[Json]:
        """Count a resident's new message, make the call, and deal with a flood limit."""
        interactive = rate_limit_args != BROADCAST
        if interactive and endpoint.lower() in NEW_MESSAGE_METHODS:
            self.budget.note_interactive()
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as exc:
            wait = retry_seconds(exc)
            self.budget.pause(wait)
            if not interactive or wait > MAX_REPLY_WAIT:
                raise
        await asyncio.sleep(wait)
        return await callback(*args, **kwargs)
