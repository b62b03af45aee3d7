"""Nothing in the database file links a vote to a person: a copy of the file without the
secret does not tell whose ballot is whose, not even for the only voter of a language."""

import hashlib
import sqlite3

from bot.voting.buttons import FieldBallot, Pick
from bot.voting.voter import voter_key
from tests.conftest import RESIDENT, TEST_SECRET, agree

GERMANS = (5001, 5002)
PERSIAN = RESIDENT  # the only one who votes in Persian
BALLOT_TABLES = {
    "ballots": {"voter_key", "field_id", "goal_id", "weight"},
    "abstentions": {"voter_key", "field_id"},
    "field_ranks": {"voter_key", "field_id", "position"},
    "voters": {"voter_key"},
    "budget_ballots": {"voter_key", "measure_id"},  # the measures round's
}


async def test_the_file_alone_does_not_say_whose_ballot_is_whose(voting, tmp_path):
    procedure = voting.services.procedure
    field = procedure.fields[0]
    for user, language, goal in (
        (*GERMANS[:1], "de", 0),
        (GERMANS[1], "de", 1),
        (PERSIAN, "fa", 2),
    ):
        await agree(voting, user, language)
        await voting.press(user, FieldBallot(field))
        await voting.press(user, Pick(field, field.goals[goal], True))
    copy = tmp_path / "copy.db"
    with sqlite3.connect(voting.database_path) as live, sqlite3.connect(copy) as backup:
        live.backup(backup)  # what an attacker with a backup has
    live.close()
    backup.close()
    with sqlite3.connect(copy) as connection:
        # 1. The ballot tables hold the key and the choices, nothing about the person: no
        #    language, no time, no rowid that would give away the order of voting.
        for table, allowed in BALLOT_TABLES.items():
            columns = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
            assert columns == allowed, table
            sql = connection.execute(
                "SELECT sql FROM sqlite_master WHERE name = ?", (table,)
            ).fetchone()[0]
            assert "WITHOUT ROWID" in sql, table
        keys = {row[0] for row in connection.execute("SELECT voter_key FROM voters")}
        assert len(keys) == 3
        # 2. The participants table says who took part, and in which language, but nothing
        #    in it or anywhere else leads to a key: no table holds a key beside an id.
        everything = []
        for (table,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'"):
            for row in connection.execute(f"SELECT * FROM {table}"):
                everything.append((table, row))
        for table, row in everything:
            if any(value in keys for value in row):
                assert table in BALLOT_TABLES, (table, row)
                assert not any(value in (PERSIAN, *GERMANS) for value in row)
                assert "fa" not in row and "de" not in row
        persian = connection.execute(
            "SELECT language, voted FROM participants WHERE user_id = ?", (PERSIAN,)
        ).fetchone()
        assert persian == ("fa", 1)  # known: that they took part, in Persian
    connection.close()
    # 3. The key is not any hash of the id that one could compute without the secret.
    for guess in (str(PERSIAN), f"{PERSIAN}", PERSIAN.to_bytes(8, "big").hex()):
        for algorithm in ("sha256", "sha1", "md5", "blake2b"):
            assert hashlib.new(algorithm, guess.encode()).hexdigest() not in keys
    # With the secret (the bot's), the key is found: that is the only way.
    assert voter_key(TEST_SECRET, PERSIAN) in keys
