"""`participation-bot backup`, the automatic backup before an upgrade, and restoring.

Real SQLite files throughout: the running bot on the emulator writes while the backup is
taken; a restored copy is started as a bot again and must show the same tallies, the same
subscribers and the same ballot to the resident who cast it.
"""

import asyncio
import json
import os
import resource
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.emulated import EmulatedBot
from bot.operations.backup import size_text
from bot.procedure import Procedure
from bot.resources import example_procedure
from bot.voting.buttons import FieldBallot, Pick, Vote
from storage import subscriptions
from storage.db import Database, latest_version, migrations
from storage.tally import Tally, counted_again, tally
from tests.conftest import add_subscribers, agree, last, rows

EXAMPLE_FILE = example_procedure()


@pytest.fixture(autouse=True)
def no_bot_settings_from_outside(monkeypatch):
    for name in list(os.environ):
        if name.startswith("BOT_"):
            monkeypatch.delenv(name)


def backup(capsys, database: Path, target: Path, *flags: str) -> tuple[int, str, str]:
    """`participation-bot backup TARGET --database DATABASE`, in this process."""
    code = main(["backup", str(target), "--database", str(database), *flags])
    out, err = capsys.readouterr()
    return code, out, err


def no_leftovers(folder: Path) -> list[str]:
    """Temporary files a backup left in a folder (there must be none)."""
    return [p.name for p in folder.iterdir() if p.name.endswith((".partial", "-journal"))]


async def read_tally(path: Path) -> tuple[Tally, Tally]:
    """The kept counters of a file and the same counts made again from its ballot rows."""
    db = await Database.open_read_only(path)
    try:
        return await tally(db), await counted_again(db)
    finally:
        await db.close()


async def active_subscribers(path: Path) -> list[tuple[int, str]]:
    db = await Database.open_read_only(path)
    try:
        return [(s.chat_id, s.language) for s in await subscriptions.active(db, "de")]
    finally:
        await db.close()


async def results_json(capsys, path: Path) -> dict[str, object]:
    """`participation-bot results --format json` for a file (in a thread: a bot may run)."""
    args = ["results", "--format", "json", "--database", str(path)]
    code = await asyncio.to_thread(main, [*args, "--procedure", str(EXAMPLE_FILE)])
    out, err = capsys.readouterr()
    assert code == 0, err
    document = json.loads(out)
    assert isinstance(document, dict)
    del document["made_at"]  # when the export was made: the figures are the rest
    return document


async def vote_in_field(bot: EmulatedBot, user: int, example: Procedure, index: int) -> None:
    """A resident opens "Set your priorities" from the menu, chooses the first two sub-goals
    of one field and confirms."""
    field = example.fields[index % len(example.fields)]
    await bot.send(user, "/start")
    await bot.press(user, Vote())
    await bot.press(user, FieldBallot(field))
    for goal in field.goals[:2]:
        await bot.press(user, Pick(field, goal, True))
    await bot.press(user, Vote())


# --- the round trip -------------------------------------------------------------------------


async def test_a_backup_taken_while_residents_vote_restores_to_the_same_bot(
    voting, example, tmp_path, capsys
):
    """Residents vote and subscribe; a backup is taken while votes keep coming in; the bot is
    stopped; the backup is restored as the docs say and a bot started on it shows the same."""
    bot = voting
    residents = list(range(81_000, 81_012))
    for user in residents:
        await agree(bot, user)
        await bot.send(user, "/subscribe")
    await add_subscribers(bot, ["de", "ar", "uk", "fa"])
    for user in residents[:4]:
        await vote_in_field(bot, user, example, 0)

    # Votes go on while the backup is taken (the residents wait for nothing).
    before = (await tally(bot.services.database)).goal_voters
    voting_goes_on = asyncio.gather(
        *(vote_in_field(bot, u, example, i + 1) for i, u in enumerate(residents))
    )
    during = tmp_path / "backups" / "during.db"
    during.parent.mkdir()
    code = await asyncio.to_thread(
        main, ["backup", str(during), "--database", str(bot.database_path)]
    )
    assert code == 0, capsys.readouterr().err
    await voting_goes_on  # every vote went in; none was refused or lost to the backup
    assert "backup written: " in capsys.readouterr().out

    # The copy holds one committed state: its counters agree with its own ballot rows, and it
    # has at least what was there before it started.
    kept, recounted = await read_tally(during)
    assert kept == recounted
    assert all(kept.goal_voters.get(goal, 0) >= n for goal, n in before.items())

    # Once the votes are in, a second backup, still beside the running bot; then stop.
    final = tmp_path / "backups" / "final.db"
    code = await asyncio.to_thread(
        main, ["backup", str(final), "--database", str(bot.database_path)]
    )
    assert code == 0
    capsys.readouterr()
    my_ballot = await bot_ballot_text(bot, residents[0])
    for field in example.fields[:2]:  # the two fields they voted in, with what they chose
        assert field.title.in_language("en", "de") in my_ballot
        assert field.goals[0].text.in_language("en", "de") in my_ballot
    await bot.stop()
    original_results = await results_json(capsys, bot.database_path)
    original_subscribers = await active_subscribers(bot.database_path)
    assert len(original_subscribers) == len(residents) + 4

    # Restore as documented: the backup copied to where BOT_DATABASE points, then start.
    restored = tmp_path / "restored" / "participation.db"
    restored.parent.mkdir()
    shutil.copyfile(final, restored)
    again = EmulatedBot(replace(bot.settings, database=restored), example)
    async with again:
        assert await results_json(capsys, restored) == original_results
        assert await active_subscribers(restored) == original_subscribers
        # The resident finds their ballot (the same secret finds the same voter key) ...
        again.fake.add_user(residents[0], language_code="en")
        assert await bot_ballot_text(again, residents[0]) == my_ballot
        # ... and the restored bot takes votes as before.
        await vote_in_field(again, residents[0], example, 3)
    kept, recounted = await read_tally(restored)
    assert kept == recounted and kept.voters == len(residents)


