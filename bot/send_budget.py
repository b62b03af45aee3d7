"""Telegram's message budget (~30 new messages a second in all), shared with residents.

Broadcast messages wait for their turn (`take`); replies to residents never wait, but they
use up budget (`note_interactive`), so a broadcast slows down while residents are busy and
their answers do not run into Telegram's flood limit. A RetryAfter pauses the broadcast.
The interactive side is counted where every request passes: `BudgetedRequest`.
"""

import asyncio
import contextvars
import json
import time
from typing import Any

from telegram.request import BaseRequest, RequestData

# Set inside the broadcast worker, so that its own sends are not counted twice.
BROADCASTING: contextvars.ContextVar[bool] = contextvars.ContextVar("broadcasting", default=False)
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
        """Count a resident's new message and pass the request on. A flood limit (429) pauses
        broadcasts; a resident's reply waits out a short one and is tried once more."""
        api_method = url.rsplit("/", 1)[-1].lower()
        interactive = not BROADCASTING.get()
        if api_method in NEW_MESSAGE_METHODS and interactive:
            self.budget.note_interactive()
        arguments = {
            "request_data": request_data,
            "read_timeout": read_timeout,
            "write_timeout": write_timeout,
            "connect_timeout": connect_timeout,
            "pool_timeout": pool_timeout,
        }
        status, payload = await self._inner.do_request(url, method, **arguments)
        if status == 429:
            wait = _retry_after(payload)
            self.budget.pause(wait)
            if interactive and wait <= MAX_REPLY_WAIT:
                await asyncio.sleep(wait)
                status, payload = await self._inner.do_request(url, method, **arguments)
        return status, payload


def _retry_after(payload: bytes) -> float:
    try:
        return float(json.loads(payload)["parameters"]["retry_after"])
    except (ValueError, KeyError, TypeError):
        return 1.0
