"""The database: migrations, pragmas, refusing a newer schema, the participants repository."""

import asyncio
import sqlite3
from contextlib import closing

import pytest

from storage import audit, ballots, participants, runtime
from storage.db import Database, SchemaTooNewError, migrations
from tests.conftest import rows


async def test_a_new_file_gets_every_migration_wal_and_foreign_keys(tmp_path):
    db = await Database.open(tmp_path / "p.db")
    try:
        assert await db.schema_version() == migrations()[-1][0]
        assert (await db.fetchone("PRAGMA journal_mode"))[0] == "wal"
        assert (await db.fetchone("PRAGMA foreign_keys"))[0] == 1
    finally:
        await db.close()


async def test_a_read_never_sees_a_transaction_that_is_not_committed(tmp_path):
    """A transaction spans several awaits; a read in between (another handler, the broadcast
    worker polling) sees the state before it, and after a rollback nothing of it."""
    db = await Database.open(tmp_path / "p.db")
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction() as connection:
                await connection.execute(
                    "INSERT INTO participants (user_id, chat_id, language, created_at, "
                    "updated_at) VALUES (7, 7, 'ar', 'now', 'now')"
                )
                assert await participants.get(db, 7) is None  # not committed yet
                raise RuntimeError("the handler failed halfway")
        assert await participants.get(db, 7) is None  # rolled back: never seen
        await participants.set_language(db, 7, 7, "ar")
        assert (await participants.get(db, 7)).language == "ar"  # committed: seen at once
    finally:
        await db.close()


async def test_opening_again_applies_nothing_twice_and_keeps_data(tmp_path):
    db = await Database.open(tmp_path / "p.db")
    await participants.set_language(db, 1, 1, "ar")
    await db.close()
    db = await Database.open(tmp_path / "p.db")
    try:
        assert (await participants.get(db, 1)).language == "ar"
    finally:
        await db.close()


async def test_a_database_from_a_newer_schema_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "newer.db"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE future (x)")
        raw.execute("PRAGMA user_version = 999")
    before = path.read_bytes()
    with pytest.raises(SchemaTooNewError, match="999"):
        await Database.open(path)
    assert path.read_bytes() == before
    assert not (tmp_path / "newer.db-wal").exists()


async def test_a_failed_transaction_leaves_nothing_behind(tmp_path):
    db = await Database.open(tmp_path / "p.db")
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction() as connection:
                await connection.execute(
                    "INSERT INTO participants (user_id, chat_id, language, created_at, updated_at)"
                    " VALUES (5, 5, 'de', 'now', 'now')"
                )
                raise RuntimeError("crash in the middle")
        assert await participants.get(db, 5) is None
    finally:
        await db.close()


async def participants_stored(db):
    return len(await db.fetchall("SELECT user_id FROM participants"))


async def test_concurrent_writers_are_serialised_and_all_land(tmp_path):
    db = await Database.open(tmp_path / "p.db")
    try:
        await asyncio.gather(
            *(participants.set_language(db, uid, uid, "de") for uid in range(1, 51))
        )
        assert await participants_stored(db) == 50
    finally:
        await db.close()


async def test_remember_keeps_the_chosen_language(tmp_path):
    db = await Database.open(tmp_path / "p.db")
    try:
        await participants.set_language(db, 7, 70, "uk")
        await participants.remember(db, 7, 71)
        stored = await participants.get(db, 7)
        assert stored.language == "uk" and stored.chat_id == 71
    finally:
        await db.close()


async def test_audit_entries_are_kept_in_order(tmp_path):
    db = await Database.open(tmp_path / "p.db")
    try:
        await audit.record(db, 999, "staff.refused", "/broadcast")
        await audit.record(db, 998, "voting.open")
        assert [e[2] for e in await audit.entries(db)] == ["staff.refused", "voting.open"]
        assert [e[1] for e in await audit.entries(db, "voting.open")] == [998]
    finally:
        await db.close()


# --- a COMMIT that fails ----------------------------------------------------------------------
# COMMIT itself fails on a full disk or an I/O error, rarely to be had on purpose; a deferred
# foreign key makes SQLite refuse the COMMIT just as really, and leaves the transaction open
# after it (as SQLite may after a failed COMMIT).


