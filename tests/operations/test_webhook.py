"""Webhook mode: `serve` (what `run --webhook-url` runs) against the emulator, which posts
updates to the bot's HTTP server as Telegram does; real SQLite files, the real catalogs."""

import asyncio
import logging
import os
import re
from dataclasses import replace

import aiohttp
import pytest

from bot.app import ALLOWED_UPDATES
from bot.config import ConfigError, load_settings
from bot.emulated import EmulatedBot
from bot.emulator import FakeTelegram
from bot.logs import OWN_LOGGERS, QUIET_LOGGERS
from bot.operations.webhook import SECRET_HEADER
from bot.procedure import load_procedure
from bot.runner import prepare
from bot.voting.buttons import Done, FieldBallot, Pick
from storage import bot_state, monitoring
from tests.conftest import RESIDENT, TEST_SECRET, agree, last, open_window, rows
from tests.operations.webhook_harness import PUBLIC_URL, WebhookBot

LOG_TOKEN = "7012345678:AAHwebhookTokenForTheLoggingTest_01234"


@pytest.fixture(autouse=True)
def no_bot_settings_from_outside(monkeypatch):
    for name in list(os.environ):
        if name.startswith("BOT_"):
            monkeypatch.delenv(name)


def start_update(update_id: int, user: int = RESIDENT, text: str = "/start") -> dict:
    """A resident's message as Telegram posts it to a webhook."""
    sender = {"id": user, "is_bot": False, "first_name": "Ana", "language_code": "en"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": user, "type": "private", "first_name": "Ana"},
            "from": sender,
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def post(bot: WebhookBot, body: object, headers: dict[str, str]) -> int:
    """A request to the bot's webhook as anyone on the machine could send it."""
    async with aiohttp.ClientSession() as session:
        data = body if isinstance(body, str | bytes) else None
        json_body = None if data is not None else body
        async with session.post(
            bot.base_url + "/participation/hook", data=data, json=json_body, headers=headers
        ) as response:
            return response.status


async def stored_secret(bot: WebhookBot) -> str:
    secret = await bot_state.get(bot.services.database, monitoring.WEBHOOK_SECRET)
    assert secret is not None
    return secret


async def vote(bot, user: int, example) -> None:
    """A resident agrees, chooses the first sub-goal of the first field and finishes."""
    await agree(bot, user)
    field = example.fields[0]
    await bot.press(user, FieldBallot(field))
    await bot.press(user, Pick(field, field.goals[0], True))
    await bot.press(user, Done())


def tally(path) -> list[tuple]:
    return rows(path, "SELECT field_id, goal_id, voters FROM goal_tally WHERE voters > 0")


async def test_a_resident_votes_over_the_webhook_with_the_same_result_as_polling(
    tmp_path, settings, example
):
    webhook_settings = settings
    polling_settings = replace(settings, database=tmp_path / "polling.db")
    async with WebhookBot(webhook_settings) as bot:
        await open_window(bot)
        await vote(bot, RESIDENT, example)
        over_webhook = [m.plain_text for m in bot.fake.bot_messages(RESIDENT)]
        # Telegram got 200 for every update, and never had to send one again.
        statuses = {status for _, status in bot.fake.webhook_deliveries}
        assert statuses == {200}
        assert not bot.fake.calls("getUpdates")
    async with EmulatedBot(polling_settings, load_procedure(settings.procedure)) as polled:
        await open_window(polled)
        await vote(polled, RESIDENT, example)
        over_polling = [m.plain_text for m in polled.fake.bot_messages(RESIDENT)]
    assert over_webhook == over_polling
    assert tally(webhook_settings.database) == tally(polling_settings.database) != []
    assert rows(webhook_settings.database, "SELECT voters FROM voter_tally") == [(1,)]


async def test_the_webhook_is_registered_with_a_stored_secret_reused_at_the_next_start(settings):
    fake = FakeTelegram(token="123456789:EMULATOR-demo-token-not-a-real-one")
    async with WebhookBot(settings, fake) as bot:
        secret = await stored_secret(bot)
        (call,) = fake.calls("setWebhook")
        assert call.params["url"] == PUBLIC_URL
        assert call.params["secret_token"] == secret
        assert call.params["allowed_updates"] == ALLOWED_UPDATES
        assert call.params.get("drop_pending_updates") in (False, None)
        assert re.fullmatch(r"[A-Za-z0-9_-]{40,256}", secret)
    async with WebhookBot(settings, fake) as bot:
        assert fake.calls("setWebhook")[-1].params["secret_token"] == secret
        fake.add_user(RESIDENT, language_code="en")
        await bot.send(RESIDENT, "/start")
        assert last(bot) is not None


async def test_a_configured_secret_is_used_and_not_stored(settings):
    configured = "city-proxy_secret-0123456789"
    async with WebhookBot(replace(settings, webhook_secret=configured)) as bot:
        assert bot.fake.calls("setWebhook")[-1].params["secret_token"] == configured
        assert await bot_state.get(bot.services.database, monitoring.WEBHOOK_SECRET) is None
        bot.fake.add_user(RESIDENT, language_code="en")
        await bot.send(RESIDENT, "/start")
        assert last(bot) is not None


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: ""}])
async def test_a_request_without_the_right_secret_gets_403_and_nothing_is_handled(
    settings, headers, caplog
):
    async with WebhookBot(settings) as bot:
        secret = await stored_secret(bot)
        assert await post(bot, start_update(9001), headers) == 403
        assert await post(bot, start_update(9002), {SECRET_HEADER: secret[:-1]}) == 403
        assert await post(bot, start_update(9003), {SECRET_HEADER: secret + "x"}) == 403
        assert not bot.fake.calls("sendMessage")
        assert rows(bot.database_path, "SELECT COUNT(*) FROM participants") == [(0,)]
        # The same update with the secret is handled: the greeting goes out.
        bot.fake.add_user(RESIDENT, language_code="en")
        assert await post(bot, start_update(9004), {SECRET_HEADER: secret}) == 200
        assert last(bot) is not None
        assert rows(bot.database_path, "SELECT COUNT(*) FROM participants") == [(1,)]
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == 3
    assert all(secret not in line for line in caplog.text.splitlines())


