"""Settings from flags and environment: validated once, one clear line per problem."""

import secrets
from pathlib import Path

import pytest

from bot.config import (
    DEFAULT_API_URL,
    INSECURE_DEV_SECRET,
    MIN_SECRET_BITS,
    ConfigError,
    load_settings,
    secret_bits,
)
from bot.resources import example_procedure

TOKEN = "123456789:AAEexampleexampleexampleexample12345"
SECRET = "config-secret-0123456789abcdef"


def test_defaults_without_anything_set():
    settings = load_settings({}, {})
    assert settings.token is None
    assert settings.api_url == DEFAULT_API_URL
    assert settings.database == Path("participation.db")
    assert settings.procedure == example_procedure()
    assert settings.admins == frozenset()
    assert settings.log_level == "INFO"


def test_environment_is_read_and_a_flag_wins_over_it(tmp_path):
    env = {
        "BOT_TOKEN": TOKEN,
        "BOT_API_URL": "http://127.0.0.1:8081/bot",
        "BOT_DATABASE": str(tmp_path / "env.db"),
        "BOT_ADMINS": "12, 34,",
        "BOT_SECRET": SECRET,
        "BOT_LOG_LEVEL": "debug",
    }
    settings = load_settings({"database": str(tmp_path / "flag.db")}, env)
    assert settings.token == TOKEN
    assert settings.api_url == "http://127.0.0.1:8081/bot"
    assert settings.database == tmp_path / "flag.db"
    assert settings.admins == frozenset({12, 34})
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"BOT_ADMINS": "12,alice"}, "BOT_ADMINS"),
        ({"BOT_ADMINS": "²"}, "BOT_ADMINS"),  # a digit to str.isdigit, not to int()
        ({"BOT_ADMINS": "12,٣٤"}, "BOT_ADMINS"),  # Arabic-Indic digits: not a Telegram id
        ({"BOT_ADMINS": "+12"}, "BOT_ADMINS"),
        ({"BOT_API_URL": "api.telegram.org/bot"}, "BOT_API_URL"),
        ({"BOT_TOKEN": "not a token"}, "BOT_TOKEN"),
        ({"BOT_SECRET": "short"}, "BOT_SECRET"),
        ({"BOT_LOG_LEVEL": "LOUD"}, "BOT_LOG_LEVEL"),
        ({"BOT_PROCEDURE": "/no/such/file.toml"}, "BOT_PROCEDURE"),
        ({"BOT_DATABASE": "/no/such/folder/x.db"}, "BOT_DATABASE"),
    ],
)
def test_a_wrong_setting_is_named_in_one_line(env, named):
    with pytest.raises(ConfigError) as caught:
        load_settings({}, env)
    message = str(caught.value)
    assert message.startswith(named)
    assert "\n" not in message


def test_a_malformed_token_is_not_echoed():
    secret_looking = "12345:has spaces and secrets"
    with pytest.raises(ConfigError) as caught:
        load_settings({"token": secret_looking}, {})
    assert secret_looking not in str(caught.value)


def test_missing_token_says_botfather_and_demo():
    with pytest.raises(ConfigError) as caught:
        load_settings({}, {}).require_token()
    message = str(caught.value)
    assert "BOT_TOKEN" in message and "@BotFather" in message and "demo" in message


def test_missing_secret_is_refused_unless_insecure_dev_secret_is_asked_for():
    settings = load_settings({}, {})
    with pytest.raises(ConfigError, match="BOT_SECRET"):
        settings.require_secret()
    assert settings.require_secret(insecure_dev_secret=True)


def test_settings_repr_hides_token_and_secret():
    settings = load_settings({}, {"BOT_TOKEN": TOKEN, "BOT_SECRET": SECRET})
    assert TOKEN not in repr(settings)
    assert SECRET not in repr(settings)


# --- the secret: enough entropy; the token and the secret from files --------------------------


