"""The database: migrations, pragmas, refusing a newer schema, the participants repository."""

import asyncio
import sqlite3

import pytest

from storage import audit, participants
from storage.db import Database, SchemaTooNewError, migrations


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
