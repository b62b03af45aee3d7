"""Settings: one typed object built from command-line flags and the environment, validated once.

The environment names (BOT_TOKEN, BOT_API_URL, BOT_DATABASE, BOT_PROCEDURE, BOT_ADMINS,
BOT_SECRET, BOT_LOG_LEVEL) are a public interface: keep them stable. A flag wins over the
environment. Every problem is one line that names the setting; the token is never printed.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.resources import example_procedure

DEFAULT_API_URL = "https://api.telegram.org/bot"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
MIN_SECRET_LENGTH = 16
# Only for `run --insecure-dev-secret`: ballots pseudonymised with a public value are not private.
INSECURE_DEV_SECRET = "insecure-development-secret-do-not-use-in-production"
INSECURE_DEV_SECRET_WARNING = (
    "INSECURE: the public development secret of --insecure-dev-secret is in use. Ballots are "
    "NOT private: anyone with the database can tell whose ballot is whose. Local trials only, "
    "never with real residents; set BOT_SECRET before going live."
)

_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")

# setting name -> (environment variable, flag)
SETTINGS = {
    "token": ("BOT_TOKEN", "--token"),
    "api_url": ("BOT_API_URL", "--api-url"),
    "database": ("BOT_DATABASE", "--database"),
    "procedure": ("BOT_PROCEDURE", "--procedure"),
    "admins": ("BOT_ADMINS", "--admins"),
    "secret": ("BOT_SECRET", "--secret"),
    "log_level": ("BOT_LOG_LEVEL", "--log-level"),
    "broadcast_rate": ("BOT_BROADCAST_RATE", "--broadcast-rate"),
    "paid_broadcast": ("BOT_PAID_BROADCAST", "--paid-broadcast"),
}
FREE_RATE_LIMIT, PAID_RATE_LIMIT = 30.0, 1000.0


class ConfigError(ValueError):
    """A setting is missing or wrong; the message names the setting and how to fix it."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot needs to run, validated."""

    token: str | None = field(default=None, repr=False)
    api_url: str = DEFAULT_API_URL
    database: Path = Path("participation.db")
    procedure: Path = field(default_factory=example_procedure)
    admins: frozenset[int] = frozenset()
    secret: str | None = field(default=None, repr=False)
    log_level: str = "INFO"
    broadcast_rate: float = 25.0
    paid_broadcast: bool = False

    def require_token(self) -> str:
        """The token, or a ConfigError that says how to get one."""
        if not self.token:
            raise ConfigError(
                "BOT_TOKEN is not set: create a bot with @BotFather in Telegram (/newbot), then "
                "set BOT_TOKEN or pass --token. To try the bot without Telegram, run "
                "`participation-bot demo`."
            )
        return self.token

    def require_secret(self, *, insecure_dev_secret: bool = False) -> str:
        """The pseudonymisation secret; refuses to go on without one unless told to."""
        if self.secret:
            return self.secret
        if insecure_dev_secret:
            return INSECURE_DEV_SECRET
        raise ConfigError(
            "BOT_SECRET is not set: it keeps ballots pseudonymous. Generate one with "
            '`python -c "import secrets; print(secrets.token_urlsafe(32))"`, keep it safe and '
            "set BOT_SECRET or pass --secret (for a local trial only: --insecure-dev-secret)."
        )


def _label(name: str) -> str:
    env, flag = SETTINGS[name]
    return f"{env} ({flag})"


def _parse_admins(raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise ConfigError(
                f"{_label('admins')}: {part!r} is not a Telegram user id; expected numbers "
                "separated by commas, e.g. 12345678,23456789"
            )
        ids.add(int(part))
    return frozenset(ids)


def load_settings(flags: Mapping[str, str | None], env: Mapping[str, str]) -> Settings:
    """Build Settings from flags (by setting name) over environment variables; validate all."""

    def pick(name: str) -> str | None:
        value = flags.get(name)
        if value is None:
            value = env.get(SETTINGS[name][0])
        return value.strip() if value is not None and value.strip() else None

    values: dict[str, Any] = {}  # Settings' keyword arguments, each checked below
    token = pick("token")
    if token is not None:
        if not _TOKEN.match(token):
            raise ConfigError(
                f"{_label('token')}: this does not look like a bot token (expected digits, a "
                "colon and letters, as @BotFather gives it)"
            )
        values["token"] = token
    api_url = pick("api_url")
    if api_url is not None:
        if not api_url.startswith(("http://", "https://")):
            raise ConfigError(
                f"{_label('api_url')}: must start with http:// or https://, e.g. "
                f"{DEFAULT_API_URL} (the token is appended to it)"
            )
        values["api_url"] = api_url
    database = pick("database")
    if database is not None:
        path = Path(database)
        if path.is_dir():
            raise ConfigError(f"{_label('database')}: {database} is a folder, expected a file")
        if not path.parent.resolve().is_dir():
            raise ConfigError(f"{_label('database')}: the folder {path.parent} does not exist")
        values["database"] = path
    procedure = pick("procedure")
    if procedure is not None:
        if not Path(procedure).is_file():
            raise ConfigError(f"{_label('procedure')}: no such file: {procedure}")
        values["procedure"] = Path(procedure)
    admins = pick("admins")
    if admins is not None:
        values["admins"] = _parse_admins(admins)
    secret = pick("secret")
    if secret is not None:
        if len(secret) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"{_label('secret')}: too short; use at least {MIN_SECRET_LENGTH} random characters"
            )
        values["secret"] = secret
    log_level = pick("log_level")
    if log_level is not None:
        if log_level.upper() not in LOG_LEVELS:
            raise ConfigError(
                f"{_label('log_level')}: {log_level!r} is not one of {', '.join(LOG_LEVELS)}"
            )
        values["log_level"] = log_level.upper()
    paid = pick("paid_broadcast")
    if paid is not None:
        if paid.lower() not in ("0", "1", "true", "false", "yes", "no"):
            raise ConfigError(f"{_label('paid_broadcast')}: use 1 (on) or 0 (off)")
        values["paid_broadcast"] = paid.lower() in ("1", "true", "yes")
    rate = pick("broadcast_rate")
    if rate is not None:
        limit = PAID_RATE_LIMIT if values.get("paid_broadcast") else FREE_RATE_LIMIT
        try:
            number = float(rate)
        except ValueError:
            number = -1.0
        if not 0 < number <= limit:
            raise ConfigError(
                f"{_label('broadcast_rate')}: expected messages per second above 0 and at most "
                f"{limit:g} (Telegram's limit; up to 1000 with BOT_PAID_BROADCAST=1)"
            )
        values["broadcast_rate"] = number
    return Settings(**values)
