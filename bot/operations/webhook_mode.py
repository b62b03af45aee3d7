"""`participation-bot run --webhook-url URL`: the bot behind the city's reverse proxy.

Start-up, in order: the Application is initialised (getMe) and post_init runs (database,
worker, commands) as in polling; the secret token is taken from BOT_WEBHOOK_SECRET or from
bot_state (generated there on the first start, reused afterwards, so a restart does not
change what the proxy or Telegram know); the HTTP server listens; the Application starts
taking updates; only then is the webhook registered with Telegram (setWebhook with the
secret, the same allowed_updates as polling and drop_pending_updates=False: what arrived
while the bot was down is delivered now). SIGINT or SIGTERM stops it in the reverse order;
the webhook stays registered, so Telegram keeps the updates until the bot is back. Running
without a webhook URL polls, and polling's start deletes the webhook (python-telegram-bot's
Updater.start_polling calls deleteWebhook).
"""

import asyncio
import logging
import secrets
import signal
from collections.abc import Callable
from urllib.parse import urlsplit

from telegram.error import BadRequest

from bot.app import ALLOWED_UPDATES, ChatApplication
from bot.chat.context import services_of
from bot.config import ConfigError, Settings
from bot.operations.webhook import HandledUpdates, WebhookServer
from storage import bot_state, monitoring
from storage.db import Database

log = logging.getLogger(__name__)


async def webhook_secret(db: Database, configured: str | None) -> str:
    """The configured secret token, or the one generated and stored on an earlier start, or
    a new one (32 random bytes, URL-safe: only characters Telegram allows), stored now."""
    if configured:
        return configured
    stored = await bot_state.get(db, monitoring.WEBHOOK_SECRET)
    if stored:
        return stored
    generated = secrets.token_urlsafe(32)
    await bot_state.put(db, monitoring.WEBHOOK_SECRET, generated)
    log.info("webhook: a secret token was generated and stored in the database")
    return generated


def public_origin(url: str) -> str:
    """scheme://host[:port] of the webhook URL, for the log: its path may hold a secret."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


async def register(application: ChatApplication, url: str, secret: str) -> None:
    """setWebhook as described above; Telegram's refusal names BOT_WEBHOOK_URL."""
    try:
        await application.bot.set_webhook(
            url=url,
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
            drop_pending_updates=False,
        )
    except BadRequest as exc:
        raise ConfigError(
            f"BOT_WEBHOOK_URL (--webhook-url): Telegram refused the webhook ({exc.message}); "
            "it must be a public https:// address on port 443, 80, 88 or 8443"
        ) from exc


async def serve(
    application: ChatApplication,
    settings: Settings,
    handled: HandledUpdates,
    stop: asyncio.Event,
    started: Callable[[WebhookServer], None] | None = None,
) -> None:
    """Run in webhook mode until `stop` is set (see the module's docstring); `started` is
    told the server once the webhook is registered (tests learn the port bound)."""
    url = settings.webhook_url
    if url is None:
        raise ConfigError("BOT_WEBHOOK_URL (--webhook-url) is not set")
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        secret = await webhook_secret(services_of(application).database, settings.webhook_secret)
        server = WebhookServer(application, handled, secret)
        try:
            await server.start(settings.webhook_listen, settings.webhook_port)
        except OSError as exc:
            raise ConfigError(
                f"BOT_WEBHOOK_LISTEN/BOT_WEBHOOK_PORT (--listen/--port): cannot listen on "
                f"{settings.webhook_listen}:{settings.webhook_port} ({exc.strerror or exc}); "
                "another program may use the port"
            ) from exc
        try:
            await application.start()
            await register(application, url, secret)
            log.info(
                "webhook mode: listening on %s:%d, Telegram sends to %s",
                settings.webhook_listen,
                server.port,
                public_origin(url),
            )
            if started is not None:
                started(server)
            await stop.wait()
            log.info("stopping: finishing the updates being handled")
        finally:
            await server.stop()  # first: its requests wait for their updates to be handled
            if application.running:
                await application.stop()
    finally:
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


def run_webhook(application: ChatApplication, settings: Settings, handled: HandledUpdates) -> None:
    """Serve until SIGINT or SIGTERM (what run_polling does for polling)."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stop.set)
        try:
            await serve(application, settings, handled, stop)
        finally:
            for number in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(number)

    asyncio.run(main())
