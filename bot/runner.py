"""`participation-bot run`: long polling against BOT_API_URL, or with BOT_WEBHOOK_URL a webhook
(bot/operations/webhook_mode.py), until SIGINT/SIGTERM."""

import logging
import sys
from dataclasses import replace

from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.app import ALLOWED_UPDATES, build_application
from bot.config import INSECURE_DEV_SECRET, INSECURE_DEV_SECRET_WARNING, ConfigError, Settings
from bot.logs import setup_logging
from bot.operations.webhook import HandledUpdates
from bot.operations.webhook_mode import run_webhook
from bot.procedure import Procedure, load_procedure
from storage.db import DatabaseLock, check_database

log = logging.getLogger(__name__)


def prepare(settings: Settings, *, insecure_dev_secret: bool = False) -> Settings:
    """The first steps of `run`: token and secret checked, logging set up, the warning about
    a development secret given; returns the settings with the secret that will be used."""
    token = settings.require_token()
    secret = settings.require_secret(insecure_dev_secret=insecure_dev_secret)
    setup_logging(
        settings.log_level, [token, secret, settings.webhook_secret or ""], settings.log_format
    )
    if secret == INSECURE_DEV_SECRET:
        _warn(INSECURE_DEV_SECRET_WARNING)
    elif insecure_dev_secret:
        log.info("--insecure-dev-secret is ignored: BOT_SECRET is set and used")
    return replace(settings, secret=secret)


class _StartUpFailures(logging.Filter):
    """python-telegram-bot's log of a failed start (getMe, deleteWebhook) goes, traceback and
    all: the error is raised to `run`, which says it in one line naming the setting. An answer
    that is not JSON (a web server's page where the Bot API should be) is logged in one line,
    without the traceback of the JSON parser."""

    LOGGERS = ("telegram.ext", "telegram.request.BaseRequest")

    def filter(self, record: logging.LogRecord) -> bool:
        """False for the record of an aborted start-up; other records pass, one line each."""
        if record.getMessage().startswith("Network Retry Loop (Bootstrap"):
            return False
        if record.name == "telegram.request.BaseRequest":
            record.exc_info = record.exc_text = None
        return True


def _warn(message: str) -> None:
    """A warning that reaches stderr even when BOT_LOG_LEVEL=ERROR hides warnings."""
    if log.isEnabledFor(logging.WARNING):
        log.warning(message)
    else:
        print(f"participation-bot: WARNING: {message}", file=sys.stderr, flush=True)


def run(settings: Settings, *, insecure_dev_secret: bool = False) -> int:
    """Validate everything, then poll until stopped; return the exit status.

    One bot per database: the lock is taken before anything reads the file or talks to
    Telegram (a second bot would recover the first one's claimed deliveries, and both would
    fight over getUpdates), and held until the database is closed."""
    settings = prepare(settings, insecure_dev_secret=insecure_dev_secret)
    procedure = load_procedure(settings.procedure)
    with DatabaseLock(settings.database):
        return _run_locked(settings, procedure)


def _run_locked(settings: Settings, procedure: Procedure) -> int:
    check_database(settings.database)
    handled = HandledUpdates()  # webhook mode answers Telegram once an update is handled
    application = build_application(settings, procedure, on_update_done=handled.done)
    log.info(
        "starting: procedure %s, database %s, %d staff",
        procedure.id,
        settings.database,
        len(settings.admins),
    )
    quiet = _StartUpFailures()
    for name in quiet.LOGGERS:
        logging.getLogger(name).addFilter(quiet)
    try:
        if settings.webhook_url is not None:
            run_webhook(application, settings, handled)
        else:
            # run_polling handles SIGINT and SIGTERM: it stops polling, runs post_shutdown
            # (which closes the database) and returns without a traceback. Its start deletes
            # a webhook left from webhook mode.
            application.run_polling(allowed_updates=ALLOWED_UPDATES, close_loop=False)
    except InvalidToken as exc:
        raise ConfigError(
            "BOT_TOKEN (--token): Telegram rejected the token; copy it again from @BotFather"
        ) from exc
    except NetworkError as exc:
        raise ConfigError(
            f"BOT_API_URL (--api-url): cannot reach the Bot API at {settings.api_url} "
            f"({type(exc).__name__})"
        ) from exc
    except TelegramError as exc:
        # E.g. a web server's HTML page where the Bot API should answer in JSON ("Invalid
        # server response"): only getMe and the start of polling get here, the rest is retried.
        raise ConfigError(
            f"BOT_API_URL (--api-url): {settings.api_url} did not answer like the Telegram Bot "
            f"API ({exc.message}); check the address"
        ) from exc
    finally:
        for name in quiet.LOGGERS:
            logging.getLogger(name).removeFilter(quiet)
    log.info("stopped")
    return 0
