"""A consistent copy of the database, taken while the bot keeps writing to it.

SQLite's online backup API (`sqlite3.Connection.backup`) copies the pages of one committed
state: with WAL the copy holds a read transaction, so the bot's writes go on meanwhile and
none of them is half in the copy. The copy is written to a temporary file beside the target
(mode 0600 from the start: the database lists Telegram user ids), checked with
`PRAGMA quick_check`, made durable and only then renamed into place, so a target that exists
is always a whole, checked backup. The copy uses a rollback journal (one file, no -wal to
forget); the bot switches it back to WAL when it starts on it.

Synchronous: call it from a command line or through `asyncio.to_thread`, never on an event
loop. Used by `participation-bot backup` and by `Database.open` before a migration.
"""

import contextlib
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


class BackupError(RuntimeError):
    """The backup could not be made; the message names the file and the reason."""


@dataclass(frozen=True)
class Backup:
    """A finished, checked backup."""

    path: Path
    size: int  # bytes
    schema_version: int


def copy_database(source: Path, target: Path, *, overwrite: bool = False) -> Backup:
    """Copy `source` to `target` with the online backup API, check the copy and rename it into
    place. Refuses an existing target unless `overwrite`; never changes `source`."""
    if not source.is_file():
        raise BackupError(f"the database {source} does not exist (BOT_DATABASE)")
    folder = target.absolute().parent
    if not folder.is_dir():
        raise BackupError(f"cannot write the backup {target}: the folder {folder} does not exist")
    if target.is_dir():
        raise BackupError(f"cannot write the backup {target}: it is a folder, expected a file")
    if _same_file(source, target):
        raise BackupError(f"the backup {target} would be the database itself; choose another file")
    if target.exists() and not overwrite:
        raise BackupError(f"the backup {target} exists already; choose another name or --force")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BackupError(f"cannot write the backup {target}: the folder {folder} is not writable")
    try:
        # mkstemp creates the file with mode 0600 before a byte of the database is in it.
        handle, name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".partial")
    except OSError as exc:
        raise BackupError(f"cannot write the backup {target} ({exc.strerror})") from exc
    os.close(handle)
    partial = Path(name)
    try:
        version = _copy_and_check(source, partial, target)
        _durable(partial)
        os.replace(partial, target)
        _durable(folder)
    except BaseException:
        for leftover in (partial, Path(f"{partial}-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        raise
    return Backup(target, target.stat().st_size, version)


def before_migration_path(database: Path, old: int, new: int, now: datetime | None = None) -> Path:
    """`<database>.before-schema-<old>-to-<new>.<timestamp>.bak`, beside the database; a
    number is added when that name is taken (two upgrades in one second)."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    base = f"{database.name}.before-schema-{old}-to-{new}.{stamp}"
    candidate = database.with_name(f"{base}.bak")
    number = 1
    while candidate.exists():
        number += 1
        candidate = database.with_name(f"{base}-{number}.bak")
    return candidate


def backup_before_migration(database: Path, old: int, new: int) -> Backup:
    """The automatic backup before the schema goes from `old` to `new`."""
    target = before_migration_path(database, old, new)
    try:
        return copy_database(database, target)
    except BackupError as exc:
        raise BackupError(
            f"the database {database} has schema version {old} and needs an upgrade to {new}, "
            f"but the backup taken first failed: {exc}. Nothing was changed; make room or give "
            "the bot's user write access to the database's folder, then start again."
        ) from exc


def _same_file(a: Path, b: Path) -> bool:
    if a.absolute() == b.absolute():
        return True
    with contextlib.suppress(OSError):
        return b.exists() and a.samefile(b)
    return False


def _copy_and_check(source: Path, partial: Path, target: Path) -> int:
    """The backup itself (one step: a copy made in several steps would start over whenever
    the bot writes in between), then the check of the copy; returns its schema version."""
    try:
        reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"cannot read the database {source} ({exc})") from exc
    with contextlib.closing(reader):
        try:
            reader.execute("PRAGMA busy_timeout = 5000")
            version = reader.execute("PRAGMA user_version").fetchone()[0]  # a database?
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"cannot read {source} as the bot's database ({exc})") from exc
        if version == 0:
            # An empty file or another program's: a mistyped BOT_DATABASE would otherwise
            # give a "backup written" every night and no backup of the votes.
            raise BackupError(
                f"cannot back up {source}: it is not the bot's database (schema version 0: "
                "the bot never started on it); check BOT_DATABASE"
            )
        return _write_copy(reader, source, partial, target)


def _write_copy(reader: sqlite3.Connection, source: Path, partial: Path, target: Path) -> int:
    try:
        with contextlib.closing(sqlite3.connect(partial)) as copy:
            reader.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
            found = [str(row[0]) for row in copy.execute("PRAGMA quick_check(1)")]
            version = int(copy.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"cannot write the backup {target} from {source} ({exc})") from exc
    if found != ["ok"]:
        raise BackupError(
            f"the copy of {source} fails PRAGMA quick_check ({found[0][:200]}); the database "
            "may be damaged. Nothing was written."
        )
    return version


def _durable(path: Path) -> None:
    """fsync a file or a folder: a power cut after the rename keeps the whole backup."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
