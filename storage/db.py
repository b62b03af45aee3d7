"""The database: WAL, foreign keys, serialised writes, migrations, and reads that never see
a change before it is committed.

Every write runs on the writing connection in `transaction()`: an asyncio lock plus BEGIN
IMMEDIATE, so that one state change is one transaction and concurrent handlers never
interleave half-written changes. A transaction spans several awaits, and a read on the
writing connection in between would see its rows before they are committed (or after they
were rolled back). So while a transaction is open, reads (`fetchone`, `fetchall`) go to a
second, read-only connection; otherwise to the writing one (one thread: cheaper), where they
run before any later BEGIN, since the connection's thread takes calls in order (a
single-statement `write` is atomic there too). Either way a read sees every change committed
before it started, and nothing uncommitted. The schema version lives in PRAGMA user_version;
a file from a newer version of the code is refused and left untouched, and an older one is
backed up beside itself (storage/backup.py) before it is migrated.

One bot per file: the bot holds `DatabaseLock` (an OS lock on `<database>.lock`) while it runs,
and `check_database` refuses, before anything starts, a file it could not use.
"""

import asyncio
import contextlib
import fcntl
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, cast

import aiosqlite

from storage.backup import backup_before_migration

CacheT = TypeVar("CacheT")
log = logging.getLogger(__name__)


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer version of the bot than this one."""


class NotADatabaseError(RuntimeError):
    """The file named as the database is not an SQLite database (or cannot be read)."""


class DatabaseInUseError(RuntimeError):
    """Another bot process runs on this database file."""


def migrations() -> list[tuple[int, str, str]]:
    """The shipped migrations as (number, name, sql), in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def _statements(script: str) -> Iterable[str]:
    # executescript() would commit on its own; split so a migration stays one transaction.
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            if statement.strip():
                yield statement
            statement = ""
    if statement.strip() and not statement.strip().startswith("--"):
        yield statement


def latest_version() -> int:
    """The newest schema version this code knows."""
    return max((number for number, _, _ in migrations()), default=0)


def _too_new(path: Path, version: int) -> SchemaTooNewError:
    return SchemaTooNewError(
        f"the database {path} has schema version {version}, but this version of "
        f"participation-bot knows only up to {latest_version()}; it was left unchanged. Use a "
        "newer participation-bot or another BOT_DATABASE."
    )


def _unreadable(path: Path, exc: sqlite3.Error) -> NotADatabaseError:
    return NotADatabaseError(
        f"{path} cannot be read as the bot's database ({exc}); check BOT_DATABASE"
    )


def _unusable(path: Path, exc: sqlite3.Error) -> NotADatabaseError:
    return NotADatabaseError(f"the database {path} cannot be used ({exc}); check BOT_DATABASE")


def check_version(path: Path) -> None:
    """Refuse a file from a newer schema before anything else starts (read-only, no changes).

    Called once at start-up, before the event loop runs; Database.open checks again.
    """
    if not path.exists():
        return
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise _unreadable(path, exc) from exc
    if version > latest_version():
        raise _too_new(path, version)


def check_database(path: Path) -> None:
    """Before the bot starts (under its lock, before the event loop runs): refuse, with one
    line naming the file, a database the bot could not use. A folder it may not write in
    (SQLite keeps the -wal and -shm files beside the database), a file it may not read and
    write, a file that is not an SQLite database, a damaged one (PRAGMA quick_check: a
    truncated copy, a bad sector) or one from a newer schema. Reads only; changes nothing."""
    folder = path.absolute().parent
    if not os.access(folder, os.W_OK | os.X_OK):
        raise NotADatabaseError(
            f"BOT_DATABASE (--database): the bot may not write in the folder {folder}, where "
            f"SQLite keeps {path.name} and its -wal and -shm files; give the bot's user write "
            "access to that folder or choose another one"
        )
    if not path.exists():
        return  # a new database: Database.open creates it
    if not os.access(path, os.R_OK | os.W_OK):
        raise NotADatabaseError(
            f"BOT_DATABASE (--database): the bot may not read and write {path} (permission "
            "denied); give the bot's user read and write access to it"
        )
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > latest_version():
                raise _too_new(path, version)
            found = [str(row[0]) for row in connection.execute("PRAGMA quick_check(1)")]
    except sqlite3.DatabaseError as exc:
        raise _unreadable(path, exc) from exc
    if found != ["ok"]:
        lines = [line for row in found for line in row.splitlines() if not line.startswith("*")]
        raise NotADatabaseError(
            f"the database {path} is damaged (PRAGMA quick_check: {lines[0] if lines else '?'}); "
            "restore it from a backup or set BOT_DATABASE to another file. It was left unchanged."
        )


