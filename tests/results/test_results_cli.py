"""`participation-bot results` and `participation-bot import-workshop`, through main() on real
SQLite files with the shipped procedure, and `python -m bot results` beside a writing bot."""

import asyncio
import csv
import io
import json
import os
import re
import sqlite3
import sys
import zlib
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.procedure import Procedure, load_procedure
from bot.resources import example_procedure
from storage import ballots, participants
from storage.db import Database, migrations
from storage.tally import tally
from tests.conftest import rows

EXAMPLE_FILE = example_procedure()
EXAMPLE = load_procedure(EXAMPLE_FILE)
LE = "language-education"
BOM = "\ufeff"


@pytest.fixture(autouse=True)
def no_bot_settings_from_outside(monkeypatch):
    for name in list(os.environ):
        if name.startswith("BOT_"):
            monkeypatch.delenv(name)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "participation.db"


def cli(capsys, db_path: Path, command: str, *args: str, procedure: Path = EXAMPLE_FILE):
    """Run the command in this process: (exit status, stdout, stderr)."""
    code = main([command, "--database", str(db_path), "--procedure", str(procedure), *args])
    out, err = capsys.readouterr()
    return code, out, err


async def _cast(path: Path, procedure: Procedure, votes) -> None:
    db = await Database.open(path)
    try:
        residents: dict[str, str] = {}
        for key, language, field_id, goals in votes:
            residents[key] = language
            for goal in goals:
                changed, _ = await ballots.set_weight(
                    db, key, procedure.voter_rules_json, field_id, goal, 1,
                    max_goals=procedure.voting.top_n,
                )  # fmt: skip
                assert changed is ballots.Outcome.CHANGED
        # Each voter is a resident who uses the bot in that language and voted (the bot marks
        # that with the first vote; participation per language counts it).
        for key, language in residents.items():
            user_id = 70_000 + zlib.crc32(key.encode()) % 1_000_000
            await participants.set_language(db, user_id, user_id, language)
            await participants.mark_voted(db, user_id)
    finally:
        await db.close()


def cast(path: Path, votes, procedure: Procedure = EXAMPLE) -> None:
    """Votes (voter key, language, field, goals) written as the bot writes them."""
    asyncio.run(_cast(path, procedure, votes))


def read_tally(path: Path):
    async def read():
        db = await Database.open(path)
        try:
            return await tally(db)
        finally:
            await db.close()

    return asyncio.run(read())


def standard_votes() -> list:
    """12 voters (7 de, 5 en). language-education: goal 1 by 10, goal 2 by 5. housing: goals 2
    and 5 by 6 each. Every figure shown counts 5 voters or more."""
    votes = []
    for n in range(12):
        language = "de" if n < 7 else "en"
        chosen = (["1"] if n < 10 else []) + (["2"] if n < 5 else [])
        if chosen:
            votes.append((f"v{n}", language, LE, chosen))
        votes.append((f"v{n}", language, "housing", ["2"] if n < 6 else ["5"]))
    return votes


RATHAUS = "field;goal;points\r\nlanguage-education;2;30\r\nhousing;5;4\r\n"
JUGEND = "language-education,2,10\nlanguage-education,3,10\nhousing,2,1\n"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def voted(db_path, tmp_path, capsys) -> Path:
    """The standard votes and two workshop sources imported."""
    cast(db_path, standard_votes())
    for source, name, text in (("Rathaus 2019", "rathaus.csv", RATHAUS),
                               ("Jugendforum", "jugend.csv", JUGEND)):  # fmt: skip
        code, _, err = cli(
            capsys, db_path, "import-workshop", str(write(tmp_path, name, text)), "--source", source
        )
        assert code == 0, err
    return db_path


def parsed_csv(text: str, separator: str) -> list[list[str]]:
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=separator))


def goal_order(rows_: list[list[str]], field_id: str) -> list[str]:
    mine = [row for row in rows_[1:] if row[0] == field_id]
    return [row[1] for row in sorted(mine, key=lambda row: int(row[-1]))]


# --- import-workshop --------------------------------------------------------------------------


