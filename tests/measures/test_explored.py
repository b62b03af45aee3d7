"""Defects found by trying the measures round from outside (as residents, staff and an
attacker), each reproduced here through the real bot before it was fixed: a translation into
the language a proposal was written in replaced the proposer's own words; Persian staff read
Latin digits in the cost answers and the measure numbers of /proposals; an import file with a
cost of thousands of digits crashed instead of being reported as a bad line."""

import os
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import Settings
from bot.emulated import EmulatedBot
from bot.measures.proposal_buttons import Review, ReviewStep, TranslateInto
from bot.procedure import load_procedure
from storage import measures
from tests.conftest import RESIDENT, STAFF, last, rows
from tests.measures.conftest import MEASURES_FILE, open_round
from tests.measures.proposing import propose

ASCII_DIGITS = set("0123456789")


@pytest.fixture
async def persian_bot(settings: Settings, tmp_path: Path) -> AsyncIterator[EmulatedBot]:
    """The small measures procedure offered in Persian too."""
    source = tmp_path / "measures-fa.toml"
    source.write_text(
        MEASURES_FILE.read_text(encoding="utf-8").replace(
            'languages = ["de", "en"]', 'languages = ["de", "en", "fa"]'
        ),
        encoding="utf-8",
    )
    async with EmulatedBot(replace(settings, procedure=source), load_procedure(source)) as bot:
        yield bot


def translations_audited(bot: EmulatedBot) -> list[tuple[object, ...]]:
    return rows(
        bot.database_path, "SELECT detail FROM audit_log WHERE action = 'measures.translate'"
    )


async def test_a_translation_into_the_language_it_was_written_in_keeps_the_proposers_words(
    measures_bot,
):
    await open_round(measures_bot, "proposals")
    number = await propose(measures_bot, RESIDENT, title="Homework help", description="Twice.")
    measures_bot.fake.add_user(STAFF, language_code="en")
    # By command: refused with a clear answer, the proposer's text unchanged, nothing audited.
    await measures_bot.send(STAFF, f"/proposals translate {number} en Spam | Replaced.")
    answer = last(measures_bot, STAFF).plain_text
    assert "was written in this language" in answer and "Nothing was changed." in answer
    # By a forged button for the language it was written in (the picker never offers it).
    await measures_bot.send(STAFF, "/proposals")
    await measures_bot.press(STAFF, Review(number))
    await measures_bot.press_forged(STAFF, TranslateInto(number, "en"))
    await measures_bot.send(STAFF, "Spam | Replaced.")
    assert "Nothing was changed." in last(measures_bot, STAFF).plain_text
    stored = await measures.get(measures_bot.services.database, number)
    assert stored is not None
    assert stored.texts["en"] == measures.MeasureText("Homework help", "Twice.")
    assert translations_audited(measures_bot) == []


async def test_persian_staff_read_cost_answers_and_measure_numbers_in_persian_digits(
    persian_bot,
):
    await open_round(persian_bot, "proposals")
    number = await propose(persian_bot, RESIDENT, title="Homework help", description="Twice.")
    persian_bot.fake.add_user(STAFF, language_code="fa")
    await persian_bot.send(STAFF, "/proposals")
    labels = [str(button["text"]) for button in last(persian_bot, STAFF).buttons]
    mine = [label for label in labels if "Homework help" in label]
    assert mine and not ASCII_DIGITS & set(mine[0]), labels
    await persian_bot.press(STAFF, Review(number))
    await persian_bot.press(STAFF, ReviewStep(number, "approve"))
    for bad in ("0", "about 5000"):
        await persian_bot.send(STAFF, bad)
        answer = last(persian_bot, STAFF).plain_text
        assert not ASCII_DIGITS & set(answer), answer
    stored = await measures.get(persian_bot.services.database, number)
    assert stored is not None and stored.state == measures.PENDING
    # The translations are listed with the Persian comma.
    for language in ("de", "fa"):
        await persian_bot.send(STAFF, f"/proposals translate {number} {language} Hilfe | Text")
    await persian_bot.send(STAFF, "/proposals")
    await persian_bot.press(STAFF, Review(number))
    assert "Deutsch، فارسی" in last(persian_bot, STAFF).plain_text


@pytest.fixture
def no_bot_settings_from_outside(monkeypatch):
    for name in list(os.environ):
        if name.startswith("BOT_"):
            monkeypatch.delenv(name)


def test_an_import_cost_of_thousands_of_digits_is_a_bad_line_not_a_crash(
    capsys, tmp_path, no_bot_settings_from_outside
):
    db_path = tmp_path / "participation.db"
    bad = tmp_path / "huge.csv"
    bad.write_text(
        "language;courses;30000;de;Gut;Eine gute Maßnahme.\n"
        f"language;courses;{'9' * 5000};de;Teuer;Viel zu teuer.\n",
        encoding="utf-8",
    )
    command = ["import-measures", "--database", str(db_path), "--procedure", str(MEASURES_FILE)]
    code = main([*command, str(bad)])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert "line 2: the cost" in err and "is over the highest cost per measure (60000)" in err
    assert len(err) < 500  # the 5000 digits are not echoed back
    assert "nothing was imported" in err and not db_path.exists()


async def test_a_withdrawn_proposal_is_not_translated(measures_bot):
    await open_round(measures_bot, "proposals")
    number = await propose(measures_bot, RESIDENT, title="Homework help", description="Twice.")
    db = measures_bot.services.database
    assert await measures.withdraw_proposal(db, RESIDENT, number) is measures.Proposed.DONE
    measures_bot.fake.add_user(STAFF, language_code="en")
    await measures_bot.send(STAFF, f"/proposals translate {number} de Hilfe | Zweimal.")
    assert "not approved" in last(measures_bot, STAFF).plain_text
    stored = await measures.get(db, number)
    assert stored is not None and set(stored.texts) == {"en"}
    assert translations_audited(measures_bot) == []
