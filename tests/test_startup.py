"""Starting up: one bot per database, and every reason not to start is one line and exit 2.

Real processes (`python -m bot run` against the emulator's HTTP front door, or a tiny server
that answers like a web server instead of the Bot API), real files and real SQLite. Where a
test needs a file the bot may not read or a folder it may not write, and the tests run as root
(who may read and write everything), the bot's process runs without root's power to override
file permissions (`setpriv`), as the bot's own service user would.
"""

import asyncio
import os
import shutil
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, closing
from dataclasses import replace
from pathlib import Path

import pytest
from aiohttp import web

from bot.__main__ import main
from bot.emulated import EmulatedBot
from bot.emulator import FakeTelegram, serve_http
from storage import audit
from storage.db import Database, DatabaseInUseError
from tests.conftest import RESIDENT

TOKEN = "987654321:AAEstartup-token-for-the-emulator-xyz12"
SECRET = "startup-secret-0123456789-abcdefgh"
REFUSED = 2

# The bot's process without root's override of file permissions (a no-op for other users).
_UNPRIVILEGED = [
    "setpriv",
    "--inh-caps=-dac_override,-dac_read_search",
    "--bounding-set=-dac_override,-dac_read_search",
]


def _unprivileged() -> list[str]:
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: file permissions cannot be tested")
    return _UNPRIVILEGED


def _env(database: Path, api_url: str = "http://127.0.0.1:9/bot", **extra: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("BOT_")}
    env |= {
        "BOT_TOKEN": TOKEN,
        "BOT_SECRET": SECRET,
        "BOT_API_URL": api_url,
        "BOT_DATABASE": str(database),
        "BOT_LOG_LEVEL": "INFO",
    }
    return env | extra


async def _spawn(
    env: dict[str, str], *args: str, prefix: Sequence[str] = ()
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *prefix, sys.executable, "-m", "bot", *(args or ("run",)), env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def _refusal(process: asyncio.subprocess.Process, timeout: float = 30) -> str:
    """The one line a refused start printed (exit status 2, no traceback)."""
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError("the process did not refuse to start: it is still running") from None
    err = stderr.decode()
    assert process.returncode == REFUSED, err
    assert "Traceback" not in err, err
    assert TOKEN not in err and SECRET not in err
    lines = [line for line in err.splitlines() if line.startswith("participation-bot: ")]
    assert len(lines) == 1, err
    return lines[0]


async def _stop(process: asyncio.subprocess.Process) -> str:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=20)
    return stderr.decode()


async def _polling(fake: FakeTelegram, process: asyncio.subprocess.Process) -> None:
    """Wait until the bot polls (its start-up is over)."""
    polls = len(fake.calls("getUpdates"))
    try:
        await fake.wait_for(lambda: len(fake.calls("getUpdates")) > polls, timeout=30)
    except TimeoutError:
        raise AssertionError(await _stop(process)) from None


def _claimed_delivery(database: Path) -> None:
    """A message claimed for sending (as the running bot's worker leaves it while it sends)."""
    with closing(sqlite3.connect(database, timeout=10)) as connection, connection:
        connection.execute(
            "INSERT INTO broadcasts (id, author_id, kind, audience, state, created_at) "
            "VALUES (77, NULL, 'news', 'all', 'cancelled', 'x')"
        )
        connection.execute(
            "INSERT INTO deliveries (broadcast_id, chat_id, language, state, updated_at) "
            "VALUES (77, 4242, 'de', 'sending', 'x')"
        )


def _delivery_state(database: Path) -> str:
    with closing(sqlite3.connect(database, timeout=10)) as connection:
        return str(connection.execute("SELECT state FROM deliveries").fetchone()[0])


# --- one bot per database ---------------------------------------------------------------------


