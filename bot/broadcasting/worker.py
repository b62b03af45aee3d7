"""The outbox worker: delivers queued broadcasts at Telegram's pace, inside the bot process.

Each delivery is claimed ('sending') before it is handed to Telegram and settled at once. What
a failed send says decides what happens next (docs/DESIGN-NOTES.md, Broadcasts):

- a refusal of this one message: blocked (403, or a chat that no longer exists: the
  subscription ends) or failed (any other refusal, with the reason); the broadcast goes on;
- RetryAfter: the broadcast pauses for retry_after; the delivery goes back to pending;
- the request never left (connection refused, DNS, a connect or pool timeout: the HTTP
  library says so): back to pending, and the whole broadcast waits until Telegram answers
  again (`Outage`: growing pauses, up to minutes);
- a timeout or any other network error or 5xx once the request may have left: Telegram may
  have delivered the message, and nothing can tell. The delivery is 'uncertain', never sent
  again on its own, and the broadcast waits as above. The author sees how many, and may send
  the message again to exactly those (bot/broadcasting/uncertain.py).

A write the database refuses (a full disk, or any other error) pauses the worker as well: the
outcomes wait in memory and the write is tried again after growing pauses; their places in the
gate stay taken meanwhile, so no further message is handed over.

On start-up, claims left by a crash go back to pending: a message handed to Telegram just
before a crash (or a stop while the disk was full) may arrive twice. That window is the
messages in flight at that moment, kept to one whenever the link is fast enough for the
configured rate (see bot/broadcasting/in_flight.py).
"""

import asyncio
import logging
import math
import socket
import sqlite3
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import NamedTuple, Protocol, TypeVar

import aiohttp
import httpx
from telegram import InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import ExtBot

from bot.broadcasting.in_flight import Backoff, InFlight, Outage
from bot.broadcasting.pictures import Pictures
from bot.broadcasting.progress import Waiting
from bot.broadcasting.send_budget import BROADCAST, SendBudget, retry_seconds
from storage import outbox
from storage.db import Database
from storage.outbox import UNCERTAIN, Broadcast, Delivery

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
LATE_AFTER = timedelta(minutes=2)  # a scheduled broadcast started later than this is "late"
GONE = ("chat not found", "user is deactivated", "bot was kicked", "chat was deleted")
# What the HTTP library raises only before a request leaves (python-telegram-bot keeps it as
# the cause): nothing reached Telegram, so the message is sent after the pause.
NEVER_LEFT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ProxyError,
    # The same for aiohttp (bot/chat/aiohttp_request.py): no connection, or none in time
    # (its connect timeout covers the wait for a pooled one); a proxy refusing is one too.
    aiohttp.ClientConnectorError,
    aiohttp.ConnectionTimeoutError,
    ConnectionRefusedError,
    socket.gaierror,
)
PROBE_TEXT = "<"  # not HTML: refused even if it were addressed to a chat
T = TypeVar("T")

__all__ = ["Backoff", "BroadcastWorker", "never_left"]


class Progress(Protocol):
    """Staff's progress message: the broadcast, its counts, the rate, whether it is the final
    report, and why it waits (if it does)."""

    async def __call__(
        self,
        broadcast: Broadcast,
        counts: dict[str, int],
        rate: float,
        final: bool,
        waiting: Waiting | None = None,
    ) -> None: ...


# (kind, written texts, sent as a picture's caption) -> the message per language
Render = Callable[[str, dict[str, str], bool], dict[str, str]]
# The buttons under each language's message of a broadcast of this kind (none: no buttons).
Keyboards = Callable[[str], Mapping[str, InlineKeyboardMarkup]]
OnStart = Callable[[Broadcast, dict[str, str]], Awaitable[None]]


class Outcome(NamedTuple):
    """What became of one send: the delivery's new state, the reason, and whether Telegram
    itself is in trouble (the whole broadcast then waits)."""

    state: str
    error: str | None = None
    trouble: bool = False


@dataclass
class _Current:
    """The broadcast being sent, for the progress reports."""

    broadcast: Broadcast
    started: float
    sent_before: int  # sent before this start (after a restart)


def never_left(error: BaseException) -> bool:
    """True when a failed request certainly did not reach Telegram."""
    seen: BaseException | None = error
    for _ in range(8):  # a cause chain is short; never loop on a cycle
        if seen is None:
            return False
        if isinstance(seen, NEVER_LEFT):
            return True
        seen = seen.__cause__
    return False


