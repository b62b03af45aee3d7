"""The README's demo command works from a pipe, and a plain (non-editable) wheel ships the
catalogs and the example procedure."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_demo_reads_a_pipe_and_a_resident_votes_in_it(tmp_path):
    # 1 = Set your priorities, 1 = I agree, 1 = the first field, 1 = choose sub-goal 1.1.
    script = "1\n1\n1\n1\n/myballot\n/status\nquit\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--user-language", "en"],
        input=script, capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[1] 🗳 Set your priorities" in out
    assert "Do you agree?" in out
    assert "Chosen: 1 of 3." in out
    assert "My ballot" in out and "✅ 1.1" in out
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())  # the demo leaves no database behind


def test_a_wheel_contains_the_catalogs_and_the_example(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("participation_bot-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "bot/locales/messages.pot" in names
    assert "bot/locales/ar/LC_MESSAGES/messages.po" in names
    assert "bot/procedures/luebeck-example.toml" in names
    assert "storage/migrations/0001_participants.sql" in names
    assert not any(name.endswith(".mo") for name in names)


def _demo(tmp_path, script, *options):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo", "--user-language", "en", *options],
        input=script, capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def test_the_demo_user_is_staff_only_with_staff(tmp_path):
    assert "/voting close" in _demo(tmp_path, "/voting\nquit\n", "--staff")
    assert "/voting close" not in _demo(tmp_path, "/voting\nquit\n")


def test_a_leading_quote_sends_a_digit_as_text_instead_of_pressing_a_button(tmp_path):
    out = _demo(tmp_path, "'4\nquit\n")
    assert "'4 sends the text" in out  # the intro line says how
    after = out.split("you> '4", 1)[1]
    assert "I can only understand the buttons" in after  # text, not button 4 (Action fields)