def test_an_import_says_what_it_imported_and_is_audited_without_a_telegram_id(
    db_path, tmp_path, capsys
):
    code, out, err = cli(
        capsys, db_path, "import-workshop", str(write(tmp_path, "r.csv", RATHAUS)),
        "--source", "Rathaus 2019",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == "imported: Rathaus 2019 (2 rows, 34 points)\n"
    assert sorted(rows(db_path, "SELECT * FROM workshop_results")) == [
        ("Rathaus 2019", "housing", "5", 4),
        ("Rathaus 2019", LE, "2", 30),
    ]
    audit = rows(db_path, "SELECT actor_id, action, detail FROM audit_log")
    assert len(audit) == 1
    actor, action, detail = audit[0]
    assert (actor, action) == (None, "workshop.import")
    assert "Rathaus 2019" in detail and "r.csv" in detail and "2 rows" in detail


def test_a_bad_file_reports_every_problem_and_imports_nothing(db_path, tmp_path, capsys):
    good = write(tmp_path, "good.csv", RATHAUS)
    assert cli(capsys, db_path, "import-workshop", str(good), "--source", "Rathaus 2019")[0] == 0
    before = {
        table: sorted(rows(db_path, f"SELECT * FROM {table}"))
        for table in ("workshop_results", "workshop_sources", "audit_log")
    }
    bad = write(
        tmp_path,
        "bad.csv",
        "field;goal;points\nhousing;1;99\nhousing;8;1\nhealth;1;1,5\n\nnowhere;1;2\nhousing;1;3\n",
    )
    code, out, err = cli(capsys, db_path, "import-workshop", str(bad), "--source", "Rathaus 2019")
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        f"{bad}: line 3: the action field 'housing' has no sub-goal '8'",
        f"{bad}: line 4: the points '1,5' are not a whole number",
        f"{bad}: line 6: unknown action field 'nowhere'",
        f"{bad}: line 7: sub-goal housing 1 again (first on line 2)",
        "4 problem(s) found; nothing was imported.",
    ]
    after = {table: sorted(rows(db_path, f"SELECT * FROM {table}")) for table in before}
    assert after == before  # the earlier import of the same source is untouched


def test_a_bad_file_for_a_new_source_leaves_no_trace(db_path, tmp_path, capsys):
    bad = write(tmp_path, "bad.csv", "housing;1;-4\n")
    code, _, err = cli(capsys, db_path, "import-workshop", str(bad), "--source", "Neu")
    assert code == 1 and f"{bad}: line 1: the points are negative" in err
    assert rows(db_path, "SELECT COUNT(*) FROM workshop_results") == [(0,)]
    assert rows(db_path, "SELECT COUNT(*) FROM workshop_sources") == [(0,)]
    assert rows(db_path, "SELECT COUNT(*) FROM audit_log") == [(0,)]


def test_an_empty_file_is_refused(db_path, tmp_path, capsys):
    empty = write(tmp_path, "empty.csv", "field;goal;points\r\n")
    code, _, err = cli(capsys, db_path, "import-workshop", str(empty), "--source", "Leer")
    assert code == 1
    assert f"{empty}: the file has no lines with points" in err


def test_points_too_large_to_store_are_a_problem_with_a_line_number(db_path, tmp_path, capsys):
    big = write(tmp_path, "big.csv", "health;1;4\nhousing;1;99999999999999999999\n")
    code, out, err = cli(capsys, db_path, "import-workshop", str(big), "--source", "Gross")
    assert (code, out) == (1, "")
    assert f"{big}: line 2: " in err
    assert rows(db_path, "SELECT COUNT(*) FROM workshop_results") == [(0,)]


def test_importing_a_source_again_replaces_it_whole(db_path, tmp_path, capsys):
    first = write(tmp_path, "first.csv", RATHAUS)
    second = write(tmp_path, "second.csv", "health;4;7\n")
    assert cli(capsys, db_path, "import-workshop", str(first), "--source", "Rathaus 2019")[0] == 0
    code, out, _ = cli(capsys, db_path, "import-workshop", str(second), "--source", "Rathaus 2019")
    assert code == 0
    assert out == "replaced: Rathaus 2019 (1 rows, 7 points)\n"
    assert rows(db_path, "SELECT * FROM workshop_results") == [("Rathaus 2019", "health", "4", 7)]
    assert rows(db_path, "SELECT source, file_name, rows FROM workshop_sources") == [
        ("Rathaus 2019", "second.csv", 1)
    ]
    assert [a for (a,) in rows(db_path, "SELECT action FROM audit_log")] == [
        "workshop.import",
        "workshop.import",
    ]


