"""Settings: one typed object built from command-line flags and the environment, validated once.

The environment names (BOT_TOKEN, BOT_API_URL, BOT_DATABASE, BOT_PROCEDURE, BOT_ADMINS,
BOT_SECRET, BOT_LOG_LEVEL, …, BOT_TOKEN_FILE, BOT_SECRET_FILE) are a public interface: keep
them stable. A flag wins over the environment. Every problem is one line that names the
setting; the token and the secret are never printed. The token and the secret can come from a
file (its first line), so that they appear neither in `ps` nor in a unit file.
"""

import re
import string
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from math import comb, log2
from pathlib import Path
from typing import Any

from bot.resources import example_procedure

DEFAULT_API_URL = "https://api.telegram.org/bot"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("text", "json")  # json: one JSON object per line, for a log collector
MIN_SECRET_LENGTH = 16
MIN_SECRET_BITS = 64  # estimated by secret_bits()
GENERATE_SECRET = '`python -c "import secrets; print(secrets.token_urlsafe(32))"`'
# Only for `run --insecure-dev-secret`: ballots pseudonymised with a public value are not private.
INSECURE_DEV_SECRET = "insecure-development-secret-do-not-use-in-production"
INSECURE_DEV_SECRET_WARNING = (
    "INSECURE: the public development secret of --insecure-dev-secret is in use. Ballots are "
    "NOT private: anyone with the database can tell whose ballot is whose. Local trials only, "
    "never with real residents; set BOT_SECRET before going live."
)

_TOKEN = re.compile(r"^[0-9]+:[A-Za-z0-9_-]+$")
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # Telegram's rule for secret_token
_WEBHOOK_URL = re.compile(r"^https?://[^/?#\s]+(?:[/?#]\S*)?$")
_USER_ID = re.compile(r"^[0-9]+$")  # ASCII digits only: "²" and "٣" are digits to str.isdigit

