"""The real Application polling the built-in emulator in this process.

Used by `participation-bot demo`, the tests and the benchmarks: residents are played through
the emulator's user side, and every action can be awaited until the bot has handled it (the
per-user update processor reports each finished update).
"""

import asyncio
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any

from telegram import Update

from bot.app import ALLOWED_UPDATES, ChatApplication, build_application, lifecycle_of
from bot.broadcasting.worker import BroadcastWorker
from bot.chat.buttons import ButtonData
from bot.chat.context import services_of
from bot.chat.services import Services
from bot.chat.updates import PerUserUpdateProcessor, UpdateHook
from bot.config import Settings
from bot.emulator import EmulatorRequest, FakeTelegram
from bot.procedure import Procedure
from storage.db import DatabaseLock

DEMO_TOKEN = "123456789:EMULATOR-demo-token-not-a-real-one"


class EmulatedBot:
    """The bot wired to a FakeTelegram; `async with` starts and stops it like `run` does."""

    def __init__(
        self,
        settings: Settings,
        procedure: Procedure,
        fake: FakeTelegram | None = None,
        observer: UpdateHook | None = None,
        *,
        lock: DatabaseLock | None = None,
    ) -> None:
        token = settings.token or DEMO_TOKEN
        if settings.token is None:
            settings = replace(settings, token=token)
        self.fake = fake or FakeTelegram(token=token)
        self.settings = settings
        self._done: dict[int, asyncio.Future[None]] = {}
        self._finished: set[int] = set()
        self._observer = observer  # e.g. the benchmark's check of per-user order
        # One bot per database, as for `run`: start() takes the lock unless the caller holds
        # it already (the demo, which takes it before checking the file); stop() lets go.
        self._own_lock = lock is None
        self._lock = lock or DatabaseLock(settings.database)
        self._tasks_before: set[asyncio.Task[Any]] = set()  # what runs beside the bot (crash)
        self.application: ChatApplication = build_application(
            settings,
            procedure,
            request=EmulatorRequest(self.fake),
            get_updates_request=EmulatorRequest(self.fake),
            on_update_done=self._update_done,
        )

    @property
    def services(self) -> Services:
        """The running bot's settings, procedure, catalogs and database."""
        return services_of(self.application)

    @property
    def worker(self) -> BroadcastWorker:
        """The outbox worker (running between start and stop)."""
        worker = lifecycle_of(self.application).worker
        if worker is None:
            raise RuntimeError("the bot is not running")
        return worker

    @property
    def database_path(self) -> Path:
        """The SQLite file the bot writes."""
        return self.settings.database

    def _update_done(self, update: object) -> None:
        if self._observer is not None:
            self._observer(update)
        update_id = getattr(update, "update_id", None)
        if update_id is None:
            return
        waiter = self._done.pop(update_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        else:
            self._finished.add(update_id)

    async def handled(self, update_id: int, timeout: float = 10.0) -> None:
        """Wait until the bot has finished handling this update."""
        if update_id in self._finished:
            self._finished.discard(update_id)
            return
        waiter = self._done.setdefault(update_id, asyncio.get_running_loop().create_future())
        await asyncio.wait_for(waiter, timeout)

    async def start(self) -> None:
        """initialize, post_init, start polling: the same steps as run_polling (after taking
        the database's lock: DatabaseInUseError while another bot runs on the file)."""
        self._lock.acquire()
        try:
            await self._start()
        except BaseException:
            self._let_go()
            raise

    async def _start(self) -> None:
        app = self.application
        self._tasks_before = asyncio.all_tasks()
        await app.initialize()
        try:
            if app.post_init is not None:
                await app.post_init(app)
        except BaseException:
            await app.shutdown()
            raise
        assert app.updater is not None
        await app.updater.start_polling(
            poll_interval=0.0, timeout=10, allowed_updates=ALLOWED_UPDATES
        )
        await app.start()

    async def stop(self) -> None:
        """Stop polling and shut down: post_shutdown closes the database."""
        app = self.application
        assert app.updater is not None
        if app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
        self._let_go()

    def _let_go(self) -> None:
        if self._own_lock:
            self._lock.release()

    async def crash(self) -> None:
        """Die as under kill -9: every task the bot started ends wherever it is (handlers in
        the middle of an update, the long poll, the outbox worker), nothing is confirmed to
        Telegram and no shutdown step runs; the database files are only let go, as the
        operating system would close them. Another EmulatedBot on the same file and fake then
        plays the restarted process."""
        mine = asyncio.all_tasks() - self._tasks_before - {asyncio.current_task()}
        for task in mine:
            task.cancel()
        await asyncio.wait(mine, timeout=5)
        services = self.services
        if services.db is not None:
            await services.db.close()
            services.db = None
        self._let_go()  # the operating system lets go of the lock of a killed process

    async def __aenter__(self) -> "EmulatedBot":
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # The resident's side: each action returns once the bot has handled it.

    async def send(self, user_id: int, text: str) -> int:
        """The resident sends a text or command; returns the update id."""
        update_id = self.fake.user_sends(user_id, text)
        await self.handled(update_id)
        return update_id

    async def press(
        self, user_id: int, button: ButtonData | str, message_id: int | None = None
    ) -> int:
        """The resident presses this button (latest message by default); it must be there."""
        if message_id is None:
            message_id = self._latest(user_id)
        update_id = self.fake.user_presses(user_id, message_id, _packed(button))
        await self.handled(update_id)
        return update_id

    async def redeliver(self, update_id: int, *, restarted: bool = True) -> None:
        """Deliver an update the bot already handled once more, as Telegram does when the
        confirmation of an offset was lost (e.g. after a crash).

        `restarted`: as to a process that never saw it (after a crash the ids seen are
        forgotten), so the handlers themselves must find the change already made; False: to
        this same process, which remembers the ids of recent updates.
        """
        if restarted:
            processor = self.application.update_processor
            if isinstance(processor, PerUserUpdateProcessor):
                processor.forget(update_id)
        for record in self.fake.calls("getUpdates"):
            for raw in (record.response or {}).get("result", []):
                if raw["update_id"] == update_id:
                    update = Update.de_json(raw, self.application.bot)
                    await self.application.update_queue.put(update)
                    await self.handled(update_id)
                    return
        raise ValueError(f"update {update_id} was never delivered")

    async def press_forged(
        self,
        user_id: int,
        button: ButtonData | str,
        message_id: int | None = None,
        *,
        chat_id: int | None = None,
    ) -> int:
        """A button press with any data, as a modified client could send it (in the user's
        private chat, or on a bot message in the group `chat_id`)."""
        if message_id is None:
            message_id = self._latest(user_id if chat_id is None else chat_id)
        update_id = self.fake.user_sends_callback(
            user_id, message_id, _packed(button), chat_id=chat_id
        )
        await self.handled(update_id)
        return update_id

    def _latest(self, chat_id: int) -> int:
        latest = self.fake.last_bot_message(chat_id)
        if latest is None:
            raise ValueError(f"the bot has not written to {chat_id} yet")
        return latest.message_id

    # Groups, supergroups and channels (the fake's add_group / add_channel make them).

    async def send_in_group(self, user_id: int, chat_id: int, text: str) -> int | None:
        """A member writes in a group; returns the update id once the bot has handled it, or
        None when the bot does not get the message (privacy mode: not a command or mention)."""
        update_id = self.fake.user_sends_in_group(user_id, chat_id, text)
        if update_id is not None:
            await self.handled(update_id)
        return update_id

    async def press_in_group(
        self, user_id: int, chat_id: int, button: ButtonData | str, message_id: int | None = None
    ) -> int:
        """A member presses a button on a bot message in a group (the latest by default)."""
        if message_id is None:
            message_id = self._latest(chat_id)
        update_id = self.fake.user_presses(user_id, message_id, _packed(button), chat_id=chat_id)
        await self.handled(update_id)
        return update_id

    async def add_to_group(self, chat_id: int, by_user_id: int) -> tuple[int, int]:
        """A member adds the bot to a group: my_chat_member and the service message."""
        update_ids = self.fake.bot_added_to_group(chat_id, by_user_id)
        for update_id in update_ids:
            await self.handled(update_id)
        return update_ids

    async def channel_post(self, chat_id: int, text: str) -> int | None:
        """A post in a channel the bot administers, handed to the application and awaited.

        The bot does not ask for channel posts (app.ALLOWED_UPDATES), so Telegram, and the
        emulator, never deliver them; the post is handed to the application directly all the
        same, as a bot polling with other allowed_updates would get it. None: the bot is not
        in the channel.
        """
        update_id = self.fake.channel_post(chat_id, text)
        if update_id is None:
            return None
        post = self.fake.chat(chat_id).messages[-1]
        raw: dict[str, Any] = {"update_id": update_id, "channel_post": self.fake.message_json(post)}
        await self.application.update_queue.put(Update.de_json(raw, self.application.bot))
        await self.handled(update_id)
        return update_id


def _packed(button: ButtonData | str) -> str:
    return button if isinstance(button, str) else button.pack()
