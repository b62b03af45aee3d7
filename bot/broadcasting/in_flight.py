"""How many broadcast messages may be handed to Telegram before their outcomes are written.

Those messages are the crash window: after a kill -9 they cannot be told apart from messages
that never left, so they are sent again. The window is kept as small as the configured rate
allows: one message while a round trip (send plus writing the outcome) is shorter than a
message's share of a second, and more only when the link is slower than that, just enough to
keep the rate. At 25 messages a second over a 50 ms link that is 2; at 1,000 a second, ~80.
"""

import asyncio
import math

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
