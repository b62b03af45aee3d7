"""The outbox worker: delivers queued broadcasts at Telegram's pace, inside the bot process.

Each delivery is claimed ('sending') before it is handed to Telegram and settled at once:
sent; blocked (403, or a chat that no longer exists: the subscription ends); RetryAfter (the
worker pauses for retry_after, the delivery goes back to pending); timeouts and network errors
(retried with backoff, MAX_ATTEMPTS times, then failed with the reason). On start-up, claims
left by a crash go back to pending: a message handed to Telegram just before a crash may arrive
twice. That window is the messages in flight at that moment: `in_flight` (2 at the default 25
messages a second over a 50 ms link; one at a time would reach only ~19 a second).
"""

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.send_budget import BROADCASTING, SendBudget
from storage import outbox
from storage.db import Database
from storage.outbox import Broadcast, Delivery

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BATCH = 200
POLL_SECONDS = 1.0
LATE_AFTER = timedelta(minutes=2)  # a scheduled broadcast started later than this is "late"
GONE = ("chat not found", "user is deactivated", "bot was kicked", "chat was deleted")

Progress = Callable[[Broadcast, dict[str, int], float, bool], Awaitable[None]]
Render = Callable[[dict[str, str]], dict[str, str]]
OnStart = Callable[[Broadcast, dict[str, str]], Awaitable[None]]


def in_flight_for(rate: float) -> int:
    """Messages handed to Telegram at once: enough to keep the rate over a ~80 ms round trip."""
    return max(1, math.ceil(rate * 0.08))


