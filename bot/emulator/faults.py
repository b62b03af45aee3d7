"""Flood control and injected faults: the failures a bot must survive in production.

`RateLimiter` is a sliding window over successful sends. `FaultInjector` holds the failures
that tests arm for the next N calls of a method, or for every call during a number of seconds
(an outage), optionally for one chat only. Where a failure strikes matters to a bot, which
sees only its side of the line:

- unreachable: the request never leaves the bot (connection refused, DNS): not sent, and the
  bot can know it (python-telegram-bot raises NetworkError from httpx.ConnectError);
- an error or a timeout before Telegram acts (`performed` False): not delivered;
- an error or a timeout after Telegram acted (`performed` True): delivered, but the answer the
  bot gets is the error or nothing. To the bot the last two look the same.
"""

import math
import time
from collections import deque
from dataclasses import dataclass

from bot.emulator.errors import ApiError


class RateLimiter:
    """At most `per_second` events per second, measured over a sliding window."""

    def __init__(self, per_second: float | None) -> None:
        self.per_second = per_second
        self._times: deque[float] = deque()

    def _capacity_window(self) -> tuple[int, float]:
        # 0.5/s means one event per two seconds: keep the window integral in events.
        assert self.per_second is not None
        capacity = max(1, math.floor(self.per_second))
        return capacity, capacity / self.per_second

    def retry_after(self, now: float) -> int | None:
        """Seconds to wait (>= 1) if one more event now would exceed the limit, else None."""
        if not self.per_second:
            return None
        capacity, window = self._capacity_window()
        while self._times and self._times[0] <= now - window:
            self._times.popleft()
        if len(self._times) < capacity:
            return None
        return max(1, math.ceil(self._times[0] + window - now))

    def record(self, now: float) -> None:
        """Count one event at time now."""
        if self.per_second:
            self._times.append(now)


@dataclass
class Fault:
    """An armed failure: an ApiError, or a timeout (error is None), or no connection at all
    (`unreachable`). `performed`: the call takes effect before the error or timeout. `until`
    (time.monotonic()): every call until then, however many, instead of `remaining` calls."""

    method: str
    remaining: int
    chat_id: int | None = None
    error: ApiError | None = None
    delay: float = 0.0
    performed: bool = False
    until: float | None = None
    unreachable: bool = False


class FaultInjector:
    """Failures waiting for the calls they should hit, first armed first used."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def arm(self, fault: Fault) -> None:
        """Arm a fault; method names are compared case-insensitively, like Telegram does."""
        fault.method = fault.method.lower()
        self._faults.append(fault)

    def take(
        self, method: str, chat_id: int | str | None, *, unreachable: bool = False
    ) -> Fault | None:
        """The fault this call should suffer, if any (using up one of its `times`). The
        transport asks for `unreachable` faults before a call reaches the emulator; the
        emulator for the others."""
        moment = time.monotonic()
        self._faults = [f for f in self._faults if f.until is None or f.until > moment]
        for fault in self._faults:
            if fault.method != method.lower() or fault.unreachable != unreachable:
                continue
            if fault.chat_id is not None and fault.chat_id != chat_id:
                continue
            if fault.until is None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
            return fault
        return None

    def clear(self) -> None:
        """Disarm everything."""
        self._faults.clear()

    def __len__(self) -> int:
        moment = time.monotonic()
        return sum(1 for f in self._faults if f.until is None or f.until > moment)
