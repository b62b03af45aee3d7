"""`participation-bot run`: long polling against BOT_API_URL until SIGINT/SIGTERM."""

import logging
from dataclasses import replace

from telegram.error import InvalidToken, NetworkError

from bot.app import ALLOWED_UPDATES, build_application
from bot.config import ConfigError, Settings
from bot.logs import setup_logging
from bot.procedure import load_procedure
from storage.db import check_version

log = logging.getLogger(__name__)


def run(settings: Settings, *, insecure_dev_secret: bool = False) -> int:
    """Validate everything, then poll until stopped; return the exit status."""
    token = settings.require_token()
    secret = settings.require_secret(insecure_dev_secret=insecure_dev_secret)
    setup_logging(settings.log_level, [token, secret])
    settings = replace(settings, secret=secret)
    if insecure_dev_secret and not settings.secret:
        log.warning("running with --insecure-dev-secret: ballots are NOT private")
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
