"""`participation-bot run`: long polling against BOT_API_URL until SIGINT/SIGTERM."""

import logging
import sys
from dataclasses import replace

from telegram.error import InvalidToken, NetworkError

from bot.app import ALLOWED_UPDATES, build_application
from bot.config import INSECURE_DEV_SECRET, INSECURE_DEV_SECRET_WARNING, ConfigError, Settings
from bot.logs import setup_logging
from bot.procedure import load_procedure
from storage.db import check_version

log = logging.getLogger(__name__)


def prepare(settings: Settings, *, insecure_dev_secret: bool = False) -> Settings:
    """The first steps of `run`: token and secret checked, logging set up, the warning about
    a development secret given; returns the settings with the secret that will be used."""
    token = settings.require_token()
    secret = settings.require_secret(insecure_dev_secret=insecure_dev_secret)
    setup_logging(settings.log_level, [token, secret])
    if secret == INSECURE_DEV_SECRET:
        _warn(INSECURE_DEV_SECRET_WARNING)
    elif insecure_dev_secret:
        log.info("--insecure-dev-secret is ignored: BOT_SECRET is set and used")
    return replace(settings, secret=secret)


def _warn(message: str) -> None:
    """A warning that reaches stderr even when BOT_LOG_LEVEL=ERROR hides warnings."""
    if log.isEnabledFor(logging.WARNING):
        log.warning(message)
    else:
        print(f"participation-bot: WARNING: {message}", file=sys.stderr, flush=True)


def run(settings: Settings, *, insecure_dev_secret: bool = False) -> int:
    """Validate everything, then poll until stopped; return the exit status."""
    settings = prepare(settings, insecure_dev_secret=insecure_dev_secret)
    procedure = load_procedure(settings.procedure)
    check_version(settings.database)
    application = build_application(settings, procedure)
    log.info(
        "starting: procedure %s, database %s, %d staff",
        procedure.id,
        settings.database,
        len(settings.admins),
    )
    try:
        # run_polling handles SIGINT and SIGTERM: it stops polling, runs post_shutdown (which
        # closes the database) and returns without a traceback.
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
    log.info("stopped")
    return 0