class BroadcastWorker:
    """Sends every due broadcast, one at a time, with as few messages in flight as its rate
    allows (`InFlight`), none while Telegram does not answer (`Outage`)."""

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
        keyboards: Keyboards | None = None,
    ) -> None:
        self.bot, self.db, self.budget, self.paid = bot, db, budget, paid
        # Claimed per statement: half a second's worth at most, so that a cancel takes effect
        # soon. Claimed is not sent: after a crash, claims that never left go back to pending.
        self.claim_ahead = max(1, min(64, math.ceil(budget.rate / 2)))
        # The pauses while Telegram does not answer or the database refuses a write (tests
        # make them short).
        self.backoff = Backoff()
        self._progress = progress  # staff's progress message
        self._tick = tick  # called every round, e.g. to queue the voting reminder
        # The texts staff wrote -> the message for every language (notes for untranslated).
        self._render = render or (lambda kind, written, caption: written)
        self._keyboards = keyboards
        self._on_start = on_start  # news into the archive, a phase change: when sending starts
        self._wake = asyncio.Event()
        self._outcomes: list[tuple[Delivery, str, str | None, asyncio.Future[bool]]] = []
        self._writing = False
        self._write_pauses = 0  # how often a write had to wait for the database
        self._task: asyncio.Task[None] | None = None
        self._outage = Outage(self._probe, self._telegram_waiting)
        self._current: _Current | None = None
        self._before_send: dict[asyncio.Task[None], Delivery] = {}  # claimed, not handed over
        self._cancelled: set[int] = set()  # broadcasts found cancelled while they waited
        self._stopping = False

    def start(self) -> None:
        """Run in the background (called in post_init, after recovery)."""
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name="broadcast-worker")

    def wake(self) -> None:
        """Look for due broadcasts now (a broadcast was just queued)."""
        self._wake.set()

    async def stop(self) -> None:
        """Stop after the messages in flight (those not yet handed over stay for the next
        start); a write the database refuses is not waited for then."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        await self._outage.close()

    async def _run(self) -> None:
        recovered = await self._stored(partial(outbox.recover, self.db), "the recovery")
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
            await self._stored(partial(outbox.start, self.db, broadcast.id, late), "a start")
            broadcast = await outbox.get(self.db, broadcast.id) or broadcast
            # A resend to the uncertain recipients archives nothing and changes no phase again.
            if self._on_start is not None and broadcast.resend_of is None:
                await self._on_start(broadcast, written)
        pictures = await Pictures.load(self.db, broadcast.id)
        texts = self._render(broadcast.kind, written, bool(pictures))
        keyboards = self._keyboards(broadcast.kind) if self._keyboards else {}
        gate = InFlight(self.budget.rate)
        clock = asyncio.get_running_loop().time
        sent_before = (await outbox.counts(self.db, broadcast.id))["sent"]  # after a restart
        self._current = _Current(broadcast, clock(), sent_before)
        last_report = -3.0
        running: set[asyncio.Task[None]] = set()
        after: int | None = None  # the last chat claimed in this pass over the recipients
        try:
            while True:
                # The author sees the progress message from the start (every 3 s an update):
                # while Telegram is down, the outage edits it.
                if clock() - last_report >= 3.0 and not self._outage.down:
                    last_report = clock()
                    await self._report(final=False)
                batch = await outbox.pending(self.db, broadcast.id, self.claim_ahead, after=after)
                if not batch:
                    if not running:
                        break
                    # Messages went back to pending behind us: once the rest is settled, go
                    # round again from the first recipient.
                    await asyncio.wait(set(running))
                    after = None
                    continue
                after = batch[-1].chat_id
                claimed = await self._stored(partial(outbox.claim_many, self.db, batch), "claims")
                if await self._cancelled_now(broadcast.id, claimed):
                    break
                for item in claimed:
                    await gate.enter()
                    task = asyncio.create_task(
                        self._deliver(gate, texts, keyboards, pictures, item)
                    )
                    running.add(task)
                    task.add_done_callback(_forget(running))
            if running:
                await asyncio.wait(set(running))
        except BaseException:
            await self._abandon(running)
            raise
        await self._stored(partial(outbox.finish, self.db, broadcast.id), "the end of a broadcast")
        final = await outbox.get(self.db, broadcast.id) or broadcast
        if final.state == "sending":  # a delivery is still claimed after a logged surprise
            return
        await self._report(final=True)
        self._current = None

    async def _cancelled_now(self, broadcast_id: int, claimed: list[Delivery]) -> bool:
        """True when staff cancelled the broadcast meanwhile: the claimed messages are then
        not sent."""
        current = await outbox.get(self.db, broadcast_id)
        if current is not None and current.state != "cancelled":
            if self._current is not None:
                self._current.broadcast = current
            return False
        self._cancelled.add(broadcast_id)  # and those waiting for Telegram are not sent either
        outcomes = [(item, "cancelled", None) for item in claimed]
        await self._stored(partial(outbox.settle_many, self.db, outcomes), "cancellations")
        return True

    async def _abandon(self, running: set[asyncio.Task[None]]) -> None:
        """The worker stops (or met a surprise) in the middle of a broadcast: messages not yet
        handed over are not sent now (they go back to pending); those with Telegram get their
        outcome written if the database takes it."""
        waiting = {task: item for task, item in self._before_send.items() if task in running}
        for task in waiting:
            task.cancel()
        if running:
            await asyncio.wait(set(running))
        if waiting:
            try:
                outcomes = [(item, "pending", None) for item in waiting.values()]
                await outbox.settle_many(self.db, outcomes)
            except sqlite3.Error:
                pass  # still claimed: back to pending at the next start all the same

    async def _report(self, final: bool, waiting: Waiting | None = None) -> None:
        """Send or update the author's progress message; a progress message must never stop
        the delivery (nor does a failed read for it)."""
        current = self._current
        if current is None or self._progress is None:
            return
        try:
            found = await outbox.get(self.db, current.broadcast.id)
            if found is not None:
                current.broadcast = found
                if found.state == "cancelled":  # noticed while waiting: send nothing more
                    self._cancelled.add(found.id)
            counts = await outbox.counts(self.db, current.broadcast.id)
            seconds = max(asyncio.get_running_loop().time() - current.started, 1e-6)
            rate = (counts["sent"] - current.sent_before) / seconds
            await self._progress(current.broadcast, counts, rate, final, waiting)
        except (TelegramError, sqlite3.Error) as exc:
            log.warning("progress report for broadcast %s failed: %s", current.broadcast.id, exc)

    async def _telegram_waiting(self, next_try: float | None) -> None:
        """The outage's news for the author: waiting (next try in so many seconds), or back."""
        since = self._outage.since
        if next_try is None or since is None:
            await self._report(final=False)
        else:
            moment = datetime.fromtimestamp(since, UTC)
            await self._report(final=False, waiting=Waiting(True, moment, next_try))

    async def _probe(self) -> bool:
        """Whether Telegram answers a sendMessage again. The probe cannot deliver anything: it
        is addressed to the bot itself (a bot cannot write to a bot) and its text does not
        parse as HTML; Telegram refuses it (400 or 403) when it works."""
        try:
            await self.bot.send_message(
                self.bot.id, PROBE_TEXT, parse_mode=ParseMode.HTML, rate_limit_args=BROADCAST
            )
        except (BadRequest, Forbidden, RetryAfter):
            return True
        except TelegramError:
            return False
        except Exception:  # a surprise is not an answer; the log has it
            log.exception("probing Telegram failed")
            return False
        return True

    async def _deliver(
        self,
        gate: InFlight,
        texts: dict[str, str],
        keyboards: Mapping[str, InlineKeyboardMarkup],
        pictures: Pictures,
        item: Delivery,
    ) -> None:
        """Send one claimed delivery and write its outcome; its place in the gate frees only
        then, so the messages that may arrive twice after a crash are never more than the
        gate allows."""
        round_trip: float | None = None
        task = asyncio.current_task()
        assert task is not None
        self._before_send[task] = item
        try:
            while True:
                await self._outage.ready()
                await self.budget.take()
                if not self._outage.down:  # it may have begun while this waited for a token
                    break
            del self._before_send[task]
            if item.broadcast_id in self._cancelled:
                await self._settle(item, "cancelled", None)
                return
            handed = time.perf_counter()
            outcome = await self._send_one(texts, keyboards, pictures, item)
            if outcome.trouble:
                self._outage.begin(self.backoff, outcome.error or "")
            elif outcome.state == "sent":
                self._outage.went_through()
            try:
                at_once = await self._settle(item, outcome.state, outcome.error)
            except sqlite3.Error:  # only while stopping: until then a write is tried again
                log.warning(
                    "stopping while the database refuses writes: an outcome was not written, "
                    "so that message is sent again at the next start"
                )
                return
            # Only an answer from Telegram, written without waiting, is a round trip.
            if at_once and outcome.state in ("sent", "blocked", "failed"):
                round_trip = time.perf_counter() - handed
        finally:
            self._before_send.pop(task, None)
            await gate.leave(round_trip)

    async def _send_one(
        self,
        texts: dict[str, str],
        keyboards: Mapping[str, InlineKeyboardMarkup],
        pictures: Pictures,
        item: Delivery,
    ) -> Outcome:
        text = texts.get(item.language) or next(iter(texts.values()))
        keyboard = keyboards.get(item.language)
        try:
            picture = pictures.language_of(item.language)
            if picture is None:
                await self.bot.send_message(
                    item.chat_id,
                    text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard,
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
                        reply_markup=keyboard,
                        allow_paid_broadcast=True if self.paid else None,
                        rate_limit_args=BROADCAST,
                    )

                await pictures.send(picture, photo)
        except RetryAfter as exc:
            self.budget.pause(retry_seconds(exc))
            return Outcome("pending", "RetryAfter")
        except Forbidden as exc:
            return Outcome("blocked", exc.message)
        except BadRequest as exc:  # before NetworkError: python-telegram-bot derives it from it
            gone = any(reason in exc.message.lower() for reason in GONE)
            return Outcome("blocked" if gone else "failed", exc.message)
        except InvalidToken as exc:  # Telegram refuses the bot itself: not sent, wait
            return Outcome("pending", f"InvalidToken: {exc.message}", trouble=True)
        except NetworkError as exc:  # timeouts, 5xx, connections lost or never made
            reason = f"{type(exc).__name__}: {exc.message}"
            if never_left(exc):
                return Outcome("pending", reason, trouble=True)
            return Outcome(UNCERTAIN, reason, trouble=True)
        except TelegramError as exc:  # anything else Telegram refuses: not sent, say why
            return Outcome("failed", f"{type(exc).__name__}: {exc.message}")
        return Outcome("sent")

    async def _settle(self, item: Delivery, state: str, error: str | None) -> bool:
        """Write an outcome at once; True when the database took it without a pause. Outcomes
        that arrive while one write runs (or waits for the database) are written together by
        the next one (one transaction for many, at a thousand messages a second)."""
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._outcomes.append((item, state, error, done))
        if not self._writing:
            self._writing = True
            batch: list[tuple[Delivery, str, str | None, asyncio.Future[bool]]] = []
            try:
                while self._outcomes:
                    batch, self._outcomes = self._outcomes, []
                    pauses = self._write_pauses
                    outcomes = [(d, s, e) for d, s, e, _ in batch]
                    what = f"{len(outcomes)} delivery outcome(s)"
                    await self._stored(partial(outbox.settle_many, self.db, outcomes), what)
                    for *_, waiting in batch:
                        waiting.set_result(self._write_pauses == pauses)
                    batch = []
            except BaseException:  # stopping: these outcomes are not written (their claims
                # go back to pending at the next start: the documented window)
                for *_, waiting in batch + self._outcomes:
                    waiting.cancel()
                self._outcomes = []
                raise
            finally:
                self._writing = False
        return await done

    async def _stored(self, write: Callable[[], Awaitable[T]], what: str) -> T:
        """Run one of the worker's writes until the database takes it. A refused write (a full
        disk: 'database or disk is full', or any other error) pauses the worker: nothing more
        is handed to Telegram meanwhile, the outcomes wait in memory, and the write is tried
        again after growing pauses. Not while stopping: the write then fails."""
        step = 0
        since = datetime.now(UTC)
        while True:
            try:
                result = await write()
            except sqlite3.Error as exc:
                if self._stopping:
                    raise
                wait = self.backoff.wait(step)
                if step == 0:
                    self._write_pauses += 1
                    log.error(
                        "cannot write %s to the database (%s): broadcasts are paused, the "
                        "outcomes kept in memory; trying again in %.1f s",
                        what, exc, wait,
                    )  # fmt: skip
                else:
                    log.warning(
                        "still cannot write %s to the database (%s); trying again in %.1f s",
                        what, exc, wait,
                    )  # fmt: skip
                step += 1
                await self._report(final=False, waiting=Waiting(False, since, wait))
                await asyncio.sleep(wait)
                continue
            if step:
                log.info("the database took %s after %d tries: broadcasts continue", what, step)
            return result


def _forget(running: set[asyncio.Task[None]]) -> Callable[[asyncio.Task[None]], None]:
    """A finished delivery leaves the running set; a surprise in it goes to the log (its
    delivery stays claimed and is sent again after the next start)."""

    def done(task: asyncio.Task[None]) -> None:
        running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a delivery failed", exc_info=task.exception())

    return done