def test_two_sources_coexist_and_are_listed(voted, capsys):
    code, out, _ = cli(capsys, voted, "import-workshop", "--list")
    assert code == 0
    listed = out.splitlines()
    assert len(listed) == 2
    assert listed[0].startswith("Jugendforum: 3 rows, 21 points, from jugend.csv, imported ")
    assert listed[1].startswith("Rathaus 2019: 2 rows, 34 points, from rathaus.csv, imported ")
    assert sorted({s for (s,) in rows(voted, "SELECT source FROM workshop_results")}) == [
        "Jugendforum",
        "Rathaus 2019",
    ]


def test_list_with_nothing_imported(db_path, capsys):
    code, out, _ = cli(capsys, db_path, "import-workshop", "--list")
    assert (code, out) == (0, "no workshop results imported yet\n")


def test_remove_a_source_and_an_unknown_one(voted, capsys):
    code, out, _ = cli(capsys, voted, "import-workshop", "--remove", "Jugendforum")
    assert (code, out) == (0, "removed: Jugendforum\n")
    assert {s for (s,) in rows(voted, "SELECT source FROM workshop_results")} == {"Rathaus 2019"}
    assert rows(voted, "SELECT source FROM workshop_sources") == [("Rathaus 2019",)]
    assert rows(voted, "SELECT actor_id, action FROM audit_log ORDER BY id DESC LIMIT 1") == [
        (None, "workshop.remove")
    ]
    code, out, err = cli(capsys, voted, "import-workshop", "--remove", "Jugendforum")
    assert code == 1 and out == ""
    assert "no workshop source named 'Jugendforum'" in err
    assert rows(voted, "SELECT source FROM workshop_sources") == [("Rathaus 2019",)]


def test_a_file_without_a_source_name_is_a_usage_error(db_path, tmp_path, capsys):
    path = write(tmp_path, "r.csv", RATHAUS)
    code, _, err = cli(capsys, db_path, "import-workshop", str(path))
    assert code == 2 and "--source is required" in err
    code, _, err = cli(
        capsys, db_path, "import-workshop", str(tmp_path / "nope.csv"), "--source", "X"
    )
    assert code == 2 and "no such file" in err
    code, _, err = cli(capsys, db_path, "import-workshop", str(tmp_path), "--source", "X")
    assert code == 2 and "it is a folder, not a file" in err


# --- results: the formats -------------------------------------------------------------------


def test_csv_for_german_excel_by_default(voted, capsys):
    code, out, _ = cli(capsys, voted, "results", "--format", "csv", "--merged")
    assert code == 0
    assert out.startswith(BOM)
    assert "\r\n" in out
    table = parsed_csv(out, ";")
    assert table[0] == [
        "field_id", "goal_id", "goal", "online_voters", "online_share_percent",
        "workshop_points:Jugendforum", "workshop_points:Rathaus 2019",
        "workshop_share_percent", "merged_score_percent", "rank",
    ]  # fmt: skip
    assert all(len(row) == len(table[0]) for row in table)
    # one row per sub-goal, the fields in the order of the file, texts in the default language
    expected = [(f.id, g.id, g.text["de"]) for f in EXAMPLE.fields for g in f.goals]
    assert sorted(tuple(row[:3]) for row in table[1:]) == sorted(expected)
    assert len(table) == 1 + len(expected)
    fields_in_order = [row[0] for row in table[1:]]
    assert sorted(set(fields_in_order), key=fields_in_order.index) == [f.id for f in EXAMPLE.fields]
    by_goal = {(row[0], row[1]): row for row in table[1:]}
    # language-education: online 10 and 5 of 15; workshop 40 and 10 of 50
    assert by_goal[(LE, "1")][3:] == ["10", "66,7", "0", "0", "0,0", "33,3", "2"]
    assert by_goal[(LE, "2")][3:] == ["5", "33,3", "10", "30", "80,0", "56,7", "1"]
    assert by_goal[(LE, "3")][3:] == ["0", "0,0", "10", "0", "20,0", "10,0", "3"]
    assert by_goal[("housing", "5")][3:] == ["6", "50,0", "0", "4", "80,0", "65,0", "1"]
    # a field nobody voted in and no workshop scored: empty shares, ranks in file order
    assert by_goal[("health", "1")][3:] == ["0", "", "0", "0", "", "", "1"]
    assert [int(by_goal[("health", g.id)][-1]) for g in EXAMPLE.field("health").goals] == [
        1, 2, 3, 4, 5,
    ]  # fmt: skip


