"""From Telegram to the handlers: fetched, read, handled in order, confirmed once handled.

- Concurrent across people, ordered per person (DESIGN rule 8): `PerUserUpdateProcessor`
  runs updates of different users concurrently, so one slow Bot API call does not hold
  everybody up; updates of the same user wait for each other and run in arrival order, so two
  quick taps never race.
- Confirmed only once handled: Telegram forgets an update when getUpdates is called with an
  offset above its id. python-telegram-bot's Updater asks for the next batch (and so confirms
  the last one) as soon as the last one is queued; `PollingBot.get_updates` asks once at
  most half of them are still being handled, with an offset only past the updates already
  handled (`Deliveries`), and skips the ones still in hand that Telegram sends again. A crash
  then costs a redelivery, never an update; redelivery is harmless (below). Not waiting for
  the whole batch keeps the slowest update of a batch from holding up the next
  (docs/DESIGN-NOTES.md, "Speed").
- Read one by one: python-telegram-bot reads a whole batch at once, and one update it cannot
  read (a field that a newer Bot API added and an older server leaves out) fails the batch,
  which it then fetches again at once, forever. `PollingBot` reads each update by itself,
  skips (and confirms) one it cannot read, and logs its id and kind, never its content.
- Delivered twice: the processor remembers the ids of recent updates and skips one it has
  seen; after a restart that memory is gone, and each change is idempotent by itself
  (docs/DESIGN-NOTES.md, "Concurrency").
- Saved: code that committed a change calls `note_saved()`, so that when something fails
  afterwards (an answer from Telegram lost) the error handler can say the change was saved.
"""

import asyncio
import contextlib
import datetime as dtm
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update
from telegram._utils.defaultvalue import DEFAULT_NONE, DefaultValue
from telegram._utils.types import JSONDict, ODVInput, TimePeriod
from telegram.constants import ParseMode
from telegram.ext import BaseRateLimiter, BaseUpdateProcessor, Defaults, ExtBot
from telegram.request import BaseRequest

log = logging.getLogger(__name__)

UpdateHook = Callable[[object], None]

# How long an update may stay unconfirmed while it is being handled. Far longer than any
# handler takes (Bot API calls time out after seconds); after that the stuck
# ones are confirmed all the same, so that one hung update cannot make the bot deaf.
PATIENCE = 60.0
# On shutdown: how long the last getUpdates waits before it hands back (leaves unconfirmed)
# the updates that are still being handled. Stopping waits for them all the same; handed back,
# Telegram delivers them again after the restart, which is harmless.
FAREWELL = 3.0
# While updates are in hand, the next getUpdates waits until at most half of them are, but no
# longer than this: one slow update (an export, an upload) holds up the others' taps at most
# this long, not until it is done.
STEP = 0.2
REMEMBERED = 10_000  # update ids the processor remembers, to skip one delivered twice


# --- the saved mark -------------------------------------------------------------------------


@dataclass
class _Progress:
    saved: bool = False


_PROGRESS: ContextVar[_Progress | None] = ContextVar("update_progress", default=None)


def note_saved() -> None:
    """Mark the update being handled: a change it asked for is committed. Call it right after
    the storage call returned; the error handler then tells the person that the change was
    saved, whatever fails after it."""
    progress = _PROGRESS.get()
    if progress is not None:
        progress.saved = True


def saved_in_this_update() -> bool:
    """Whether the update being handled committed a change (see `note_saved`)."""
    progress = _PROGRESS.get()
    return progress is not None and progress.saved


# --- confirming only what was handled -------------------------------------------------------


