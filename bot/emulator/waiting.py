"""Change notification: tests and the demo wait for the emulator's state to change.

Every request and every user action calls `changed()`, which wakes all `wait_for` callers so
they re-check their predicate. A fresh asyncio.Event per change works from synchronous code
(user actions) and never leaves a waiter with a stale, already-set event.
"""

import asyncio
from collections.abc import Callable

from bot.emulator.records import MessageRecord

MessageListener = Callable[[str, MessageRecord], None]


class ChangeNotifier:
    """Wake-ups on state changes, plus listeners for bot messages (sent, edited, deleted)."""

    def __init__(self) -> None:
        self._changed_event = asyncio.Event()
        self._listeners: list[MessageListener] = []

    def changed(self) -> None:
        """Wake everybody waiting in `wait_for`; called on every request and user action."""
        event, self._changed_event = self._changed_event, asyncio.Event()
        event.set()

    def subscribe(self, listener: MessageListener) -> None:
        """Call listener(event, message) on "sent", "edited" and "deleted" bot messages."""
        self._listeners.append(listener)

    def emit(self, event: str, record: MessageRecord) -> None:
        """Tell listeners about a bot message event."""
        for listener in list(self._listeners):
            listener(event, record)
        self.changed()

    def describe(self) -> str:
        """A short account of the state, for timeout messages."""
        return ""

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until predicate() is true; re-checked on every change (and every 50 ms).

        Raises TimeoutError naming the predicate and the recent requests.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                name = getattr(predicate, "__name__", repr(predicate))
                raise TimeoutError(
                    f"emulator: {name} still false after {timeout}s; {self.describe()}"
                )
            event = self._changed_event
            try:
                # The 50 ms cap lets predicates over state outside the emulator work too.
                await asyncio.wait_for(event.wait(), min(remaining, 0.05))
            except TimeoutError:
                pass