def test_csv_with_comma_separator_uses_decimal_points(voted, capsys):
    code, out, _ = cli(capsys, voted, "results", "--format", "csv", "--merged", "--separator", ",")
    assert code == 0
    table = parsed_csv(out, ",")
    by_goal = {(row[0], row[1]): row for row in table[1:]}
    assert by_goal[(LE, "1")][3:] == ["10", "66.7", "0", "0", "0.0", "33.3", "2"]
    assert all(len(row) == len(table[0]) for row in table)


def test_csv_without_merging_has_the_online_columns_and_the_rank(voted, capsys):
    code, out, _ = cli(capsys, voted, "results", "--format", "csv")
    assert code == 0
    table = parsed_csv(out, ";")
    assert table[0][:5] == ["field_id", "goal_id", "goal", "online_voters", "online_share_percent"]
    assert table[0][-1] == "rank"
    assert len(table) == 1 + sum(len(f.goals) for f in EXAMPLE.fields)
    assert goal_order(table, LE) == ["1", "2", "3", "4", "5", "6"]
    assert goal_order(table, "housing") == ["2", "5", "1", "3", "4"]  # a tie: file order


def test_a_decimal_comma_with_a_comma_separator_is_refused(voted, capsys):
    code, out, err = cli(
        capsys, voted, "results", "--format", "csv", "--separator", ",", "--decimal", "comma"
    )
    assert (code, out) == (2, "")
    assert "--decimal comma" in err


def test_json_matches_the_tally(voted, capsys):
    code, out, _ = cli(capsys, voted, "results", "--format", "json")
    assert code == 0
    document = json.loads(out)
    counted = read_tally(voted)
    assert document["procedure"] == EXAMPLE.id
    assert document["method"] == "top_n"
    assert document["min_group"] == 5
    assert document["participants"] == counted.voters == 12
    assert document["participants_per_language"] == {"de": 7, "en": 5}
    assert [f["id"] for f in document["fields"]] == [f.id for f in EXAMPLE.fields]
    for entry in document["fields"]:
        assert entry["answered"] == counted.field_voters.get(entry["id"], 0)
        assert entry["no_preference"] == 0
        assert [g["rank"] for g in entry["goals"]] == list(range(1, len(entry["goals"]) + 1))
        total = sum(g["voters"] for g in entry["goals"])
        for goal in entry["goals"]:
            assert goal["voters"] == counted.goal_voters.get((entry["id"], goal["id"]), 0)
            assert goal["points"] == goal["voters"]
            share = goal["online_share_percent"]
            assert share is None if total == 0 else share == round(100 * goal["voters"] / total, 2)
            assert goal["text"]["de"] == EXAMPLE.field(entry["id"]).goal(goal["id"]).text["de"]
    assert document["merged"] is False


def test_json_merged_names_its_weights_and_sources(voted, capsys):
    code, out, _ = cli(capsys, voted, "results", "--format", "json", "--merged")
    assert code == 0
    document = json.loads(out)
    assert document["merged"] is True
    assert document["weights"] == {"online": 1.0, "workshop": 1.0}
    assert document["workshop_sources"] == ["Jugendforum", "Rathaus 2019"]
    le = next(f for f in document["fields"] if f["id"] == LE)
    first = le["goals"][0]
    assert first["id"] == "2"
    assert first["workshop_points"] == {"Jugendforum": 10, "Rathaus 2019": 30}
    assert first["workshop_share_percent"] == 80.0
    assert first["merged_score_percent"] == pytest.approx(56.67)