class Deliveries:
    """The updates fetched from Telegram and not yet handled, and the offset that confirms
    everything else. `PollingBot` records what it fetched; the processor what it handled.

    Pipelined: the next getUpdates need not wait until the whole last batch is handled. It
    goes out once at most half of the updates in hand are still being handled (or after
    `STEP`), with an offset only past the oldest update still in hand (so nothing unhandled is
    confirmed). Telegram then sends the updates in hand once more, with the new ones; those in
    hand, and those handled while an older one was still in hand, are skipped (`known`).
    Waiting for half keeps what Telegram sends again to about as much as is new.
    """

    def __init__(self, patience: float = PATIENCE, farewell: float = FAREWELL) -> None:
        self.patience = patience
        self.farewell = farewell
        self._open: dict[int, float] = {}  # id -> when it came (loop time)
        # Handled (or given up on) but not yet confirmed by the offset of a getUpdates sent:
        # Telegram may send them again; skipped until an offset sent passes them.
        self._handled_above: set[int] = set()
        self._next: int | None = None  # one above the highest update id received
        self._enough_at: int | None = None  # the next getUpdates waits for this few in hand
        self._enough = asyncio.Event()
        self._settled = asyncio.Event()
        self._settled.set()

    @property
    def open(self) -> frozenset[int]:
        """Ids fetched and not yet handled."""
        return frozenset(self._open)

    def known(self, update_id: int) -> bool:
        """Whether this update came before and is in hand, or was handled but not confirmed."""
        return update_id in self._open or update_id in self._handled_above

    def received(self, update_id: int, *, handle: bool = True) -> None:
        """An update came with getUpdates: to be handled (or, `handle=False`, skipped)."""
        self._next = max(self._next or 0, update_id + 1)
        if handle:
            self._open[update_id] = asyncio.get_running_loop().time()
            self._settled.clear()

    def handled(self, update_id: int) -> None:
        """The update has been handled (its handlers ran, successfully or not)."""
        if self._open.pop(update_id, None) is None:
            return  # given up on after the patience ran out, or never fetched (webhook)
        # A getUpdates on its way with an older offset brings it back: skip it then.
        self._handled_above.add(update_id)
        if not self._open:
            self._settled.set()
        if self._enough_at is not None and len(self._open) <= self._enough_at:
            self._enough.set()

    def _confirmable(self) -> int | None:
        # Everything below the oldest update in hand is handled (or skipped); what this
        # offset confirms, Telegram never sends again.
        found = min(self._open) if self._open else self._next
        if found is not None:
            self._handled_above = {i for i in self._handled_above if i >= found}
        return found

    def _give_up_overdue(self) -> None:
        """Confirm, all the same, updates still running after the patience: one hung update
        must not make the bot deaf."""
        now = asyncio.get_running_loop().time()
        overdue = sorted(i for i, came in self._open.items() if now - came >= self.patience)
        if not overdue:
            return
        log.warning(
            "updates %s still running after %.0f s: confirmed all the same",
            overdue,
            self.patience,
        )
        for update_id in overdue:
            del self._open[update_id]
            self._handled_above.add(update_id)
        if not self._open:
            self._settled.set()

    async def _wait(self, event: asyncio.Event, seconds: float) -> None:
        # Not asyncio.wait_for: in Python 3.11 it swallows a cancellation that comes as the
        # wait ends, and a stopped Updater's long poll would then hold the one connection its
        # last getUpdates needs.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(seconds, 0.0)):
                await event.wait()

    async def offset(self, asked: int | None, *, closing: bool) -> int | None:
        """The offset for the next getUpdates, once at most half of the updates in hand are
        still being handled (or after STEP, or when the oldest is overdue): past every update
        handled, never past one still in hand.

        `closing`: the last call before shutdown, which waits a short while for the updates
        in hand and hands back (leaves unconfirmed) what is still being handled then.
        """
        if closing:
            if self._open:
                await self._wait(self._settled, self.farewell)
            if self._open:
                log.info("updates %s were not handled yet: left to Telegram", sorted(self._open))
        elif self._open:
            loop = asyncio.get_running_loop()
            overdue_in = min(self._open.values()) + self.patience - loop.time()
            seconds = min(overdue_in, STEP)
            if seconds > 0:
                self._enough_at = len(self._open) // 2
                self._enough.clear()
                try:
                    await self._wait(self._enough, seconds)
                finally:
                    self._enough_at = None
            self._give_up_overdue()
        found = self._confirmable()
        return asked if found is None else found


def _seconds(timeout: TimePeriod | None) -> float:
    if isinstance(timeout, dtm.timedelta):
        return timeout.total_seconds()
    return float(timeout or 0)


