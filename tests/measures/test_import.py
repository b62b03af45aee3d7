"""`participation-bot import-measures`, through main() on a real SQLite file with the small
procedure with a measures round: workshop measures arrive approved with their cost; every bad
line is reported with its number and nothing is imported; a second import adds nothing."""

import os
from pathlib import Path

import pytest

from bot.__main__ import main
from tests.conftest import DATA, rows
from tests.measures.conftest import MEASURES_FILE

SAMPLE = DATA / "measures-workshop.csv"
BOM = "\ufeff"


@pytest.fixture(autouse=True)
def no_bot_settings_from_outside(monkeypatch):
    for name in list(os.environ):
        if name.startswith("BOT_"):
            monkeypatch.delenv(name)


def cli(capsys, db_path: Path, *args: str, procedure: Path = MEASURES_FILE):
    """Run import-measures in this process: (exit status, stdout, stderr)."""
    command = ["import-measures", "--database", str(db_path), "--procedure", str(procedure)]
    code = main([*command, *args])
    out, err = capsys.readouterr()
    return code, out, err


def imported(db_path: Path) -> list[tuple[object, ...]]:
    return rows(
        db_path,
        "SELECT m.ref, m.origin, m.state, m.field_id, m.goal_id, m.cost, m.language, t.title "
        "FROM measures m JOIN measure_texts t ON t.measure_id = m.id "
        "WHERE m.origin = 'workshop' ORDER BY m.id",
    )


def test_the_sample_file_is_imported_approved_and_a_second_import_adds_nothing(capsys, tmp_path):
    db_path = tmp_path / "participation.db"
    code, out, err = cli(capsys, db_path, str(SAMPLE), "--source", "rathaus-2027")
    assert (code, err) == (0, "")
    assert "imported: 3 new measure(s) from rathaus-2027" in out
    assert imported(db_path) == [
        ("import:rathaus-2027:2", "workshop", "approved", "language", "courses", 30000, "de",
         "Sprachcafé am Samstag"),
        ("import:rathaus-2027:3", "workshop", "approved", "language", "schools", 12000, "en",
         "Translated parent evenings"),
        ("import:rathaus-2027:4", "workshop", "approved", "housing", "fair", 25000, "de",
         "Beratung gegen Diskriminierung"),
    ]  # fmt: skip
    description = rows(
        db_path, "SELECT description FROM measure_texts WHERE title = 'Sprachcafé am Samstag'"
    )
    assert description == [("Jeden Samstag Gespräche auf Deutsch; mit Kinderecke.",)]
    code, out, _ = cli(capsys, db_path, str(SAMPLE), "--source", "rathaus-2027")
    assert code == 0 and "imported: 0 new measure(s)" in out and "3 imported before" in out
    assert len(imported(db_path)) == 3
    audit = rows(db_path, "SELECT action, detail FROM audit_log WHERE action = 'measures.import'")
    assert audit == [("measures.import", "3 of 3"), ("measures.import", "0 of 3")]


def test_every_bad_line_is_reported_with_its_number_and_nothing_is_imported(capsys, tmp_path):
    db_path = tmp_path / "participation.db"
    bad = tmp_path / "bad.csv"
    lines = [
        "field,goal,cost,language,title,description",
        "language,courses,30000,de,Gut,Eine gute Maßnahme.",
        "garden,courses,100,de,Garten,Unbekanntes Feld.",
        "language,nope,100,de,Ziel,Unbekanntes Teilziel.",
        "language,courses,12.5,de,Kosten,Keine ganze Zahl.",
        "language,courses,60001,de,Teuer,Über der Obergrenze.",
        "language,courses,100,xx,Sprache,Unbekannte Sprache.",
        "language,courses,100,de,,Ohne Titel.",
        f"language,courses,100,de,{'T' * 81},Zu langer Titel.",
        f"language,courses,100,en,Long,{'d' * 401}",
        "language,courses,100,de",
        "",
        "housing,advice,0,de,Null,Kostet nichts.",
    ]
    bad.write_text(BOM + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    code, out, err = cli(capsys, db_path, str(bad))
    assert code == 1 and out == ""
    problems = [line.removeprefix(f"{bad}: ") for line in err.splitlines()]
    assert problems == [
        "line 3: unknown action field 'garden'",
        "line 4: the action field 'language' has no sub-goal 'nope'",
        "line 5: the cost '12.5' is not a whole number",
        "line 6: the cost 60001 is over the highest cost per measure (60000)",
        "line 7: unknown language 'xx' (use one of de, en)",
        "line 8: the title is empty",
        "line 9: the title has 81 characters, more than 80",
        "line 10: the description has 401 characters, more than 400",
        "line 11: expected 6 columns (field, goal, cost, language, title, description), found 4",
        "line 13: the cost must be more than 0",
        "10 problem(s) found; nothing was imported.",
    ]
    assert not db_path.exists()  # refused before the database was opened


def test_a_file_that_is_not_utf8_or_is_empty_is_refused(capsys, tmp_path):
    db_path = tmp_path / "participation.db"
    latin = tmp_path / "latin.csv"
    latin.write_bytes("language;courses;100;de;Café;Beschreibung\n".encode("cp1252"))
    code, _, err = cli(capsys, db_path, str(latin))
    assert code == 1 and "the file is not UTF-8" in err
    empty = tmp_path / "empty.csv"
    empty.write_text("field;goal;cost;language;title;description\n\n", encoding="utf-8")
    code, _, err = cli(capsys, db_path, str(empty))
    assert code == 1 and "the file has no measures" in err
    assert not db_path.exists()


def test_a_procedure_without_a_measures_round_has_nothing_to_import(capsys, tmp_path):
    db_path = tmp_path / "participation.db"
    code, _, err = cli(capsys, db_path, str(SAMPLE), procedure=DATA / "mini.toml")
    assert code == 2 and "no [measures] section" in err


def test_a_folder_instead_of_a_file_is_named_as_one(tmp_path, capsys):
    code, _, err = cli(capsys, tmp_path / "p.db", str(tmp_path), "--source", "x")
    assert code == 2 and "it is a folder, not a file" in err
    assert not (tmp_path / "p.db").exists() or imported(tmp_path / "p.db") == []
