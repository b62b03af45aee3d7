"""`participation-bot stats`, through main() on real SQLite files written by the real bot on
the emulator: the summary, its JSON, and each exit status (0 all well, 2 no readable
database, 3 outbox stalled, 4 silent, 5 both)."""

import asyncio
import json
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.emulated import EmulatedBot
from bot.news.buttons import Subscription
from bot.procedure import load_procedure
from bot.voting.buttons import Done, FieldBallot, Pick
from storage.db import latest_version
from storage.monitoring import LAST_UPDATE
from tests.conftest import RESIDENT, add_subscribers, agree, open_window, rows


@pytest.fixture(autouse=True)
def no_bot_settings_from_outside(monkeypatch):
    for name in list(os.environ):
        if name.startswith("BOT_"):
            monkeypatch.delenv(name)


def ago(**span: float) -> str:
    return (datetime.now(UTC) - timedelta(**span)).isoformat(timespec="seconds")


async def stats(path: Path, *flags: str) -> int:
    """`participation-bot stats --database PATH …` (in a thread: it runs its own loop)."""
    return await asyncio.to_thread(main, ["stats", "--database", str(path), *flags])


@pytest.fixture
async def used(settings, example) -> Path:
    """A database after two residents used the bot: one voted and subscribed, one only
    looked; a third subscriber later blocked the bot (inactive)."""
    async with EmulatedBot(settings, load_procedure(settings.procedure)) as bot:
        await open_window(bot)
        await agree(bot, RESIDENT)
        field = example.fields[0]
        await bot.press(RESIDENT, FieldBallot(field))
        await bot.press(RESIDENT, Pick(field, field.goals[0], True))
        await bot.press(RESIDENT, Done())
        await bot.press(RESIDENT, Subscription(True))
        bot.fake.add_user(RESIDENT + 1, language_code="de")
        await bot.send(RESIDENT + 1, "/start")
    (blocked,) = await add_subscribers(settings.database, ["tr"])
    write(settings.database, "UPDATE subscriptions SET active = 0 WHERE user_id = ?", (blocked,))
    return settings.database


def write(path: Path, sql: str, params: tuple = ()) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute(sql, params)


def stalled_broadcast(path: Path, recipients: int = 2, last_sent: str | None = None) -> None:
    """A broadcast that fell due an hour ago with deliveries still pending (written as the
    bot stores them); optionally one delivery that went out at `last_sent`."""
    with sqlite3.connect(path) as connection:
        cursor = connection.execute(
            "INSERT INTO broadcasts (kind, audience, state, created_at) "
            "VALUES ('news', 'all', 'sending', ?)",
            (ago(hours=1),),
        )
        broadcast = cursor.lastrowid
        for chat in range(recipients):
            connection.execute(
                "INSERT INTO deliveries (broadcast_id, chat_id, language, state, updated_at) "
                "VALUES (?, ?, 'de', 'pending', ?)",
                (broadcast, 70_000 + chat, ago(minutes=2)),  # touched by a retry: no progress
            )
        if last_sent is not None:
            connection.execute(
                "INSERT INTO deliveries (broadcast_id, chat_id, language, state, updated_at) "
                "VALUES (?, 79999, 'de', 'sent', ?)",
                (broadcast, last_sent),
            )


async def test_the_summary_fits_one_screen_and_says_all_is_well(used, capsys):
    assert await stats(used) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) <= 24 and all(len(line) <= 100 for line in lines[1:])
    assert lines[0] == f"database      {used}"
    assert f"schema version {latest_version()}" in out
    assert "participants  3" in out  # the two residents and the subscriber who blocked
    assert "ballots       1" in out
    assert "subscribers   1 active, 1 inactive" in out
    assert "outbox        nothing waiting" in out
    assert "last update   20" in out  # the time the heartbeat recorded
    assert out.rstrip().endswith("status        ok")


