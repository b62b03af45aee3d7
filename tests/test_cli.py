"""The command line refuses to start with a clear one-line reason."""

import sqlite3

from bot.__main__ import main

TOKEN = "123456789:AAEexampleexampleexampleexample12345"


def test_run_without_a_token_names_bot_token_botfather_and_demo(monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    assert main(["run", "--database", str(tmp_path / "p.db")]) == 2
    err = capsys.readouterr().err
    assert "BOT_TOKEN" in err and "@BotFather" in err and "participation-bot demo" in err
    assert not (tmp_path / "p.db").exists()


def test_run_without_a_secret_is_refused(monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("BOT_SECRET", raising=False)
    assert main(["run", "--token", TOKEN, "--database", str(tmp_path / "p.db")]) == 2
    err = capsys.readouterr().err
    assert "BOT_SECRET" in err and "--insecure-dev-secret" in err
    assert TOKEN not in err


def test_a_newer_schema_database_is_refused_with_a_clear_message(monkeypatch, capsys, tmp_path):
    path = tmp_path / "newer.db"
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA user_version = 999")
    before = path.read_bytes()
    monkeypatch.setattr("sys.stdin", open("/dev/null"))
    assert main(["demo", "--database", str(path)]) == 2
    assert "schema version 999" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_a_broadcast_text_that_is_not_utf8_is_one_line_naming_the_file(
    monkeypatch, capsys, tmp_path
):
    """A text saved by an old editor in Windows-1252 (a German umlaut): no traceback."""
    for name in ("BOT_DATABASE", "BOT_PROCEDURE"):
        monkeypatch.delenv(name, raising=False)
    text = tmp_path / "news-de.md"
    text.write_bytes("Die Abstimmung läuft".encode("cp1252"))
    database = tmp_path / "p.db"
    args = ["broadcast", "--database", str(database), "--text", f"de={text}", "--yes"]
    assert main(args) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"participation-bot: --text de={text}: cannot read {text}: it is not UTF-8 text "
        "(save it as UTF-8)\n"
    )
    assert not database.exists()