class BroadcastWorker:
    """Sends every due broadcast, one broadcast at a time, `in_flight` messages at a time."""

    def __init__(
        self,
        bot: Bot,
        db: Database,
        budget: SendBudget,
        *,
        paid: bool = False,
        progress: Progress | None = None,
        tick: Callable[[], Awaitable[None]] | None = None,
        render: Render | None = None,
        on_start: OnStart | None = None,
    ) -> None:
        self.bot, self.db, self.budget, self.paid = bot, db, budget, paid
        self.in_flight = in_flight_for(budget.rate)
        # Claimed per statement: a second's worth at most, so that a cancel takes effect soon.
        self.claim_ahead = max(self.in_flight, min(64, math.ceil(budget.rate / 2)))
        self._progress = progress  # staff's progress message: (broadcast, counts, rate, final)
        self._tick = tick  # called every round, e.g. to queue the voting reminder
        # The texts staff wrote -> the message for every language (notes for untranslated).
        self._render = render or (lambda written: written)
        self._on_start = on_start  # news into the archive, a phase change: when sending starts
        self._wake = asyncio.Event()
        self._outcomes: list[tuple[Delivery, str, str | None, asyncio.Future[None]]] = []
        self._writing = False
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Run in the background (called in post_init, after recovery)."""
        self._task = asyncio.create_task(self._run(), name="broadcast-worker")

    def wake(self) -> None:
        """Look for due broadcasts now (a broadcast was just queued)."""
        self._wake.set()

    async def stop(self) -> None:
        """Stop after the messages in flight; pending ones stay for the next start."""
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def _run(self) -> None:
        BROADCASTING.set(True)
        recovered = await outbox.recover(self.db)
        if recovered:
            log.warning("resending %d message(s) that were in flight at the last stop", recovered)
        while True:
            try:
                if self._tick is not None:
                    await self._tick()
                for broadcast in await outbox.due(self.db, datetime.now(UTC).isoformat()):
                    await self.send(broadcast)
            except asyncio.CancelledError:
                raise
            except Exception:  # keep delivering after any surprise; the log has the reason
                log.exception("broadcast worker round failed")
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
            except TimeoutError:
                pass

    async def send(self, broadcast: Broadcast) -> None:
        """Deliver one broadcast until nothing is pending (or it was cancelled)."""
        written = await outbox.texts(self.db, broadcast.id)
        if broadcast.state == "queued":
            due = datetime.fromisoformat(broadcast.send_at) if broadcast.send_at else None
            late = due is not None and datetime.now(UTC) - due > LATE_AFTER
            await outbox.start(self.db, broadcast.id, late)
            broadcast = await outbox.get(self.db, broadcast.id) or broadcast
            if self._on_start is not None:
                await self._on_start(broadcast, written)
        texts = self._render(written)
        gate = asyncio.Semaphore(self.in_flight)
        clock = asyncio.get_running_loop().time
        started, last_report = clock(), 0.0
        sent_before = (await outbox.counts(self.db, broadcast.id))["sent"]  # after a restart
        while True:
            current = await outbox.get(self.db, broadcast.id)
            if current is None or current.state == "cancelled":
                break
            batch = await outbox.pending(self.db, broadcast.id, BATCH)
            if not batch:
                break
            tasks: list[asyncio.Task[None]] = []
            for first in range(0, len(batch), self.claim_ahead):
                # Claiming is not sending: claimed messages that never left go back to pending
                # after a crash. So a chunk is claimed ahead in one statement, and each message
                # then waits for a slot (a slot frees when a message's outcome is written).
                claimed = await outbox.claim_many(self.db, batch[first : first + self.claim_ahead])
                if await self._cancelled(broadcast.id, claimed):
                    break
                for item in claimed:
                    await gate.acquire()
                    tasks.append(asyncio.create_task(self._deliver(gate, texts, item)))
                if self._progress is not None and clock() - last_report >= 3.0:
                    last_report = clock()
                    counts = await outbox.counts(self.db, broadcast.id)
                    rate = (counts["sent"] - sent_before) / max(clock() - started, 1e-6)
                    await self._report(current, counts, rate, final=False)
            await asyncio.gather(*tasks)
        await outbox.finish(self.db, broadcast.id)
        final = await outbox.get(self.db, broadcast.id) or broadcast
        counts = await outbox.counts(self.db, broadcast.id)
        rate = (counts["sent"] - sent_before) / max(clock() - started, 1e-6)
        await self._report(final, counts, rate, final=True)

    async def _cancelled(self, broadcast_id: int, claimed: list[Delivery]) -> bool:
        """True when staff cancelled meanwhile; the claimed messages are then not sent."""
        current = await outbox.get(self.db, broadcast_id)
        if current is not None and current.state != "cancelled":
            return False
        await outbox.settle_many(self.db, [(item, "cancelled", None) for item in claimed])
        return True

    async def _report(
        self, broadcast: Broadcast, counts: dict[str, int], rate: float, final: bool
    ) -> None:
        if self._progress is None:
            return
        try:
            await self._progress(broadcast, counts, rate, final)
        except TelegramError as exc:  # a progress message must never stop the delivery
            log.warning("progress report for broadcast %s failed: %s", broadcast.id, exc)

    async def _deliver(
        self, gate: asyncio.Semaphore, texts: dict[str, str], item: Delivery
    ) -> None:
        """Send one claimed delivery and write its outcome; its slot frees only then, so the
        messages that may arrive twice after a crash are never more than `in_flight`."""
        try:
            state, error = await self._send_one(texts, item)
            await self._settle(item, state, error)
        finally:
            gate.release()

    async def _send_one(self, texts: dict[str, str], item: Delivery) -> tuple[str, str | None]:
        await self.budget.take()
        text = texts.get(item.language) or next(iter(texts.values()))
        try:
            await self.bot.send_message(
                item.chat_id,
                text,
                parse_mode=ParseMode.HTML,
                allow_paid_broadcast=True if self.paid else None,
            )
        except RetryAfter as exc:
            seconds = exc.retry_after
            wait = seconds.total_seconds() if isinstance(seconds, timedelta) else seconds
            self.budget.pause(float(wait))
            return "pending", "RetryAfter"
        except Forbidden as exc:
            return "blocked", exc.message
        except BadRequest as exc:
            gone = any(reason in exc.message.lower() for reason in GONE)
            return ("blocked" if gone else "failed"), exc.message
        except NetworkError as exc:  # includes TimedOut
            attempts = item.attempts + 1
            if attempts >= MAX_ATTEMPTS:
                return "failed", f"{type(exc).__name__}: {exc}"
            await asyncio.sleep(min(30.0, 0.2 * 2**attempts))
            return "pending", type(exc).__name__
        return "sent", None

    async def _settle(self, item: Delivery, state: str, error: str | None) -> None:
        """Write an outcome at once. Outcomes that arrive while one write runs are written
        together by the next one (one transaction for many, at a thousand messages a second)."""
        done = asyncio.get_running_loop().create_future()
        self._outcomes.append((item, state, error, done))
        if not self._writing:
            self._writing = True
            try:
                while self._outcomes:
                    batch, self._outcomes = self._outcomes, []
                    try:
                        await outbox.settle_many(self.db, [(d, s, e) for d, s, e, _ in batch])
                    except Exception as exc:
                        for *_, waiting in batch:
                            waiting.set_exception(exc)
                        continue
                    for *_, waiting in batch:
                        waiting.set_result(None)
            finally:
                self._writing = False
        await done
