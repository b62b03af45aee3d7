"""Telegram's message budget (~30 new messages a second in all), shared with residents.

Broadcast messages wait for their turn (`take`); replies to residents never wait, but they
use up budget (`note_interactive`), so a broadcast slows down while residents are busy and
their answers do not run into Telegram's flood limit. A RetryAfter pauses the broadcast.
The interactive side is counted where every request passes: `BudgetedRequest`.
"""

import asyncio
import contextvars
import time
from typing import Any

from telegram.request import BaseRequest, RequestData

# Set inside the broadcast worker, so that its own sends are not counted twice.
BROADCASTING: contextvars.ContextVar[bool] = contextvars.ContextVar("broadcasting", default=False)
NEW_MESSAGE_METHODS = frozenset(
    {"sendmessage", "sendphoto", "senddocument", "copymessage", "sendmediagroup"}
)


class SendBudget:
    """A token bucket: `rate` messages a second, with a small burst allowance."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate * 0.05)  # at most 50 ms worth of messages at once
        self._tokens = self.capacity
        self._stamp = time.monotonic()
        self._paused_until = 0.0

    def _refill(self) -> None:
        moment = time.monotonic()
        self._tokens = min(self.capacity, self._tokens + (moment - self._stamp) * self.rate)
        self._stamp = moment

    def note_interactive(self) -> None:
        """A reply to a resident went out: it counts against the budget, and never waits."""
        self._refill()
        self._tokens -= 1

    def pause(self, seconds: float) -> None:
        """Telegram asked to wait (RetryAfter): no broadcast message before then."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    async def take(self) -> None:
        """Wait until a broadcast message may go out, then use one token."""
        while True:
            moment = time.monotonic()
            if moment < self._paused_until:
                await asyncio.sleep(self._paused_until - moment)
                continue
            self._refill()
            if self._tokens >= 1:
                self._tokens -= 1
                return
            await asyncio.sleep((1 - self._tokens) / self.rate)


class BudgetedRequest(BaseRequest):
    """Wraps the real HTTP client (or the emulator's) and counts residents' new messages."""

    def __init__(self, inner: BaseRequest, budget: SendBudget) -> None:
        self._inner = inner
        self.budget = budget

    @property
    def read_timeout(self) -> float | None:
        """The wrapped client's read timeout."""
        return self._inner.read_timeout

    async def initialize(self) -> None:
        """Initialise the wrapped client."""
        await self._inner.initialize()

    async def shutdown(self) -> None:
        """Shut the wrapped client down."""
        await self._inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        """Count a resident's new message, then pass the request on unchanged."""
        api_method = url.rsplit("/", 1)[-1].lower()
        if api_method in NEW_MESSAGE_METHODS and not BROADCASTING.get():
            self.budget.note_interactive()
        return await self._inner.do_request(
            url,
            method,
            request_data=request_data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
