"""The real Application in webhook mode against the emulator: `serve` from
bot/operations/webhook_mode.py (exactly what `run --webhook-url` runs), its HTTP server on a
free port of 127.0.0.1, and the emulator posting updates to it as Telegram does, through
`forward_webhook` playing the city's reverse proxy.

`WebhookBot` offers what the shared story helpers use (`fake`, `send`, `press`, `services`),
so `tests.conftest.agree` and friends work on it unchanged. Each action returns once the
emulator got its 200, which the server gives only after the update was handled.
"""

import asyncio
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.app import ChatApplication, build_application
from bot.chat.buttons import ButtonData
from bot.chat.context import services_of
from bot.chat.services import Services
from bot.config import Settings
from bot.emulated import DEMO_TOKEN
from bot.emulator import EmulatorRequest, FakeTelegram
from bot.operations.webhook import HandledUpdates, WebhookServer
from bot.operations.webhook_mode import serve
from bot.procedure import load_procedure
from storage.db import DatabaseLock

PUBLIC_URL = "https://bot.example.org/participation/hook"


class WebhookBot:
    """`async with WebhookBot(settings) as bot:` runs the bot in webhook mode."""

    def __init__(self, settings: Settings, fake: FakeTelegram | None = None) -> None:
        self.settings = replace(
            settings,
            token=settings.token or DEMO_TOKEN,
            webhook_url=settings.webhook_url or PUBLIC_URL,
            webhook_port=0,  # any free port
        )
        self.fake = fake or FakeTelegram(token=self.settings.token or DEMO_TOKEN)
        self.handled = HandledUpdates()
        self.application: ChatApplication = build_application(
            self.settings,
            load_procedure(self.settings.procedure),
            request=EmulatorRequest(self.fake),
            get_updates_request=EmulatorRequest(self.fake),
            on_update_done=self.handled.done,
        )
        self._lock = DatabaseLock(self.settings.database)
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.server: WebhookServer | None = None

    @property
    def services(self) -> Services:
        return services_of(self.application)

    @property
    def database_path(self) -> Path:
        return self.settings.database

    @property
    def base_url(self) -> str:
        """Where the bot's server listens (what the reverse proxy forwards to)."""
        assert self.server is not None and self.server.port is not None
        return f"http://127.0.0.1:{self.server.port}"

    async def __aenter__(self) -> "WebhookBot":
        self._lock.acquire()
        ready: asyncio.Future[WebhookServer] = asyncio.get_running_loop().create_future()
        self._task = asyncio.create_task(
            serve(self.application, self.settings, self.handled, self._stop, ready.set_result)
        )
        done, _ = await asyncio.wait({ready, self._task}, return_when=asyncio.FIRST_COMPLETED)
        if self._task in done:
            self._lock.release()
            self._task.result()  # raises what stopped the start
        self.server = ready.result()
        self.fake.forward_webhook(self.base_url)
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        self._stop.set()
        assert self._task is not None
        try:
            await self._task
        finally:
            await self.fake.close_webhook()
            self._lock.release()

    async def send(self, user_id: int, text: str) -> int:
        """The resident sends a text or command; returns once the webhook answered 200."""
        update_id = self.fake.user_sends(user_id, text)
        await self.fake.webhook_delivered(update_id)
        return update_id

    async def press(
        self, user_id: int, button: ButtonData | str, message_id: int | None = None
    ) -> int:
        """The resident presses a button under the latest bot message (or `message_id`)."""
        if message_id is None:
            latest = self.fake.last_bot_message(user_id)
            assert latest is not None, f"the bot has not written to {user_id} yet"
            message_id = latest.message_id
        data = button if isinstance(button, str) else button.pack()
        update_id = self.fake.user_presses(user_id, message_id, data)
        await self.fake.webhook_delivered(update_id)
        return update_id
