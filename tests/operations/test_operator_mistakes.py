"""What a city's IT administrator runs into when following README.md and docs/deployment.md
literally, or when a setting points at the wrong file: each case has one clear answer and
leaves the files as they were. Real SQLite files; the documented shell lines run in `sh`."""

import os
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest

from bot.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
DEPLOYMENT = ROOT / "docs" / "deployment.md"


@pytest.fixture(autouse=True)
def no_bot_settings_from_outside(monkeypatch):
    for name in list(os.environ):
        if name.startswith("BOT_"):
            monkeypatch.delenv(name)


# --- a backup of something that is not the bot's database ------------------------------------


@pytest.mark.parametrize("kind", ["an empty file", "another program's SQLite file"])
def test_a_backup_of_a_file_the_bot_never_used_is_refused(tmp_path, capsys, kind):
    """BOT_DATABASE mistyped in the backup timer's environment: a daily "backup written" of
    an empty file would let the city believe it has backups."""
    database = tmp_path / "participation.db"
    if kind == "an empty file":
        database.touch()
    else:
        with sqlite3.connect(database) as other:
            other.execute("CREATE TABLE contacts (name TEXT)")
        other.close()
    before = database.read_bytes()
    target = tmp_path / "backups" / "participation-2026-12-04.db"
    target.parent.mkdir()
    code = main(["backup", str(target), "--database", str(database)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == (
        f"participation-bot: cannot back up {database}: it is not the bot's database (schema "
        "version 0: the bot never started on it); check BOT_DATABASE\n"
    )
    assert list(target.parent.iterdir()) == []  # no backup, no half-written file
    assert database.read_bytes() == before


# --- the restore steps of docs/deployment.md --------------------------------------------------


def documented_line(start: str) -> str:
    """The shell line of docs/deployment.md that moves the damaged files aside (after its
    `cd /var/lib/participation && `), as the administrator pastes it."""
    for line in DEPLOYMENT.read_text(encoding="utf-8").splitlines():
        command = re.sub(r"^cd /var/lib/participation && ", "", line.strip())
        if command.startswith(start) and "mv participation.db participation.db-wal" in command:
            return command
    raise AssertionError(f"docs/deployment.md has no line starting with {start!r}")


def crashed_database(folder: Path, marker: str) -> None:
    """participation.db with a -wal beside it holding a committed row, as a bot that was
    killed leaves it."""
    path = folder / "participation.db"
    writer = sqlite3.connect(path)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("CREATE TABLE IF NOT EXISTS t (x TEXT)")
    writer.commit()
    saved = path.read_bytes()  # the main file before the write only the -wal holds
    writer.execute("INSERT INTO t VALUES (?)", (marker,))
    writer.commit()
    wal = (folder / "participation.db-wal").read_bytes()
    writer.close()  # closing checkpoints and removes the -wal: put the crash's files back
    path.write_bytes(saved)
    (folder / "participation.db-wal").write_bytes(wal)


@pytest.mark.parametrize("start", ["aside=$(mktemp -d damaged-", "aside=$(mktemp -d upgraded-"])
def test_moving_the_files_aside_twice_the_same_day_leaves_no_wal_beside_the_database(
    tmp_path, start
):
    """A restore (or rollback) that has to be done again the same day: the documented line
    must move the new -wal aside too, or it is applied to the file restored next."""
    line = documented_line(start)
    folder = tmp_path / "var-lib-participation"
    folder.mkdir()
    for attempt in ("first", "second"):
        crashed_database(folder, attempt)
        subprocess.run(["sh", "-c", line], cwd=folder, check=False, timeout=30)
        left = sorted(p.name for p in folder.iterdir() if p.is_file())
        assert left == [], f"{attempt} time: {left} still beside the database"
    moved = [p for p in folder.iterdir() if p.is_dir()]
    assert sorted(len(list(p.iterdir())) for p in moved) == [2, 2]  # each crash kept whole
