"""The outbox worker: delivers queued broadcasts at Telegram's pace, inside the bot process.

Each delivery is claimed ('sending') before it is handed to Telegram and settled at once:
sent; blocked (403, or a chat that no longer exists: the subscription ends); RetryAfter (the
worker pauses for retry_after, the delivery goes back to pending); timeouts and network errors
(retried with backoff, MAX_ATTEMPTS times, then failed with the reason). On start-up, claims
left by a crash go back to pending: a message handed to Telegram just before a crash may arrive
twice. That window is the messages in flight at that moment, kept to one whenever the link is
fast enough for the configured rate (see bot/broadcasting/in_flight.py).
"""

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from telegram import Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.broadcasting.in_flight import InFlight
from bot.broadcasting.pictures import Pictures
from bot.broadcasting.send_budget import BROADCAST, SendBudget, retry_seconds
from storage import outbox
from storage.db import Database
from storage.outbox import Broadcast, Delivery

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
POLL_SECONDS = 1.0
LATE_AFTER = timedelta(minutes=2)  # a scheduled broadcast started later than this is "late"
GONE = ("chat not found", "user is deactivated", "bot was kicked", "chat was deleted")

Progress = Callable[[Broadcast, dict[str, int], float, bool], Awaitable[None]]
Render = Callable[[dict[str, str]], dict[str, str]]
OnStart = Callable[[Broadcast, dict[str, str]], Awaitable[None]]


class BroadcastWorker:
    """Sends every due broadcast, one at a time, with as few messages in flight as its rate
    allows (`InFlight`)."""

    def __init__(
        self,
        bot: ExtBot[str],
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
        # Claimed per statement: half a second's worth at most, so that a cancel takes effect
        # soon. Claimed is not sent: after a crash, claims that never left go back to pending.
        self.claim_ahead = max(1, min(64, math.ceil(budget.rate / 2)))
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
        pictures = await Pictures.load(self.db, broadcast.id)
        gate = InFlight(self.budget.rate)
        clock = asyncio.get_running_loop().time
        started, last_report = clock(), 0.0
        sent_before = (await outbox.counts(self.db, broadcast.id))["sent"]  # after a restart
        running: set[asyncio.Task[None]] = set()
        after: int | None = None  # the last chat claimed in this pass over the recipients
        while True:
            batch = await outbox.pending(self.db, broadcast.id, self.claim_ahead, after=after)
            if not batch:
                if not running:
                    break
                # Retries went back to pending behind us: once the rest is settled, go round
                # again from the first recipient.
                await asyncio.gather(*running)
                after = None
                continue
            after = batch[-1].chat_id
            claimed = await outbox.claim_many(self.db, batch)
            current = await self._unless_cancelled(broadcast.id, claimed)
            if current is None:
                break
            for item in claimed:
                await gate.enter()
                task = asyncio.create_task(self._deliver(gate, texts, pictures, item))
                running.add(task)
                task.add_done_callback(_forget(running))
            if self._progress is not None and clock() - last_report >= 3.0:
                last_report = clock()
                counts = await outbox.counts(self.db, broadcast.id)
                rate = (counts["sent"] - sent_before) / max(clock() - started, 1e-6)
                await self._report(current, counts, rate, final=False)
        await asyncio.gather(*running)
        await outbox.finish(self.db, broadcast.id)
        final = await outbox.get(self.db, broadcast.id) or broadcast
        if final.state == "sending":  # a delivery is still claimed after a logged surprise
            return
        counts = await outbox.counts(self.db, broadcast.id)
        rate = (counts["sent"] - sent_before) / max(clock() - started, 1e-6)
        await self._report(final, counts, rate, final=True)

    async def _unless_cancelled(
        self, broadcast_id: int, claimed: list[Delivery]
    ) -> Broadcast | None:
        """The broadcast, or None when staff cancelled it meanwhile: the claimed messages are
        then not sent."""
        current = await outbox.get(self.db, broadcast_id)
        if current is not None and current.state != "cancelled":
            return current
        await outbox.settle_many(self.db, [(item, "cancelled", None) for item in claimed])
        return None

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
        self, gate: InFlight, texts: dict[str, str], pictures: Pictures, item: Delivery
    ) -> None:
        """Send one claimed delivery and write its outcome; its place in the gate frees only
        then, so the messages that may arrive twice after a crash are never more than the
        gate allows."""
        round_trip: float | None = None
        try:
            await self.budget.take()
            handed = time.perf_counter()
            state, error = await self._send_one(texts, pictures, item)
            await self._settle(item, state, error)
            if state != "pending":  # a retry's backoff is not a round trip
                round_trip = time.perf_counter() - handed
        finally:
            await gate.leave(round_trip)

    async def _send_one(
        self, texts: dict[str, str], pictures: Pictures, item: Delivery
    ) -> tuple[str, str | None]:
        text = texts.get(item.language) or next(iter(texts.values()))
        try:
            picture = pictures.language_of(item.language)
            if picture is None:
                await self.bot.send_message(
                    item.chat_id,
                    text,
                    parse_mode=ParseMode.HTML,
                    allow_paid_broadcast=True if self.paid else None,
                    rate_limit_args=BROADCAST,  # its token was taken: the budget must not count it
                )
            else:  # the text is the picture's caption: still one message per subscriber

                def photo(image: bytes | str) -> Awaitable[Message]:
                    return self.bot.send_photo(
                        item.chat_id,
                        image,
                        caption=text,
                        parse_mode=ParseMode.HTML,
                        allow_paid_broadcast=True if self.paid else None,
                        rate_limit_args=BROADCAST,
                    )

                await pictures.send(picture, photo)
        except RetryAfter as exc:
            self.budget.pause(retry_seconds(exc))
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
        except TelegramError as exc:  # anything else Telegram refuses: not sent, say why
            return "failed", f"{type(exc).__name__}: {exc.message}"
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


def _forget(running: set[asyncio.Task[None]]) -> Callable[[asyncio.Task[None]], None]:
    """A finished delivery leaves the running set; a surprise in it goes to the log (its
    delivery stays claimed and is sent again after the next start)."""

    def done(task: asyncio.Task[None]) -> None:
        running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a delivery failed", exc_info=task.exception())

    return done