async def bot_ballot_text(bot: EmulatedBot, user: int) -> str:
    """What the resident reads under /myballot."""
    await bot.send(user, "/myballot")
    return str(last(bot, user).plain_text)


# --- the command ----------------------------------------------------------------------------


@pytest.fixture
def database(tmp_path) -> Path:
    """A bot's database with a participant in it, closed."""
    path = tmp_path / "bot" / "participation.db"
    path.parent.mkdir()

    async def make() -> None:
        db = await Database.open(path)
        await db.close()

    asyncio.run(make())
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO participants (user_id, chat_id, language, created_at, updated_at) "
            "VALUES (5, 5, 'uk', 'then', 'then')"
        )
    connection.close()
    return path


def test_a_backup_is_one_line_a_checked_copy_and_readable_only_by_its_owner(
    database, tmp_path, capsys
):
    target = tmp_path / "p-2026-12-04.db"
    code, out, err = backup(capsys, database, target)
    assert (code, err) == (0, "")
    size = target.stat().st_size
    assert out == (
        f"backup written: {target} ({size_text(size)}, schema version {latest_version()})\n"
    )
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert rows(target, "PRAGMA quick_check") == [("ok",)]
    assert rows(target, "PRAGMA journal_mode") == [("delete",)]  # one file, no -wal to forget
    assert rows(target, "SELECT language FROM participants") == [("uk",)]
    assert no_leftovers(tmp_path) == []


def test_an_existing_file_is_refused_and_force_replaces_it(database, tmp_path, capsys):
    target = tmp_path / "backup.db"
    target.write_bytes(b"last week's backup")
    code, out, err = backup(capsys, database, target)
    assert (code, out) == (2, "")
    assert err == (
        f"participation-bot: the backup {target} exists already; choose another name or --force\n"
    )
    assert target.read_bytes() == b"last week's backup"
    code, out, _ = backup(capsys, database, target, "--force")
    assert code == 0 and out.startswith("backup written")
    assert rows(target, "SELECT language FROM participants") == [("uk",)]
    assert no_leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("no database", "the database {database} does not exist (BOT_DATABASE)"),
        ("no folder", "cannot write the backup {target}: the folder {folder} does not exist"),
        ("a folder", "cannot write the backup {target}: it is a folder, expected a file"),
        ("itself", "the backup {target} would be the database itself; choose another file"),
        ("not a database", "cannot read {database} as the bot's database"),
    ],
)
def test_each_mistake_is_one_line_and_writes_nothing(database, tmp_path, capsys, case, expected):
    target = tmp_path / "backup.db"
    if case == "no database":
        database = tmp_path / "missing.db"
    elif case == "no folder":
        target = tmp_path / "no-such-folder" / "backup.db"
    elif case == "a folder":
        target.mkdir()
    elif case == "itself":
        target = database.parent / ".." / database.parent.name / database.name
    elif case == "not a database":
        database = tmp_path / "votes.csv"
        database.write_text("field;goal;points\n", encoding="utf-8")
    before = files(tmp_path)
    code, out, err = backup(capsys, database, target)
    assert (code, out) == (2, "")
    message = expected.format(database=database, target=target, folder=target.parent)
    assert err.startswith(f"participation-bot: {message}") and err.count("\n") == 1
    assert files(tmp_path) == before  # nothing written, nothing changed