def lock_path(database: Path) -> Path:
    """The lock file of a database: `<database>.lock`, beside it."""
    return database.with_name(database.name + ".lock")


class DatabaseLock:
    """One bot per database: an exclusive OS lock (flock) on `<database>.lock`.

    The kernel lets go of the lock when the process ends, however it ends (kill -9, a power
    cut), so a crashed bot never keeps the next one out; the file itself stays and holds the
    pid of the last holder, for the message that refuses a second bot. Taken before anything
    reads the database or talks to Telegram, released after the database is closed. Commands
    meant to run beside the bot (results, broadcast, import-workshop) do not take it.
    """

    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = lock_path(database)
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock, or raise DatabaseInUseError (another bot holds it) or
        NotADatabaseError (the lock file cannot be made); never waits."""
        if self._fd is not None:
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise NotADatabaseError(
                f"BOT_DATABASE (--database): the bot may not write in the folder "
                f"{self.path.absolute().parent} ({exc.strerror} for its lock file "
                f"{self.path.name}); give the bot's user write access to that folder or "
                "choose another one"
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise DatabaseInUseError(
                f"another participation-bot{holder} is already running on the database "
                f"{self.database}; one bot per database: stop that one first, or set "
                "BOT_DATABASE to another file"
            ) from None
        except OSError as exc:
            os.close(fd)
            raise NotADatabaseError(
                f"BOT_DATABASE (--database): cannot lock {self.path} ({exc.strerror})"
            ) from exc
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        """Let go of the lock (closing the file releases it)."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    def __enter__(self) -> "DatabaseLock":
        self.acquire()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


def _holder(fd: int) -> str:
    """The holder's pid as written in the lock file, as " (pid 1234)"; or "" if unknown."""
    try:
        written = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return f" (pid {written})" if written.isdecimal() and written.isascii() else ""