async def test_a_second_run_on_the_same_database_refuses_before_touching_it_or_telegram(
    tmp_path,
):
    database = tmp_path / "one.db"
    fake = FakeTelegram(token=TOKEN)
    async with serve_http(fake) as base_url:
        first = await _spawn(_env(database, base_url))
        try:
            await _polling(fake, first)
            _claimed_delivery(database)
            asked_before = len(fake.calls("getMe"))

            second = await _spawn(_env(database, base_url))
            line = await _refusal(second)
            assert str(database) in line and "already running" in line
            assert f"pid {first.pid}" in line
            # It never reached Telegram, and never recovered the first one's claimed messages.
            assert len(fake.calls("getMe")) == asked_before
            assert _delivery_state(database) == "sending"
            assert first.returncode is None  # the first one runs on
        finally:
            log = await _stop(first)
    assert first.returncode == 0, log
    assert "Conflict" not in log


async def test_the_lock_dies_with_a_killed_process(tmp_path):
    database = tmp_path / "one.db"
    fake = FakeTelegram(token=TOKEN)
    async with serve_http(fake) as base_url:
        first = await _spawn(_env(database, base_url))
        await _polling(fake, first)
        first.send_signal(signal.SIGKILL)  # no clean shutdown: the OS lets go of the lock
        await first.wait()
        assert (tmp_path / "one.db.lock").exists()  # the file stays; only the lock goes

        again = await _spawn(_env(database, base_url))
        try:
            await _polling(fake, again)
        finally:
            log = await _stop(again)
    assert again.returncode == 0, log


async def test_demo_and_an_emulated_bot_take_the_lock_too_and_a_restart_is_fine(
    settings, example, capsys
):
    first = EmulatedBot(settings, example)
    async with first:
        with pytest.raises(DatabaseInUseError, match=str(settings.database)):
            async with EmulatedBot(settings, example):
                pass
        args = ["demo", "--database", str(settings.database)]
        assert await asyncio.to_thread(main, args) == REFUSED
        err = capsys.readouterr().err
        assert str(settings.database) in err and "already running" in err
        first.fake.add_user(RESIDENT, language_code="en")
        await first.send(RESIDENT, "/start")  # the first one was not disturbed
    # Stopped: the next one starts on the same file (the restart tests do that all the time).
    async with EmulatedBot(settings, example) as second:
        assert await second.services.database.schema_version() > 0
    # Another file is another bot.
    other = replace(settings, database=settings.database.with_name("other.db"))
    async with EmulatedBot(settings, example), EmulatedBot(other, example):
        pass


# --- a database that cannot be used -----------------------------------------------------------


