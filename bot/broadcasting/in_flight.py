"""How many broadcast messages may be handed to Telegram before their outcomes are written.

Those messages are the crash window: after a kill -9 they cannot be told apart from messages
that never left, so they are sent again. The window is kept as small as the configured rate
allows: one message while a round trip (send plus writing the outcome) is shorter than a
message's share of a second, and more only when the link is slower than that, just enough to
keep the rate. At 25 messages a second over a 50 ms link that is 2; at 1,000 a second, ~80.

While Telegram does not answer (`Outage`), no message is handed over at all.
"""

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

HEADROOM = 1.25  # round trips vary; a little more than the average keeps the rate
MOST = 256  # beyond this the worker's own work, not waiting, is the limit
WEIGHT = 0.2  # of the newest round trip in the running average


class InFlight:
    """A gate whose size follows the measured round trip: `rate` × round trip × headroom."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.limit = 1  # until the first round trip is measured
        self.busy = 0
        self.round_trip: float | None = None
        self._free = asyncio.Condition()

    async def enter(self) -> None:
        """Wait for room, then take it (one message about to be handed to Telegram)."""
        async with self._free:
            await self._free.wait_for(lambda: self.busy < self.limit)
            self.busy += 1

    async def leave(self, round_trip: float | None) -> None:
        """A message's outcome is written; `round_trip` is how long sending and writing took
        (None when it did not reach Telegram or when waiting for a retry was part of it)."""
        async with self._free:
            self.busy -= 1
            if round_trip is not None:
                self._measure(round_trip)
            self._free.notify(max(1, self.limit - self.busy))

    def _measure(self, seconds: float) -> None:
        previous = self.round_trip
        self.round_trip = seconds if previous is None else previous + WEIGHT * (seconds - previous)
        self.limit = max(1, min(MOST, math.ceil(self.rate * self.round_trip * HEADROOM)))


@dataclass(frozen=True)
class Backoff:
    """The waits of a pause: `first` seconds, growing by `factor`, at most `most` seconds."""

    first: float = 1.0
    factor: float = 2.0
    most: float = 300.0

    def wait(self, step: int) -> float:
        """Seconds to wait before try number `step` (0 for the first)."""
        return min(self.most, self.first * self.factor ** min(step, 64))


Probe = Callable[[], Awaitable[bool]]
OnChange = Callable[[float | None], Awaitable[None]]  # seconds to the next try; None: back


class Outage:
    """Telegram not answering: no broadcast message is handed over (`ready` waits) while a
    probe, which cannot deliver anything, is tried after growing pauses; when Telegram answers
    it again, every broadcast continues where it stopped.

    One outage pauses the whole worker, not each message: the messages that meet it are only
    those already with Telegram when it began (at most the gate's size).
    """

    def __init__(self, probe: Probe, on_change: OnChange) -> None:
        self._probe, self._on_change = probe, on_change
        self.step = 0  # pauses since a message last went through: the next one is longer
        self.since: float | None = None  # time.time() when it began
        self._up = asyncio.Event()
        self._up.set()
        self._task: asyncio.Task[None] | None = None

    @property
    def down(self) -> bool:
        """True while Telegram is not answering."""
        return not self._up.is_set()

    async def ready(self) -> None:
        """Wait until Telegram answers (at once when it does)."""
        await self._up.wait()

    def begin(self, backoff: Backoff, reason: str) -> None:
        """A send met a network error or a 5xx: pause everything (once per outage)."""
        if self.down:
            return
        self._up.clear()
        self.since = time.time()
        log.warning("Telegram is not answering (%s): broadcasts wait for it", reason)
        self._task = asyncio.create_task(self._wait(backoff), name="broadcast-outage")

    def went_through(self) -> None:
        """A message was delivered: the next outage starts with the shortest pause again."""
        self.step = 0

    async def close(self) -> None:
        """Stop probing (the worker stops); a next start begins as if Telegram answered."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._up.set()
        self.since, self.step = None, 0

    async def _wait(self, backoff: Backoff) -> None:
        clock = asyncio.get_running_loop().time
        while True:
            wait = backoff.wait(self.step)
            self.step += 1
            until = clock() + wait
            await self._tell(wait)
            await asyncio.sleep(max(0.0, until - clock()))
            if await self._probe():
                break
        log.info(
            "Telegram answers again after %.0f s: broadcasts continue",
            time.time() - (self.since or time.time()),
        )
        self._up.set()
        self.since = None
        await self._tell(None)

    async def _tell(self, next_try: float | None) -> None:
        try:
            await self._on_change(next_try)
        except Exception:  # the news for the author must never keep the broadcast waiting
            log.exception("reporting the outage failed")