class Database:
    """The bot's SQLite file, opened once in post_init and closed in post_shutdown."""

    def __init__(
        self,
        connection: aiosqlite.Connection,
        path: Path,
        reader: aiosqlite.Connection | None = None,
    ) -> None:
        self._connection = connection
        self._reader = reader or connection
        self._open_transaction = False  # BEGIN sent, COMMIT or ROLLBACK not yet done
        self._write_lock = asyncio.Lock()
        self.path = path
        self._caches: dict[type, object] = {}

    @classmethod
    async def open(cls, path: Path) -> "Database":
        """Open (or create) the file, check its version and bring the schema up to date."""
        try:
            connection = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise _unusable(path, exc) from exc
        try:
            connection.row_factory = aiosqlite.Row
            version = await cls._user_version(connection)
            if version > latest_version():
                raise _too_new(path, version)
            if 0 < version < latest_version():  # an upgrade: a new file has nothing to keep
                await cls._back_up_before_upgrade(path, version)
            await connection.execute("PRAGMA journal_mode = WAL")
            await connection.execute("PRAGMA foreign_keys = ON")
            await connection.execute("PRAGMA busy_timeout = 5000")
            await connection.execute("PRAGMA synchronous = NORMAL")
            database = cls(connection, path)
            await database._migrate(version)
            database._reader = await cls._open_reader(path)
        except BaseException as exc:
            await connection.close()
            if isinstance(exc, sqlite3.Error):
                raise _unusable(path, exc) from exc
            raise
        return database

    @staticmethod
    async def _back_up_before_upgrade(path: Path, version: int) -> None:
        """A checked copy of the file as it is, before any migration touches it (BackupError
        stops the start: no upgrade without a way back). In a thread: it reads the whole file."""
        made = await asyncio.to_thread(backup_before_migration, path, version, latest_version())
        log.info(
            "database %s: schema version %d backed up to %s (%d bytes) before the upgrade to %d",
            path, version, made.path.name, made.size, latest_version(),
        )  # fmt: skip

    @classmethod
    async def open_read_only(cls, path: Path) -> "Database":
        """Open an existing file only to read it, beside a running bot (WAL: the bot keeps
        writing, every query here sees one committed state). Refuses a missing file and one
        whose schema is not this code's (the bot brings it up to date when it starts)."""
        reader = await cls._open_reader(path, uri=f"file:{path}?mode=ro")
        try:
            version = await cls._user_version(reader)
            if version > latest_version():
                raise _too_new(path, version)
            if version < latest_version():
                raise SchemaTooNewError(
                    f"the database {path} has schema version {version}; this version of "
                    f"participation-bot reads version {latest_version()}. Start the bot once "
                    "(participation-bot run) to bring it up to date."
                )
        except BaseException:
            await reader.close()
            raise
        return cls(reader, path, reader)

    @staticmethod
    async def _open_reader(path: Path, uri: str | None = None) -> aiosqlite.Connection:
        if uri is None:
            reader = await aiosqlite.connect(path, isolation_level=None)
        else:
            reader = await aiosqlite.connect(uri, isolation_level=None, uri=True)
        try:
            reader.row_factory = aiosqlite.Row
            await reader.execute("PRAGMA query_only = ON")
            await reader.execute("PRAGMA foreign_keys = ON")  # the same rules on both
            await reader.execute("PRAGMA busy_timeout = 5000")
        except BaseException:
            await reader.close()
            raise
        return reader

    @staticmethod
    async def _user_version(connection: aiosqlite.Connection) -> int:
        async with connection.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def _migrate(self, version: int) -> None:
        for number, _name, script in migrations():
            if number <= version:
                continue
            async with self.transaction() as connection:
                for statement in _statements(script):
                    await connection.execute(statement)
                # PRAGMA does not take parameters; number is an int from a file name.
                await connection.execute(f"PRAGMA user_version = {number:d}")

    def cache(self, kind: type[CacheT]) -> CacheT:
        """This file's cache of one kind, made on first use.

        Each kind of cache belongs to the storage module that writes its table (participants,
        runtime settings, ballots): only that module fills it, and it forgets what a write
        changed once the write is over (committed or not), so no cache ever holds a change
        that was rolled back.
        """
        found = self._caches.get(kind)
        if found is None:
            found = self._caches[kind] = kind()
        return cast(CacheT, found)

    async def schema_version(self) -> int:
        """The schema version of the open file."""
        return await self._user_version(self._connection)

    async def close(self) -> None:
        """Close both connections (in the loop that opened them)."""
        if self._reader is not self._connection:
            await self._reader.close()
        await self._connection.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction: serialised, BEGIN IMMEDIATE, committed or rolled back whole.

        A COMMIT that fails (disk full, a deferred constraint) raises like the block would:
        the transaction is rolled back (SQLite may leave it open after a failed COMMIT), so
        the connection never carries a half-done transaction into the next write, and callers
        forget what they cached (their try/finally) and set nothing (their code after the
        block does not run). Reads go to the read-only connection until COMMIT or ROLLBACK is
        done: one queued behind a COMMIT that then failed would see its rows."""
        async with self._write_lock:
            self._open_transaction = True
            try:
                # Inside the try: a task cancelled while BEGIN runs must still roll back (the
                # connection's thread runs every queued statement, cancelled or not).
                await self._connection.execute("BEGIN IMMEDIATE")
                yield self._connection
                await self._connection.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    await self._connection.execute("ROLLBACK")
                raise
            finally:
                self._open_transaction = False

    async def write(self, sql: str, params: Iterable[Any] = ()) -> int:
        """One statement that is a whole change by itself (SQLite runs it atomically), in one
        trip to the database thread; serialised with the transactions. Returns the rows changed."""
        async with self._write_lock:
            cursor = await self._connection.execute(sql, tuple(params))
            return cursor.rowcount

    async def write_returning(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        """Like `write`, for a statement with RETURNING: the rows it changed."""
        async with self._write_lock:
            return list(await self._connection.execute_fetchall(sql, tuple(params)))

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        """One row of a read query, or None."""
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        """All rows of a read query (one trip to a database thread); only what was committed
        before it started."""
        connection = self._reader if self._open_transaction else self._connection
        return list(await connection.execute_fetchall(sql, tuple(params)))