async def _bot_database(path: Path, rows: int = 3000) -> None:
    """A database as the bot leaves it, with enough rows to span many pages."""
    db = await Database.open(path)
    try:
        for n in range(rows // 500):
            async with db.transaction() as connection:
                await connection.executemany(
                    "INSERT INTO audit_log (at, actor_id, action, detail) VALUES ('x', ?, ?, ?)",
                    [(n * 500 + i, "test.fill", "d" * 300) for i in range(500)],
                )
        await audit.record(db, None, "test.done")
    finally:
        await db.close()


def _damage_page(path: Path, page: int) -> None:
    """Overwrite part of one b-tree page (page numbers from 1), as a bad disk sector would."""
    data = bytearray(path.read_bytes())
    start = (page - 1) * 4096
    data[start + 100 : start + 200] = b"\xff" * 100
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("command", ["run", "demo"])
async def test_a_file_that_is_not_a_database_is_refused_naming_it(tmp_path, command):
    database = tmp_path / "notes.db"
    database.write_text("minutes of the workshop, not a database\n", encoding="utf-8")
    line = await _refusal(await _spawn(_env(database), command))
    assert str(database) in line and "BOT_DATABASE" in line


async def test_a_truncated_database_is_refused_naming_it(tmp_path):
    database = tmp_path / "cut.db"
    await _bot_database(database)
    data = database.read_bytes()
    database.write_bytes(data[: len(data) // 2])
    line = await _refusal(await _spawn(_env(database)))
    assert str(database) in line and "BOT_DATABASE" in line


@pytest.mark.parametrize("command", ["run", "demo"])
async def test_a_damaged_database_is_refused_at_start_by_its_quick_check(tmp_path, command):
    database = tmp_path / "damaged.db"
    await _bot_database(database)
    _damage_page(database, 3)
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
        # The header is fine (the schema version reads), so only a check of the file finds it.
        assert connection.execute("PRAGMA user_version").fetchone()[0] > 0
    before = database.read_bytes()
    line = await _refusal(await _spawn(_env(database), command))
    assert str(database) in line and "damaged" in line and "backup" in line
    assert database.read_bytes() == before


async def test_a_database_the_bot_may_not_read_is_refused_naming_it(tmp_path):
    prefix = _unprivileged()
    database = tmp_path / "secret.db"
    await _bot_database(database, rows=0)
    database.chmod(0)
    line = await _refusal(await _spawn(_env(database), prefix=prefix))
    assert str(database) in line and "BOT_DATABASE" in line and "permission" in line.lower()


async def test_a_read_only_database_file_is_refused_naming_it(tmp_path):
    prefix = _unprivileged()
    database = tmp_path / "archive.db"
    await _bot_database(database, rows=0)
    database.chmod(0o444)
    line = await _refusal(await _spawn(_env(database), prefix=prefix))
    assert str(database) in line and "BOT_DATABASE" in line and "write" in line


async def test_a_read_only_folder_is_refused_naming_it(tmp_path):
    prefix = _unprivileged()
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        line = await _refusal(await _spawn(_env(folder / "p.db"), prefix=prefix))
    finally:
        folder.chmod(0o755)
    assert str(folder) in line and "BOT_DATABASE" in line and "write" in line
    assert list(folder.iterdir()) == []


# --- Telegram, and the settings ---------------------------------------------------------------


@asynccontextmanager
async def _web_server() -> AsyncIterator[str]:
    """A web server where the Bot API should be: every request gets an HTML page."""

    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<html><body>Welcome to nginx!</body></html>",
                            content_type="text/html")  # fmt: skip

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/bot"
    finally:
        await runner.cleanup()


async def test_a_bot_api_url_that_answers_html_is_refused_naming_the_setting(tmp_path):
    async with _web_server() as url:
        line = await _refusal(await _spawn(_env(tmp_path / "p.db", url)))
    assert "BOT_API_URL" in line and url in line


@pytest.mark.parametrize("admins", ["²", "12,٣", "1²3"])
async def test_admins_that_only_look_like_digits_are_refused_naming_the_setting(tmp_path, admins):
    line = await _refusal(await _spawn(_env(tmp_path / "p.db", BOT_ADMINS=admins)))
    assert "BOT_ADMINS" in line


async def test_the_secret_and_the_token_from_files_reach_telegram(tmp_path):
    (tmp_path / "secret").write_text(SECRET + "\n", encoding="utf-8")
    (tmp_path / "token").write_text(TOKEN + "\nsecond line is ignored\n", encoding="utf-8")
    env = {
        name: value for name, value in _env(tmp_path / "p.db").items()
        if name not in ("BOT_TOKEN", "BOT_SECRET")
    }  # fmt: skip
    fake = FakeTelegram(token=TOKEN)
    async with serve_http(fake) as base_url:
        env |= {"BOT_API_URL": base_url, "BOT_SECRET_FILE": str(tmp_path / "secret")}
        process = await _spawn(env, "run", "--token-file", str(tmp_path / "token"))
        try:
            await _polling(fake, process)
        finally:
            log = await _stop(process)
    assert process.returncode == 0, log
    assert SECRET not in log and TOKEN not in log


async def test_an_unreadable_secret_file_is_refused_naming_it(tmp_path):
    env = _env(tmp_path / "p.db")
    del env["BOT_SECRET"]
    missing = tmp_path / "no-such-secret"
    line = await _refusal(await _spawn(env, "run", "--secret-file", str(missing)))
    assert "--secret-file" in line and str(missing) in line and "cannot read" in line


async def test_a_secret_with_too_little_entropy_is_refused(tmp_path):
    line = await _refusal(await _spawn(_env(tmp_path / "p.db", BOT_SECRET="a" * 16)))
    assert "BOT_SECRET" in line and "a" * 16 not in line