@pytest.mark.parametrize("form", ["table", "markdown"])
def test_table_and_markdown_show_every_field(voted, capsys, form):
    code, out, _ = cli(capsys, voted, "results", "--format", form, "--merged")
    assert code == 0
    for f in EXAMPLE.fields:
        assert f"{f.id}: {f.title['de']}" in out
    assert "Rathaus 2019" in out and "Jugendforum" in out
    if form == "markdown":
        assert out.startswith("# ")
        assert out.count("\n## ") == len(EXAMPLE.fields)
    code, out, _ = cli(capsys, voted, "results", "--format", form, "--language", "en")
    assert code == 0
    for f in EXAMPLE.fields:
        assert f"{f.id}: {f.title['en']}" in out


def test_an_unknown_language_is_refused(voted, capsys):
    code, _, err = cli(capsys, voted, "results", "--language", "xx")
    assert code == 2 and "--language xx" in err


# --- results: merging and weights -----------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "language_education", "housing"),
    [
        ((), ["1", "2", "3", "4", "5", "6"], ["2", "5", "1", "3", "4"]),
        (("--merged",), ["2", "1", "3", "4", "5", "6"], ["5", "2", "1", "3", "4"]),
        (("--weights", "online=1,workshop=0"), ["1", "2", "3", "4", "5", "6"],
         ["5", "2", "1", "3", "4"]),
        (("--weights", "online=0,workshop=1"), ["2", "3", "1", "4", "5", "6"],
         ["5", "2", "1", "3", "4"]),
        (("--weights", "online=3,workshop=1"), ["1", "2", "3", "4", "5", "6"],
         ["5", "2", "1", "3", "4"]),
        (("--merged", "--weights", "workshop=0.25"), ["1", "2", "3", "4", "5", "6"],
         ["5", "2", "1", "3", "4"]),
    ],
)  # fmt: skip
def test_merging_and_weights_change_the_ranking(voted, capsys, flags, language_education, housing):
    # language-education: online 2/3 and 1/3, workshop 0 and 4/5 (goal 3: 1/5);
    # housing: online 1/2 and 1/2 (goals 2 and 5), workshop 1/5 and 4/5
    code, out, err = cli(capsys, voted, "results", "--format", "csv", *flags)
    assert code == 0, err
    table = parsed_csv(out, ";")
    assert goal_order(table, LE) == language_education
    assert goal_order(table, "housing") == housing
    merged = "merged_score_percent" in table[0]
    assert merged == bool(flags)


def test_weights_show_in_the_summary(voted, capsys):
    code, out, _ = cli(capsys, voted, "results", "--weights", "online=0.5,workshop=2")
    assert code == 0
    assert "weights online 0.5, workshop 2" in out


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ("online=abc", "--weights: 'online=abc': 'abc' is not a number"),
        ("web=1", "--weights: 'web=1': expected online=NUMBER or workshop=NUMBER"),
        ("online=-1", "--weights: 'online=-1': a weight is a number of 0 or more"),
        ("online=0,workshop=0", "--weights: at least one weight must be above 0"),
    ],
)
def test_bad_weights_exit_2_with_a_clear_message(voted, capsys, weights, message):
    code, out, err = cli(capsys, voted, "results", "--weights", weights)
    assert (code, out) == (2, "")
    assert err == f"participation-bot: {message}\n"


def test_output_writes_the_file(voted, tmp_path, capsys):
    target = tmp_path / "ergebnisse.csv"
    code, out, err = cli(
        capsys, voted, "results", "--format", "csv", "--merged", "--output", str(target)
    )
    assert (code, out) == (0, "")
    assert err == f"written: {target}\n"
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data and b"\r\r\n" not in data
    table = parsed_csv(data.decode("utf-8"), ";")
    assert len(table) == 1 + sum(len(f.goals) for f in EXAMPLE.fields)
    code, _, err = cli(
        capsys, voted, "results", "--format", "json", "--output", str(tmp_path / "no" / "x.json")
    )
    assert code == 2 and "cannot write" in err


def test_a_missing_database_exits_2_and_is_not_created(db_path, capsys):
    code, out, err = cli(capsys, db_path, "results")
    assert (code, out) == (2, "")
    assert f"the database {db_path} does not exist" in err
    assert not db_path.exists()


def test_a_file_that_is_no_database_exits_2_and_is_left_alone(tmp_path, capsys):
    # e.g. the workshop CSV given as --database by mistake
    wrong = write(tmp_path, "rathaus.csv", RATHAUS)
    code, out, err = cli(capsys, wrong, "results")
    assert (code, out) == (2, "")
    assert err.startswith("participation-bot: ") and str(wrong) in err
    assert wrong.read_bytes() == RATHAUS.encode("utf-8")


