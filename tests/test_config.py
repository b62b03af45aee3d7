"""Settings from flags and environment: validated once, one clear line per problem."""

from pathlib import Path

import pytest

from bot.config import DEFAULT_API_URL, ConfigError, load_settings
from bot.resources import example_procedure

TOKEN = "123456789:AAEexampleexampleexampleexample12345"


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
        "BOT_SECRET": "s" * 20,
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
    settings = load_settings({}, {"BOT_TOKEN": TOKEN, "BOT_SECRET": "x" * 30})
    assert TOKEN not in repr(settings)
    assert "x" * 30 not in repr(settings)
