"""Every shipped catalog is complete, and the procedure file covers every offered language."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from bot.procedure import coverage
from bot.resources import example_procedure, locales_dir
from bot.translation_check import catalog_problems, problems

ROOT = Path(__file__).resolve().parent.parent


def test_every_catalog_is_complete_with_intact_placeholders_and_plural_forms():
    assert problems() == []


def test_the_check_catches_a_broken_placeholder_a_fuzzy_entry_and_a_missing_plural_form(tmp_path):
    template = read_po((locales_dir() / "messages.pot").open("rb"))
    po = (locales_dir() / "ru" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    at = po.index("%(command)s", po.index("msgstr", po.index("%(command)s")))
    broken = po[:at] + "%(komanda)s" + po[at + len("%(command)s") :]
    broken = broken.replace('msgid "Help"\n', '#, fuzzy\nmsgid "Help"\n', 1)
    broken = broken.replace("msgstr[2]", "msgstr[9]", 1)
    path = tmp_path / "messages.po"
    path.write_text(broken, encoding="utf-8")
    found = catalog_problems(template, read_po(path.open("rb"), locale="ru"), "ru")
    text = "\n".join(found)
    assert "placeholders" in text
    assert "fuzzy" in text
    assert "plural form" in text


def test_the_example_procedure_covers_every_offered_language():
    for row in coverage(example_procedure()):
        assert row.translated == row.total, f"{row.language} misses {row.missing}"


def test_the_template_holds_every_user_visible_string(tmp_path):
    """pybabel extract over bot/ gives exactly the shipped messages.pot."""
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "gettext", "-k", "ngettext:1,2", "--no-location", "--sort-output",
         "-o", str(fresh), "bot"],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip

    def ids(path):
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(path.open("rb"))}

    assert ids(fresh) == ids(locales_dir() / "messages.pot")