def test_a_database_the_bot_has_not_brought_up_to_date_is_refused_and_left_alone(db_path, capsys):
    with sqlite3.connect(db_path) as connection:  # the schema as version 4 left it
        for number, _name, script in migrations():
            if number <= 4:
                connection.executescript(script)
        connection.execute("PRAGMA user_version = 4")
    connection.close()
    before = db_path.read_bytes()
    code, out, err = cli(capsys, db_path, "results")
    assert (code, out) == (2, "")
    assert "schema version 4" in err and "participation-bot run" in err
    assert db_path.read_bytes() == before
    assert rows(db_path, "PRAGMA user_version") == [(4,)]


# --- privacy --------------------------------------------------------------------------------


@pytest.fixture
def few(db_path) -> Path:
    """19 voters: 10 in German, 6 in English, 3 in Arabic. housing: goal 3 by all 19, goal 2
    by 7, goal 4 by 6 and goal 1 by only 2 voters (34 choices).

    With min_group 5: Arabic (3) is hidden ("<5"), and English (6) with it ("hidden": not
    small itself), or the participants (19) less German (10) would give it away; goal 1 (2) is
    hidden, and goal 4 (6) with it, or the shares would give it away. German (10), goals 3 (19)
    and 2 (7) are shown."""
    votes = []
    for n in range(19):
        language = "de" if n < 10 else "en" if n < 16 else "ar"
        goals = ["3"] + (["1"] if n < 2 else ["4"] if n < 8 else ["2"] if n < 15 else [])
        votes.append((f"v{n}", language, "housing", goals))
    cast(db_path, votes)
    return db_path


# the hidden counts, their shares (2/34, 6/34) and their merged scores (halves of the shares)
SECRETS = {"2", "6", "5,9", "5.9", "17,6", "17.6", "2,9", "2.9", "8,8", "8.8"}


def test_small_figures_are_hidden_in_csv(few, capsys):
    for flags in ((), ("--merged",), ("--separator", ",")):
        code, out, _ = cli(capsys, few, "results", "--format", "csv", *flags)
        assert code == 0
        table = parsed_csv(out, "," if "," in flags else ";")
        by_goal = {(row[0], row[1]): dict(zip(table[0], row, strict=True)) for row in table[1:]}
        for goal, rank, mark in (("1", "4", "<5"), ("4", "3", "hidden")):
            row = by_goal[("housing", goal)]
            assert row["online_voters"] == mark, (flags, row)
            assert row["online_share_percent"] == mark, (flags, row)
            if "--merged" in flags:
                assert row["merged_score_percent"] == mark
            assert row["rank"] == rank
            figures = {v for k, v in row.items() if k not in ("goal_id", "goal", "rank")}
            assert not figures & SECRETS, (flags, row)
        assert by_goal[("housing", "3")]["online_voters"] == "19"
        assert by_goal[("housing", "2")]["online_voters"] == "7"
        # no cell anywhere holds a hidden count or a hidden share
        for row in by_goal.values():
            assert row["online_voters"] not in ("2", "6")
            assert not {row["online_share_percent"], row.get("merged_score_percent")} & SECRETS


def test_small_figures_are_hidden_in_json(few, capsys):
    code, out, _ = cli(capsys, few, "results", "--format", "json", "--merged")
    assert code == 0
    document = json.loads(out)
    assert document["participants"] == 19
    assert document["participants_per_language"] == {"de": 10, "en": None, "ar": None}
    housing = next(f for f in document["fields"] if f["id"] == "housing")
    assert housing["answered"] == 19
    goals = {g["id"]: g for g in housing["goals"]}
    for goal in ("1", "4"):
        assert goals[goal]["voters"] is None and goals[goal]["points"] is None
        assert goals[goal]["online_share_percent"] is None
        assert goals[goal]["merged_score_percent"] is None
    assert (goals["3"]["voters"], goals["2"]["voters"]) == (19, 7)
    shares = [g[k] for f in document["fields"] for g in f["goals"] for k in g if "percent" in k]
    assert not {5.88, 17.65, 2.94, 8.82} & set(shares)  # 2/34, 6/34 (and halved, merged)
    assert document["null_means"]


