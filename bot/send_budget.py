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
MAX_REPLY_WAIT = 5.0  # seconds a resident's reply may wait out a flood limit before failing
NEW_MESSAGE_METHODS = frozenset(
    {"sendmessage", "sendphoto", "senddocument", "copymessage", "sendmediagroup"}
)


class _Pace:
    """The earliest moment the next message may go at `rate` a second (a virtual clock: each
    caller reserves its own moment, so waiting senders wake one by one, not all at once)."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self.next = 0.0

    def reserve(self, moment: float) -> None:
        self.next = max(moment, self.next) + self.interval


class SendBudget:
    """Broadcasts at most `rate` a second, and together with residents' replies at most
    `ceiling` (Telegram's limit): replies use up the shared pace and never wait."""

    def __init__(self, rate: float, ceiling: float = 30.0) -> None:
        self.rate = rate
        self._own = _Pace(rate)
        # A little below the ceiling: Telegram counts in a sliding window.
        self._shared = _Pace(max(rate, ceiling * 0.95))
        self._paused_until = 0.0

    def note_interactive(self) -> None:
        """A reply to a resident went out: it uses Telegram's budget, and never waits."""
        self._shared.reserve(time.monotonic())

    def pause(self, seconds: float) -> None:
        """Telegram asked to wait (RetryAfter): no broadcast message before then."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    async def take(self) -> None:
        """Wait for this message's moment (reserved now, in arrival order)."""
        while True:
            now = time.monotonic()
            moment = max(now, self._paused_until, self._own.next, self._shared.next)
            self._own.reserve(moment)
            self._shared.reserve(moment)
            if moment > now:
                await asyncio.sleep(moment - now)
            if time.monotonic() >= self._paused_until:
                return  # a pause that began while waiting sends this message to the back


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