async def test_json_for_machines(used, capsys):
    assert await stats(used, "--json") == 0
    found = json.loads(capsys.readouterr().out)
    assert found["status"] == "ok" and found["exit_code"] == 0 and found["problems"] == []
    assert (found["participants"], found["ballots"]) == (3, 1)
    assert found["subscribers"] == {"active": 1, "inactive": 1}
    assert found["database"]["schema_version"] == latest_version()
    assert found["database"]["size_bytes"] > 0
    assert found["broadcasts"] == {"queued": 0, "sending": 0, "done": 0, "cancelled": 0}
    assert found["outbox"] == {"waiting": 0, "idle_since": None, "stalled": False}
    stored = rows(used, "SELECT value FROM bot_state WHERE key = ?", (LAST_UPDATE,))
    assert [(found["last_update"],)] == stored


async def test_an_outbox_that_makes_no_progress_exits_3(used, capsys):
    stalled_broadcast(used, last_sent=ago(minutes=40))
    assert await stats(used) == 3
    out = capsys.readouterr().out
    assert "STALLED: 2 deliveries due, nothing went out for 40 min" in out
    assert "(exit 3)" in out
    # A longer limit: still within it.
    assert await stats(used, "--stalled-after", "1h") == 0


async def test_an_outbox_that_moves_is_not_stalled(used, capsys):
    stalled_broadcast(used, last_sent=ago(minutes=1))
    assert await stats(used) == 0
    assert "2 deliveries due, going out" in capsys.readouterr().out


async def test_a_broadcast_planned_for_later_is_not_waiting(used, capsys):
    stalled_broadcast(used)
    later = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    write(used, "UPDATE broadcasts SET state = 'queued', send_at = ?", (later,))
    assert await stats(used) == 0
    assert "nothing waiting" in capsys.readouterr().out


async def test_no_update_handled_for_a_day_exits_4_unless_the_check_is_off(used, capsys):
    write(used, "UPDATE bot_state SET value = ? WHERE key = ?", (ago(hours=30), LAST_UPDATE))
    assert await stats(used) == 4
    assert "SILENT" in capsys.readouterr().out
    assert await stats(used, "--silent-after", "2d") == 0
    assert await stats(used, "--silent-after", "0") == 0


async def test_stalled_and_silent_exits_5(used, capsys):
    write(used, "UPDATE bot_state SET value = ? WHERE key = ?", (ago(days=3), LAST_UPDATE))
    stalled_broadcast(used)
    assert await stats(used, "--json") == 5
    found = json.loads(capsys.readouterr().out)
    assert found["problems"] == ["outbox stalled", "no update handled lately"]
    assert found["silent"] and found["outbox"]["stalled"]


async def test_stats_runs_beside_the_running_bot(settings):
    async with EmulatedBot(settings, load_procedure(settings.procedure)) as bot:
        await open_window(bot)
        await agree(bot, RESIDENT)
        assert await stats(settings.database) == 0
        await bot.send(RESIDENT, "/help")  # the bot goes on writing


async def test_a_missing_database_exits_2_with_one_line(tmp_path, capsys):
    missing = tmp_path / "nothing-here.db"
    assert await stats(missing) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(missing) in err
    assert not missing.exists()


async def test_a_file_that_is_no_database_exits_2_and_stays_as_it_was(tmp_path, capsys):
    junk = tmp_path / "participation.db"
    junk.write_bytes(b"this is a spreadsheet, not a database" * 100)
    before = junk.read_bytes()
    assert await stats(junk) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(junk) in err
    assert junk.read_bytes() == before


async def test_a_wrong_duration_is_refused(used, capsys):
    with pytest.raises(SystemExit) as refused:
        await stats(used, "--stalled-after", "15 minutes")
    assert refused.value.code == 2
    assert "15m, 24h" in capsys.readouterr().err


async def test_the_heartbeat_writes_at_most_once_a_minute(settings):
    async with EmulatedBot(settings, load_procedure(settings.procedure)) as bot:
        bot.fake.add_user(RESIDENT, language_code="en")
        await bot.send(RESIDENT, "/start")
        first = rows(settings.database, "SELECT value, updated_at FROM bot_state WHERE key = ?",
                     (LAST_UPDATE,))  # fmt: skip
        for _ in range(5):
            await bot.send(RESIDENT, "/help")
        again = rows(settings.database, "SELECT value, updated_at FROM bot_state WHERE key = ?",
                     (LAST_UPDATE,))  # fmt: skip
    assert len(first) == 1 and again == first