async def test_an_unreadable_body_gets_200_and_is_logged_by_id_and_kind_only(settings, caplog):
    caplog.set_level(logging.DEBUG)
    async with WebhookBot(settings) as bot:
        headers = {SECRET_HEADER: await stored_secret(bot)}
        assert await post(bot, "this is no JSON: Anas Geheimnis", headers) == 200
        broken = {"update_id": 77, "message": {"text": "Anas Geheimnis"}}  # no chat, no date
        assert await post(bot, broken, headers) == 200
        assert await post(bot, ["Anas Geheimnis"], headers) == 200
        assert not bot.fake.calls("sendMessage")
    assert "update 77 skipped" in caplog.text and "message update" in caplog.text
    assert "Anas Geheimnis" not in caplog.text


async def test_an_update_sent_twice_is_handled_once(settings):
    async with WebhookBot(settings) as bot:
        headers = {SECRET_HEADER: await stored_secret(bot)}
        bot.fake.add_user(RESIDENT, language_code="en")
        first, again = await asyncio.gather(
            post(bot, start_update(5000), headers), post(bot, start_update(5000), headers)
        )
        assert (first, again) == (200, 200)
        assert await post(bot, start_update(5000), headers) == 200
        assert len(bot.fake.calls("sendMessage")) == 1


async def test_a_refused_answer_makes_telegram_send_the_update_again(settings):
    """What Telegram does when the bot answers anything but 2xx: sends it again later."""
    async with WebhookBot(settings) as bot:
        bot.fake.add_user(RESIDENT, language_code="en")
        bot.fake.webhook["secret_token"] = "not-what-the-bot-expects"
        update_id = bot.fake.user_sends(RESIDENT, "/start")
        await bot.fake.wait_for(lambda: len(bot.fake.webhook_deliveries) >= 2)
        assert {status for _, status in bot.fake.webhook_deliveries} == {403}
        assert not bot.fake.calls("sendMessage")
        bot.fake.webhook["secret_token"] = await stored_secret(bot)
        await bot.fake.webhook_delivered(update_id)
        assert len(bot.fake.calls("sendMessage")) == 1
        info = await bot.application.bot.get_webhook_info()
        assert info.last_error_message == "Wrong response from the webhook: 403 Forbidden"


async def test_updates_sent_while_the_bot_was_down_arrive_when_it_starts(settings):
    fake = FakeTelegram(token="123456789:EMULATOR-demo-token-not-a-real-one")
    fake.add_user(RESIDENT, language_code="en")
    update_id = fake.user_sends(RESIDENT, "/start")
    async with WebhookBot(settings, fake) as bot:
        await fake.webhook_delivered(update_id)
        assert last(bot) is not None