@pytest.mark.parametrize("form", ["table", "markdown"])
def test_small_figures_are_hidden_in_table_and_markdown(few, capsys, form):
    code, out, _ = cli(capsys, few, "results", "--format", form, "--language", "en")
    assert code == 0
    assert "de 10, en hidden, ar <5" in out
    assert "ar 3" not in out and "en 6" not in out
    for goal, mark in (("1", "<5"), ("4", "hidden")):
        text = EXAMPLE.field("housing").goal(goal).text["en"]
        line = next(line for line in out.splitlines() if text[:40] in line)
        if form == "markdown":
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
        else:
            cells = line.split()
        assert cells[1] == goal
        assert cells[-2:] == [mark, mark], line  # voters and share


def test_with_min_group_1_everything_is_shown(few, tmp_path, capsys):
    text = EXAMPLE_FILE.read_text(encoding="utf-8")
    if re.search(r"(?m)^min_group\s*=", text):
        text = re.sub(r"(?m)^min_group\s*=.*$", "min_group = 1", text)
    else:
        text += "\n[results]\nmin_group = 1\n"
    procedure = tmp_path / "open.toml"
    procedure.write_text(text, encoding="utf-8")
    code, out, err = cli(capsys, few, "results", "--format", "json", procedure=procedure)
    assert code == 0, err
    document = json.loads(out)
    assert document["min_group"] == 1
    assert document["participants_per_language"] == {"de": 10, "en": 6, "ar": 3}
    housing = next(f for f in document["fields"] if f["id"] == "housing")
    assert {g["id"]: g["voters"] for g in housing["goals"]} == {
        "3": 19, "2": 7, "4": 6, "1": 2, "5": 0,
    }  # fmt: skip


# --- reading beside the running bot ---------------------------------------------------------


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if not p.name.endswith("-shm")}


async def _results_json(path: Path) -> tuple[int, str, str]:
    env = {**os.environ, "BOT_DATABASE": str(path), "BOT_PROCEDURE": str(EXAMPLE_FILE)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "results", "--format", "json",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_results_read_while_the_bot_writes(db_path):
    folder = db_path.parent / "only-the-database"
    folder.mkdir()
    path = folder / "participation.db"
    db = await Database.open(path)  # as the running bot holds it
    rules = EXAMPLE.voter_rules_json
    try:
        for n in range(6):
            await ballots.set_weight(db, f"early-{n}", rules, "housing", "1", 1, max_goals=3)
        written = 0
        stop = asyncio.Event()

        async def keep_voting() -> None:
            nonlocal written
            while not stop.is_set():
                goal = str(written % 5 + 1)
                await ballots.set_weight(
                    db, f"live-{written}", rules, "housing", goal, 1, max_goals=3
                )
                written += 1
                await asyncio.sleep(0.002)

        writer = asyncio.create_task(keep_voting())
        try:
            for _ in range(2):
                answers = await asyncio.gather(*(_results_json(path) for _ in range(4)))
                for code, out, err in answers:
                    assert code == 0, err
                    document = json.loads(out)
                    # one snapshot: the parts add up to the whole
                    assert document["participants"] >= 6
                    housing = next(f for f in document["fields"] if f["id"] == "housing")
                    assert housing["answered"] == document["participants"]
        finally:
            stop.set()
            await writer
        assert written > 0
        # a write transaction held open (the bot in the middle of a change): the reader does
        # not wait for it and does not see it
        async with db.transaction() as connection:
            await connection.execute("INSERT INTO voters (voter_key) VALUES ('uncommitted')")
            seen = await tally(db)  # committed state, as every reader sees it
            code, out, err = await asyncio.wait_for(_results_json(path), timeout=60)
            assert code == 0, err
            assert json.loads(out)["participants"] == seen.voters
            await connection.execute("DELETE FROM voters WHERE voter_key = 'uncommitted'")
        counted = await tally(db)
        # the results command changes nothing in the file
        before = _files(folder)
        code, out, err = await _results_json(path)
        assert code == 0, err
        assert json.loads(out)["participants"] == counted.voters == 6 + written
        assert _files(folder) == before
    finally:
        await db.close()