class PollingBot(ExtBot[str]):
    """The bot's ExtBot, whose getUpdates confirms only handled updates and skips updates the
    library cannot read (see the module's docstring)."""

    __slots__ = ("_polling_request", "deliveries")

    def __init__(
        self,
        deliveries: Deliveries,
        token: str,
        *,
        base_url: str,
        request: BaseRequest,
        get_updates_request: BaseRequest,
        defaults: Defaults,
        rate_limiter: BaseRateLimiter[str],
    ) -> None:
        super().__init__(
            token,
            base_url=base_url,
            request=request,
            get_updates_request=get_updates_request,
            defaults=defaults,
            rate_limiter=rate_limiter,
        )
        with self._unfrozen():  # python-telegram-bot freezes its bots after __init__
            self.deliveries = deliveries
            self._polling_request = get_updates_request

    async def initialize(self) -> None:
        """As python-telegram-bot's, but a start that fails (a rejected token, no answer)
        closes the HTTP connections it opened: nothing else would, and an unclosed aiohttp
        session complains on stderr below the one line that says what went wrong."""
        try:
            await super().initialize()
        except BaseException:
            await self.shutdown()
            raise

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: TimePeriod | None = None,
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: JSONDict | None = None,
    ) -> tuple[Update, ...]:
        """getUpdates, as python-telegram-bot's, but: wait until the last batch was handled
        before confirming it, and read each update by itself, skipping unreadable ones.

        A call with timeout 0 is the Updater's last one on shutdown (it only confirms; what it
        returns is dropped): it waits a short while only and fetches nothing.
        """
        closing = timeout is not None and _seconds(timeout) == 0
        offset = await self.deliveries.offset(offset, closing=closing)
        data: JSONDict = {
            "timeout": timeout,
            "offset": offset,
            "limit": limit,
            "allowed_updates": allowed_updates,
        }
        # As python-telegram-bot computes it: the long poll's time on top of the read timeout.
        if isinstance(read_timeout, DefaultValue):
            waited = self._polling_request.read_timeout or 0.0
        else:
            waited = read_timeout or 0.0
        result = await self._post(
            "getUpdates",
            data,
            read_timeout=waited + _seconds(timeout),
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
            api_kwargs=api_kwargs,
        )
        if closing:
            return ()
        return tuple(self._read(result if isinstance(result, list) else []))

    def _read(self, raw: Iterable[object]) -> Iterable[Update]:
        for item in raw:
            number = item.get("update_id") if isinstance(item, dict) else None
            update_id = number if isinstance(number, int) else None
            if update_id is not None and self.deliveries.known(update_id):
                continue  # fetched before: still being handled, or handled and not confirmed
            try:
                update = Update.de_json(item if isinstance(item, dict) else {}, self)
            except Exception as error:  # whatever the library raises: skip the update
                kind = _kind(item)
                log.warning(
                    "update %s skipped: python-telegram-bot cannot read this %s update (%s)",
                    update_id,
                    kind,
                    type(error).__name__,
                )
                if update_id is not None:
                    self.deliveries.received(update_id, handle=False)
                continue
            self.deliveries.received(update.update_id)
            self.insert_callback_data(update)
            yield update

    async def edit_screen(
        self, message: Message, text: str, keyboard: InlineKeyboardMarkup | None
    ) -> None:
        """editMessageText (HTML) of a message the bot sent, without reading the edited
        message Telegram sends back: python-telegram-bot would build a whole Message, buttons
        and all, on every tap, only for it to be thrown away. Errors as edit_message_text's."""
        data: JSONDict = {
            "chat_id": message.chat_id,
            "message_id": message.message_id,
            "text": text,
            "parse_mode": ParseMode.HTML,
            "reply_markup": keyboard,
        }
        await self._post("editMessageText", data)


def _kind(item: object) -> str:
    # The kind of a raw update ("message", "callback_query"): a Bot API name, nothing personal.
    if isinstance(item, dict):
        for key in item:
            if key in Update.ALL_TYPES:
                return str(key)
    return "unknown"


# --- the processor --------------------------------------------------------------------------


def _order_key(update: object) -> object:
    if isinstance(update, Update):
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
    return ("other", id(update))


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Runs updates concurrently, one at a time per user, in the order they arrived; skips an
    update whose id it has seen lately; reports each handled update (to `Deliveries`, which
    then lets getUpdates confirm it, and to the optional hook)."""

    def __init__(
        self,
        max_concurrent_updates: int = 256,
        on_done: UpdateHook | None = None,
        deliveries: Deliveries | None = None,
        remembered: int = REMEMBERED,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[object, asyncio.Lock] = {}
        self._waiting: dict[object, int] = {}
        # Called after each update was handled: the demo and the tests wait on it.
        self._on_done = on_done
        self._deliveries = deliveries
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._remembered = remembered

    def _first_time(self, update: object) -> bool:
        if not isinstance(update, Update):
            return True
        if update.update_id in self._seen:
            return False
        self._seen[update.update_id] = None
        if len(self._seen) > self._remembered:
            self._seen.popitem(last=False)
        return True

    def forget(self, update_id: int) -> None:
        """Forget having seen this update (as a restarted process would)."""
        self._seen.pop(update_id, None)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for this user's earlier updates, then handle this one (unless seen before)."""
        if not self._first_time(update):
            if asyncio.iscoroutine(coroutine):
                coroutine.close()
            log.info("update %s was delivered again: skipped", getattr(update, "update_id", None))
            self._done(update)
            return
        key = _order_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        progress = _PROGRESS.set(_Progress())
        cancelled = False
        try:
            async with lock:
                await coroutine
        except asyncio.CancelledError:
            cancelled = True  # not handled: the process is going down
            if asyncio.iscoroutine(coroutine):
                coroutine.close()  # in case it never started
            raise
        finally:
            _PROGRESS.reset(progress)
            self._waiting[key] -= 1
            if not self._waiting[key]:
                # Forget idle users so the table does not grow with every resident ever seen.
                del self._waiting[key]
                del self._locks[key]
            if not cancelled:
                self._done(update)

    def _done(self, update: object) -> None:
        update_id = getattr(update, "update_id", None)
        if self._deliveries is not None and isinstance(update_id, int):
            self._deliveries.handled(update_id)
        if self._on_done is not None:
            self._on_done(update)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