async def test_switching_back_to_polling_deletes_the_webhook(settings):
    fake = FakeTelegram(token="123456789:EMULATOR-demo-token-not-a-real-one")
    async with WebhookBot(settings, fake):
        info = await fake.call(fake.token, "getWebhookInfo", {})
        assert info[1]["result"]["url"] == PUBLIC_URL
    # The bot is down; a resident writes; Telegram keeps the update for the webhook.
    fake.add_user(RESIDENT, language_code="en")
    fake.user_sends(RESIDENT, "/start")
    async with EmulatedBot(settings, load_procedure(settings.procedure), fake) as polled:
        assert fake.calls("deleteWebhook")
        assert fake.webhook == {}
        await fake.wait_for(lambda: last(polled) is not None)
        info = await polled.application.bot.get_webhook_info()
        assert info.url == ""


@pytest.fixture
def run_logging(tmp_path):
    """Logging set up as `run` sets it up, at DEBUG, plus a handler that keeps every record
    that gets through (unredacted: what could reach the operator's log); put back after."""
    root = logging.getLogger()
    before = list(root.handlers), root.level
    names = {*logging.Logger.manager.loggerDict, *QUIET_LOGGERS, *OWN_LOGGERS}
    levels = {name: logging.getLogger(name).level for name in names}
    env = {
        "BOT_TOKEN": LOG_TOKEN,
        "BOT_SECRET": TEST_SECRET,
        "BOT_LOG_LEVEL": "DEBUG",
        "BOT_DATABASE": str(tmp_path / "participation.db"),
        "BOT_WEBHOOK_URL": PUBLIC_URL,
    }
    settings = prepare(load_settings({}, env))
    kept: list[logging.LogRecord] = []
    keeper = logging.Handler()
    keeper.emit = kept.append  # type: ignore[method-assign]
    root.addHandler(keeper)
    yield settings, kept
    root.handlers[:] = before[0]
    root.setLevel(before[1])
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


async def test_neither_the_token_nor_the_secret_nor_the_url_path_is_logged(run_logging):
    settings, kept = run_logging
    async with WebhookBot(settings, FakeTelegram(token=LOG_TOKEN)) as bot:
        secret = await stored_secret(bot)
        await open_window(bot)
        await agree(bot, RESIDENT)
        headers = {SECRET_HEADER: "a-wrong-one"}
        assert await post(bot, start_update(9001), headers) == 403
    plain = logging.Formatter("%(levelname)s %(name)s: %(message)s")
    text = "\n".join(plain.format(record) for record in kept)
    assert "webhook mode: listening on 127.0.0.1" in text
    assert "https://bot.example.org" in text
    assert "refused (403)" in text
    for hidden in (LOG_TOKEN, secret, "/participation/hook", "a-wrong-one"):
        assert hidden not in text


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"BOT_WEBHOOK_SECRET": "has spaces and ümlauts"}, "BOT_WEBHOOK_SECRET"),
        ({"BOT_WEBHOOK_SECRET": "x" * 257}, "BOT_WEBHOOK_SECRET"),
        ({"BOT_WEBHOOK_URL": "bot.example.org/hook"}, "BOT_WEBHOOK_URL"),
        ({"BOT_WEBHOOK_PORT": "70000"}, "BOT_WEBHOOK_PORT"),
        ({"BOT_WEBHOOK_PORT": "８４４３"}, "BOT_WEBHOOK_PORT"),
        ({"BOT_WEBHOOK_LISTEN": "127.0.0.1; rm"}, "BOT_WEBHOOK_LISTEN"),
    ],
)
def test_a_wrong_webhook_setting_is_refused_naming_it(env, named):
    with pytest.raises(ConfigError) as refused:
        load_settings({}, env)
    assert named in str(refused.value)
    if "SECRET" in named:
        assert env[named] not in str(refused.value)  # a secret is never echoed


def test_the_webhook_settings_and_their_defaults():
    settings = load_settings({"webhook_port": "8080"}, {"BOT_WEBHOOK_URL": PUBLIC_URL})
    assert (settings.webhook_url, settings.webhook_listen, settings.webhook_port) == (
        PUBLIC_URL,
        "127.0.0.1",
        8080,
    )
    assert settings.webhook_secret is None
    assert PUBLIC_URL not in repr(settings)
    assert load_settings({}, {}).webhook_port == 8443
