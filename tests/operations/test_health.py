"""`/healthz` in webhook mode: 200 with a short JSON status while the database takes writes
and the outbox makes progress, 503 naming the failing part when not. The bot runs on the
emulator with a real SQLite file; the failures are real (another process holding the
database's write lock, a worker that no longer sends)."""

import asyncio
import os
import sqlite3
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from bot.app import lifecycle_of
from bot.operations.health import check
from storage import outbox
from storage.db import Database
from tests.conftest import FIRST_SUBSCRIBER, add_subscribers, finished
from tests.operations.webhook_harness import WebhookBot

AN_HOUR_AGO = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds")


@pytest.fixture(autouse=True)
def no_bot_settings_from_outside(monkeypatch):
    for name in list(os.environ):
        if name.startswith("BOT_"):
            monkeypatch.delenv(name)


async def healthz(bot: WebhookBot) -> tuple[int, dict]:
    """GET /healthz as a monitoring probe does: no secret, a generous timeout."""
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        async with session.get(bot.base_url + "/healthz") as response:
            return response.status, await response.json()


async def queue_news_due_an_hour_ago(bot: WebhookBot, subscribers: int = 3) -> int:
    """A news broadcast to a few subscribers that fell due an hour ago."""
    users = await add_subscribers(bot.database_path, ["en"] * subscribers)
    db = bot.services.database
    broadcast_id = await outbox.queue(
        db,
        author_id=None,
        kind="news",
        texts={"de": "Der Workshop ist in Raum 2.", "en": "The workshop moves to room 2."},
        default_language="de",
        recipients=[(user, "en") for user in users],
    )
    assert broadcast_id is not None
    await db.write("UPDATE broadcasts SET created_at = ? WHERE id = ?", (AN_HOUR_AGO, broadcast_id))
    for user in users:
        bot.fake.add_user(user, language_code="en")
    return broadcast_id


async def test_a_healthy_bot_answers_200_with_a_short_status(settings):
    async with WebhookBot(settings) as bot:
        status, body = await healthz(bot)
    assert status == 200
    assert body["status"] == "ok" and body["failing"] == []
    assert body["database"] == "writable"
    assert body["outbox"] == {"waiting": 0, "progressing": True, "idle_since": None}


async def test_the_health_check_writes_for_real(settings):
    async with WebhookBot(settings) as bot:
        await healthz(bot)
        db = bot.services.database
        first = await db.fetchone("SELECT updated_at FROM bot_state WHERE key LIKE '%health%'")
        assert first is not None


async def test_a_database_locked_by_another_process_answers_503_naming_it(settings):
    async with WebhookBot(settings) as bot:
        # Another process takes the write lock and keeps it past the busy timeout (5 s).
        other = sqlite3.connect(bot.database_path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")
        try:
            status, body = await healthz(bot)
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert status == 503
        assert body["failing"] == ["database"]
        assert "locked" in body["database"]
        # Once the other process lets go, the check passes again.
        assert (await healthz(bot))[0] == 200


async def test_a_stalled_outbox_answers_503_naming_it(settings):
    async with WebhookBot(settings) as bot:
        worker = lifecycle_of(bot.application).worker
        assert worker is not None
        await worker.stop()  # as if it hung: nothing goes out any more
        await queue_news_due_an_hour_ago(bot)
        status, body = await healthz(bot)
        assert not bot.fake.calls("sendMessage")
    assert status == 503
    assert body["failing"] == ["outbox"]
    assert body["outbox"]["waiting"] == 3 and body["outbox"]["progressing"] is False
    assert body["database"] == "writable"


async def test_an_old_broadcast_that_goes_out_now_is_progress(settings):
    async with WebhookBot(settings) as bot:
        broadcast_id = await queue_news_due_an_hour_ago(bot)
        bot.services.wake_outbox()
        await finished(bot, broadcast_id)  # type: ignore[arg-type]
        status, body = await healthz(bot)
        sent = [call.params["chat_id"] for call in bot.fake.calls("sendMessage")]
    assert status == 200 and body["outbox"]["waiting"] == 0
    assert sorted(sent) == [FIRST_SUBSCRIBER, FIRST_SUBSCRIBER + 1, FIRST_SUBSCRIBER + 2]


async def test_a_file_that_takes_no_writes_is_reported_not_raised(settings, running):
    """The check itself, on a connection that may only read (as a read-only file gives)."""
    db = await Database.open_read_only(settings.database)
    try:
        health = await check(db)
    finally:
        await db.close()
    assert health.failing == ["database"]
    assert "not writable" in (health.database_problem or "")
    assert health.as_json()["status"] == "failing"


async def test_health_waits_for_nothing_else(settings):
    """Probes may come while residents are handled: many at once all answer."""
    async with WebhookBot(settings) as bot:
        answers = await asyncio.gather(*(healthz(bot) for _ in range(5)))
    assert {status for status, _ in answers} == {200}