@pytest.mark.parametrize(
    "weak",
    [
        "a" * 16,
        "a" * 40,
        "ab" * 8,
        "abc" * 10,
        "1234567812345678",
        "passwordpassword",
        "0" * 31 + "1",
    ],
)
def test_a_secret_with_too_little_entropy_is_refused_without_echoing_it(weak):
    assert secret_bits(weak) < MIN_SECRET_BITS
    with pytest.raises(ConfigError) as caught:
        load_settings({}, {"BOT_SECRET": weak})
    message = str(caught.value)
    assert message.startswith("BOT_SECRET (--secret): too predictable")
    assert weak not in message and "token_urlsafe" in message and "\n" not in message


@pytest.mark.parametrize(
    "strong",
    [
        secrets.token_urlsafe(32),  # what the README says to use
        secrets.token_hex(16),
        secrets.token_urlsafe(12),  # 16 characters, 96 random bits
        "test-secret-0123456789abcdef",
        "Password1234567!",
        INSECURE_DEV_SECRET,  # a public value: its own warning, not this check
    ],
)
def test_a_secret_with_enough_entropy_is_accepted(strong):
    assert load_settings({}, {"BOT_SECRET": strong}).secret == strong


def test_the_token_and_the_secret_are_read_from_the_first_line_of_a_file(tmp_path):
    (tmp_path / "token").write_text(f"  {TOKEN}  \nnot this\n", encoding="utf-8")
    (tmp_path / "secret").write_text(SECRET, encoding="utf-8")  # no line break at the end
    env = {"BOT_TOKEN_FILE": str(tmp_path / "token"), "BOT_SECRET_FILE": str(tmp_path / "secret")}
    settings = load_settings({}, env)
    assert (settings.token, settings.secret) == (TOKEN, SECRET)
    flags = {"token_file": str(tmp_path / "token"), "secret_file": str(tmp_path / "secret")}
    settings = load_settings(flags, {})
    assert (settings.token, settings.secret) == (TOKEN, SECRET)


def test_a_flag_wins_over_the_environment_also_with_files(tmp_path):
    (tmp_path / "secret").write_text(SECRET + "\n", encoding="utf-8")
    env = {"BOT_SECRET": "environment-secret-0123456789"}
    assert load_settings({"secret_file": str(tmp_path / "secret")}, env).secret == SECRET
    env = {"BOT_SECRET_FILE": str(tmp_path / "secret")}
    assert load_settings({"secret": "flag-secret-0123456789abc"}, env).secret == (
        "flag-secret-0123456789abc"
    )


def test_a_value_and_a_file_on_the_same_level_are_refused(tmp_path):
    (tmp_path / "secret").write_text(SECRET, encoding="utf-8")
    env = {"BOT_SECRET": SECRET, "BOT_SECRET_FILE": str(tmp_path / "secret")}
    with pytest.raises(ConfigError, match=r"^BOT_SECRET \(--secret\) and BOT_SECRET_FILE"):
        load_settings({}, env)


@pytest.mark.parametrize("name", ["secret", "token"])
def test_a_missing_or_empty_file_is_refused_naming_it(tmp_path, name):
    env_name, flag = f"BOT_{name.upper()}_FILE", f"--{name}-file"
    missing = tmp_path / "missing"
    with pytest.raises(ConfigError) as caught:
        load_settings({}, {env_name: str(missing)})
    message = str(caught.value)
    assert message.startswith(f"{env_name} ({flag}): cannot read {missing}") and "\n" not in message
    empty = tmp_path / "empty"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=f"^{env_name} .*{empty} is empty"):
        load_settings({}, {env_name: str(empty)})


def test_a_weak_secret_from_a_file_names_the_file(tmp_path):
    (tmp_path / "secret").write_text("a" * 16, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings({}, {"BOT_SECRET_FILE": str(tmp_path / "secret")})
    assert str(caught.value).startswith(f"BOT_SECRET_FILE (--secret-file) ({tmp_path / 'secret'})")