# setting name -> (environment variable, flag)
SETTINGS = {
    "token": ("BOT_TOKEN", "--token"),
    "api_url": ("BOT_API_URL", "--api-url"),
    "database": ("BOT_DATABASE", "--database"),
    "procedure": ("BOT_PROCEDURE", "--procedure"),
    "admins": ("BOT_ADMINS", "--admins"),
    "secret": ("BOT_SECRET", "--secret"),
    "log_level": ("BOT_LOG_LEVEL", "--log-level"),
    "log_format": ("BOT_LOG_FORMAT", "--log-format"),
    "broadcast_rate": ("BOT_BROADCAST_RATE", "--broadcast-rate"),
    "paid_broadcast": ("BOT_PAID_BROADCAST", "--paid-broadcast"),
    # Webhook mode (bot/operations/webhook_mode.py): without a URL the bot polls.
    "webhook_url": ("BOT_WEBHOOK_URL", "--webhook-url"),
    "webhook_listen": ("BOT_WEBHOOK_LISTEN", "--listen"),
    "webhook_port": ("BOT_WEBHOOK_PORT", "--port"),
    "webhook_secret": ("BOT_WEBHOOK_SECRET", "--webhook-secret"),
    # The token and the secret from a file (its first line): kept out of `ps` and unit files.
    "token_file": ("BOT_TOKEN_FILE", "--token-file"),
    "secret_file": ("BOT_SECRET_FILE", "--secret-file"),
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
    log_format: str = "text"
    broadcast_rate: float = 25.0
    paid_broadcast: bool = False
    webhook_url: str | None = field(default=None, repr=False)  # its path may hold a secret
    # Behind the city's reverse proxy: only the proxy on this machine reaches the bot.
    webhook_listen: str = "127.0.0.1"
    # 8443 is one of the four ports Telegram sends webhooks to, so the same number works
    # with or without a proxy in front, and it needs no root (unlike 443).
    webhook_port: int = 8443
    webhook_secret: str | None = field(default=None, repr=False)

    def require_token(self) -> str:
        """The token, or a ConfigError that says how to get one."""
        if not self.token:
            raise ConfigError(
                "BOT_TOKEN is not set: create a bot with @BotFather in Telegram (/newbot), then "
                "set BOT_TOKEN or BOT_TOKEN_FILE (a file holding it). To try the bot without "
                "Telegram, run `participation-bot demo`."
            )
        return self.token

    def require_secret(self, *, insecure_dev_secret: bool = False) -> str:
        """The pseudonymisation secret; refuses to go on without one unless told to."""
        if self.secret:
            return self.secret
        if insecure_dev_secret:
            return INSECURE_DEV_SECRET
        raise ConfigError(
            f"BOT_SECRET is not set: it keeps ballots pseudonymous. Generate one with "
            f"{GENERATE_SECRET}, keep it safe and set BOT_SECRET or BOT_SECRET_FILE (a file "
            "holding it; for a local trial only: --insecure-dev-secret)."
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
        if not _USER_ID.match(part):
            raise ConfigError(
                f"{_label('admins')}: {part!r} is not a Telegram user id; expected numbers "
                "separated by commas, e.g. 12345678,23456789"
            )
        ids.add(int(part))
    return frozenset(ids)


# Character classes and their sizes, for the estimate of a secret's entropy.
_ALPHABETS = (
    (frozenset(string.ascii_lowercase), 26),
    (frozenset(string.ascii_uppercase), 26),
    (frozenset(string.digits), 10),
    (frozenset(string.punctuation + " "), 33),
)
_OTHER_ALPHABET = 64  # anything else (letters of other scripts, …), counted generously


@lru_cache(maxsize=256)
def _random_entropy(length: int, alphabet: int) -> float:
    """The Shannon entropy per character (bits) that a string of `length` characters drawn
    uniformly at random from `alphabet` characters shows on average (each character's count is
    binomial): a short random string repeats some characters too."""
    p = 1 / alphabet
    return -alphabet * sum(
        comb(length, k) * p**k * (1 - p) ** (length - k) * (k / length) * log2(k / length)
        for k in range(1, length + 1)
    )


def secret_bits(secret: str) -> float:
    """A rough estimate of a secret's entropy in bits.

    Its length times the bits of the alphabet it draws from (lower case, upper case, digits,
    punctuation, other), scaled down when it uses its characters less evenly than a random
    string of that length and alphabet would (Shannon entropy of its characters against what
    randomness shows on average). Sixteen times "a" scores 0, "abab…" about 22, a secret from
    `secrets.token_urlsafe(32)` over 200. Dictionary words are not recognised: this catches
    repetition, not guessable phrases.
    """
    length = len(secret)
    if length < 2:
        return 0.0
    counts = Counter(secret)
    shannon = -sum(n / length * log2(n / length) for n in counts.values())
    used = set(secret)
    alphabet = sum(size for chars, size in _ALPHABETS if used & chars)
    if any(not any(ch in chars for chars, _ in _ALPHABETS) for ch in used):
        alphabet += _OTHER_ALPHABET
    alphabet = max(alphabet, len(counts))
    return length * log2(alphabet) * min(1.0, shannon / _random_entropy(length, alphabet))


def _read_first_line(name: str, raw: str) -> str:
    """The first line of the file a *_FILE setting names (the token or the secret)."""
    path = Path(raw)
    try:
        with path.open(encoding="utf-8") as file:
            first = file.readline()
    except OSError as exc:
        raise ConfigError(
            f"{_label(name)}: cannot read {path} ({exc.strerror or type(exc).__name__}); the "
            "bot's user must be able to read it"
        ) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{_label(name)}: cannot read {path}: it is not UTF-8 text") from exc
    value = first.strip()
    if not value:
        raise ConfigError(
            f"{_label(name)}: {path} is empty (the value is read from its first line)"
        )
    return value


def load_settings(flags: Mapping[str, str | None], env: Mapping[str, str]) -> Settings:
    """Build Settings from flags (by setting name) over environment variables; validate all."""

    def given(source: Mapping[str, str | None], key: str) -> str | None:
        value = source.get(key)
        return value.strip() if value is not None and value.strip() else None

    def pick(name: str) -> str | None:
        flag = given(flags, name)
        return flag if flag is not None else given(env, SETTINGS[name][0])

    def pick_or_file(name: str) -> tuple[str | None, str]:
        """A value given directly or in a file (flags over the environment; both at once on
        one level is a mistake), and the label of where it came from."""
        file_name = f"{name}_file"
        for source, key, file_key in (
            (flags, name, file_name),
            (env, SETTINGS[name][0], SETTINGS[file_name][0]),
        ):
            value, file = given(source, key), given(source, file_key)
            if value is not None and file is not None:
                raise ConfigError(
                    f"{_label(name)} and {_label(file_name)} are both given: use one of them "
                    "(the file keeps the value out of `ps`)"
                )
            if value is not None:
                return value, _label(name)
            if file is not None:
                return _read_first_line(file_name, file), f"{_label(file_name)} ({file})"
        return None, _label(name)

    values: dict[str, Any] = {}  # Settings' keyword arguments, each checked below
    token, where = pick_or_file("token")
    if token is not None:
        if not _TOKEN.match(token):
            raise ConfigError(
                f"{where}: this does not look like a bot token (expected digits, a colon and "
                "letters, as @BotFather gives it)"
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
    secret, where = pick_or_file("secret")
    if secret is not None:
        if len(secret) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"{where}: too short; use at least {MIN_SECRET_LENGTH} random characters, "
                f"e.g. from {GENERATE_SECRET}"
            )
        bits = secret_bits(secret)
        if bits < MIN_SECRET_BITS:
            raise ConfigError(
                f"{where}: too predictable (about {max(bits, 0.0):.0f} bits of entropy, at "
                f"least {MIN_SECRET_BITS} needed: it repeats characters or uses few different "
                f"ones); generate one with {GENERATE_SECRET}"
            )
        values["secret"] = secret
    log_level = pick("log_level")
    if log_level is not None:
        if log_level.upper() not in LOG_LEVELS:
            raise ConfigError(
                f"{_label('log_level')}: {log_level!r} is not one of {', '.join(LOG_LEVELS)}"
            )
        values["log_level"] = log_level.upper()
    log_format = pick("log_format")
    if log_format is not None:
        if log_format.lower() not in LOG_FORMATS:
            raise ConfigError(
                f"{_label('log_format')}: {log_format!r} is not one of {', '.join(LOG_FORMATS)}"
                " (text: one readable line per event; json: one JSON object per line)"
            )
        values["log_format"] = log_format.lower()
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
    values.update(_webhook_values(pick))
    return Settings(**values)


def _webhook_values(pick: Callable[[str], str | None]) -> dict[str, Any]:
    """The webhook settings that were given, checked (the secret against Telegram's rule)."""
    values: dict[str, Any] = {}
    url = pick("webhook_url")
    if url is not None:
        if not _WEBHOOK_URL.match(url):
            raise ConfigError(
                f"{_label('webhook_url')}: expected the public https:// address Telegram sends "
                "updates to, e.g. https://bot.example.org/participation"
            )
        values["webhook_url"] = url
    listen = pick("webhook_listen")
    if listen is not None:
        if not re.fullmatch(r"[A-Za-z0-9.:\[\]-]+", listen):
            raise ConfigError(
                f"{_label('webhook_listen')}: expected an address to listen on, e.g. 127.0.0.1 "
                "(behind a reverse proxy on this machine) or 0.0.0.0"
            )
        values["webhook_listen"] = listen.strip("[]")
    port = pick("webhook_port")
    if port is not None:
        if not (port.isascii() and port.isdecimal() and 0 < int(port) < 65536):
            raise ConfigError(f"{_label('webhook_port')}: expected a port number, 1 to 65535")
        values["webhook_port"] = int(port)
    secret = pick("webhook_secret")
    if secret is not None:
        if not _WEBHOOK_SECRET.match(secret):
            # Never echo the value: it is a secret.
            raise ConfigError(
                f"{_label('webhook_secret')}: Telegram accepts 1 to 256 characters of A-Z, "
                "a-z, 0-9, _ and - only; leave it unset and the bot generates one"
            )
        values["webhook_secret"] = secret
    return values