def files(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes."""
    return {str(p): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_folder_the_user_may_not_write_in_is_named(database, tmp_path):
    """As the bot's user would run it (root without the right to ignore file permissions)."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: file permissions cannot be tested")
        prefix = [
            "setpriv",
            *(f"--{s}=-dac_override,-dac_read_search" for s in ("inh-caps", "bounding-set")),
        ]
    folder = tmp_path / "read-only"
    folder.mkdir(mode=0o555)
    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    command = [
        sys.executable,
        "-m",
        "bot",
        "backup",
        str(folder / "b.db"),
        "--database",
        str(database),
    ]
    try:
        done = subprocess.run(
            [*prefix, *command], env=env, capture_output=True, text=True, timeout=60, check=False
        )
    finally:
        folder.chmod(0o755)
    assert (done.returncode, done.stdout) == (2, ""), done.stderr
    assert done.stderr == (
        f"participation-bot: cannot write the backup {folder / 'b.db'}: the folder {folder} "
        "is not writable\n"
    )
    assert list(folder.iterdir()) == []


def test_the_sizes_are_written_for_people():
    assert [size_text(n) for n in (512, 4096, 204_300_000, 3_200_000_000)] == [
        "512 bytes", "4.1 kB", "204.3 MB", "3.2 GB",
    ]  # fmt: skip


# --- the automatic backup before an upgrade -------------------------------------------------

OLD = 5  # a file as version 5 of the schema left it


def old_database(path: Path) -> None:
    """The schema as the first OLD migrations left it, with a resident who voted."""
    with sqlite3.connect(path) as connection:
        for number, _name, script in migrations():
            if number <= OLD:
                connection.executescript(script)
        connection.execute(f"PRAGMA user_version = {OLD}")
        connection.execute(
            "INSERT INTO participants (user_id, chat_id, language, created_at, updated_at) "
            "VALUES (8, 8, 'fa', 'then', 'then')"
        )
        connection.execute("INSERT INTO voters VALUES ('key-8', 'fa')")
        connection.execute("INSERT INTO ballots VALUES ('key-8', 'housing', '1', 1)")
    connection.close()


def upgrade_backups(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"*.before-schema-{OLD}-to-{latest_version()}.*.bak"))


async def test_an_old_database_is_backed_up_before_it_is_upgraded(tmp_path, caplog):
    path = tmp_path / "participation.db"
    old_database(path)
    before = path.read_bytes()
    caplog.set_level("INFO", logger="storage.db")
    db = await Database.open(path)
    try:
        assert await db.schema_version() == latest_version()
    finally:
        await db.close()
    (made,) = upgrade_backups(tmp_path)
    assert made.name.startswith("participation.db.before-schema-")
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    # The backup is the file as it was: the old version, the old tables, the same rows.
    assert rows(made, "PRAGMA user_version") == [(OLD,)]
    assert rows(made, "SELECT * FROM voters") == [("key-8", "fa")]
    assert rows(made, "SELECT voter_key, field_id, goal_id, weight FROM ballots") == [
        ("key-8", "housing", "1", 1)
    ]
    with closing(sqlite3.connect(":memory:")) as was, closing(sqlite3.connect(made)) as copy:
        was.deserialize(before)
        assert list(was.iterdump()) == list(copy.iterdump())
    (logged,) = [r for r in caplog.records if "before the upgrade" in r.getMessage()]
    assert logged.levelname == "INFO" and made.name in logged.getMessage()
    # Opening again takes no second backup: nothing to upgrade.
    db = await Database.open(path)
    await db.close()
    assert upgrade_backups(tmp_path) == [made]


async def test_a_new_database_and_a_current_one_get_no_backup(tmp_path):
    path = tmp_path / "participation.db"
    for _ in range(2):
        db = await Database.open(path)
        await db.close()
    assert [p.name for p in tmp_path.iterdir() if ".bak" in p.name] == []


def test_when_the_backup_fails_the_upgrade_does_not_happen(tmp_path):
    """A file too big for what the process may write (RLIMIT_FSIZE, as a full disk would
    refuse it): the command stops with one line, the database keeps its version and bytes."""
    path = tmp_path / "participation.db"
    old_database(path)
    before = path.read_bytes()
    limit = len(before) // 2

    def small_files() -> None:  # in the child: writes past `limit` fail with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {k: v for k, v in os.environ.items() if not k.startswith("BOT_")}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "import-workshop", "--list", "--database", str(path)],
        env=env, capture_output=True, text=True, preexec_fn=small_files, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"participation-bot: the database {path} has schema version {OLD}")
    assert "the backup taken first failed" in line and "Nothing was changed" in line
    assert path.read_bytes() == before
    assert rows(path, "PRAGMA user_version") == [(OLD,)]
    assert upgrade_backups(tmp_path) == [] and no_leftovers(tmp_path) == []