def set_trap(path, table):
    """Every row inserted into `table` from now on makes its transaction's COMMIT fail."""
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.executescript(
            f"""
            CREATE TABLE IF NOT EXISTS trap_parent (id INTEGER PRIMARY KEY);
            CREATE TABLE IF NOT EXISTS trap (
                parent INTEGER REFERENCES trap_parent (id) DEFERRABLE INITIALLY DEFERRED
            );
            CREATE TRIGGER trap_{table} AFTER INSERT ON {table} BEGIN
                INSERT INTO trap (parent) VALUES (1);
            END;
            """
        )


def clear_trap(path, table):
    """The disk has room again."""
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute(f"DROP TRIGGER trap_{table}")


async def test_a_commit_that_fails_rolls_back_and_the_next_write_is_a_change_of_its_own(
    tmp_path,
):
    path = tmp_path / "p.db"
    db = await Database.open(path)
    try:
        with pytest.raises(sqlite3.IntegrityError):
            async with db.transaction() as connection:
                await connection.execute("PRAGMA defer_foreign_keys = ON")
                await connection.execute(
                    "INSERT INTO participants (user_id, chat_id, language, created_at, "
                    "updated_at) VALUES (7, 7, 'ar', 'now', 'now')"
                )
                # No participant 8: with the check deferred, COMMIT is refused.
                await connection.execute(
                    "INSERT INTO subscriptions (chat_id, user_id, subscribed_at) "
                    "VALUES (8, 8, 'now')"
                )
        assert await participants.get(db, 7) is None  # neither seen nor cached
        # The next write is a change of its own: in the file at once, and it stays there.
        await participants.set_language(db, 9, 9, "de")
        assert rows(path, "SELECT user_id FROM participants") == [(9,)]
        async with db.transaction() as connection:
            await connection.execute("UPDATE participants SET language = 'uk' WHERE user_id = 9")
        assert rows(path, "SELECT user_id, language FROM participants") == [(9, "uk")]
    finally:
        await db.close()
    assert rows(path, "SELECT user_id, language FROM participants") == [(9, "uk")]


async def test_a_first_ballot_whose_commit_fails_freezes_nothing(tmp_path, example):
    """The first ballot freezes the rules in its transaction; when that COMMIT fails, neither
    the file nor the running bot may think them frozen, and the next vote freezes them."""
    path = tmp_path / "p.db"
    await (await Database.open(path)).close()
    set_trap(path, "frozen_rules")
    rules = example.voter_rules_json
    field = example.fields[0]
    db = await Database.open(path)
    try:
        with pytest.raises(sqlite3.IntegrityError):
            await ballots.set_weight(db, "key-1", rules, field.id, field.goals[0].id, 1,
                                     max_goals=3)  # fmt: skip
        assert await ballots.frozen_rules(db) is None
        assert (await ballots.ballot(db, "key-1")).empty
        assert rows(path, "SELECT COUNT(*) FROM frozen_rules") == [(0,)]
        # Another voter's first tap while the disk is still full: refused the same way.
        with pytest.raises(sqlite3.IntegrityError):
            await ballots.abstain(db, "key-2", rules, field.id)
        assert await ballots.frozen_rules(db) is None

        clear_trap(path, "frozen_rules")
        outcome, ballot = await ballots.set_weight(
            db, "key-1", rules, field.id, field.goals[0].id, 1, max_goals=3
        )
        assert outcome is ballots.Outcome.CHANGED and ballot.chosen(field.id)
        assert await ballots.frozen_rules(db) == rules
    finally:
        await db.close()
    assert rows(path, "SELECT rules FROM frozen_rules") == [(rules,)]
    assert rows(path, "SELECT voter_key FROM voters") == [("key-1",)]


async def test_a_runtime_setting_whose_commit_fails_is_not_in_force(tmp_path):
    path = tmp_path / "p.db"
    db = await Database.open(path)
    try:
        await runtime.set_many(db, {"voting.closes": "2020-03-31"}, 999, "test.set", "")
        assert await runtime.get_all(db, "voting.") == {"voting.closes": "2020-03-31"}
        set_trap(path, "audit_log")
        with pytest.raises(sqlite3.IntegrityError):
            await runtime.set_many(db, {"voting.closes": "2020-04-30"}, 999, "test.set", "")
        # Twice: the first read fills the cache, the second would show a cached mistake.
        for _ in range(2):
            assert await runtime.get_all(db, "voting.") == {"voting.closes": "2020-03-31"}
    finally:
        await db.close()
    assert rows(path, "SELECT value FROM runtime_settings") == [("2020-03-31",)]
