"""Choosing measures within the budget, through the real bot: the fields and measures with
their costs, the budget line in the reader's language (right to left included), the refusal
with the amount missing, racing taps that never exceed the budget in the database, the
window before and after, consent first, and /myballot with both rounds."""

import asyncio
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.emulated import EmulatedBot
from bot.measures.budget_buttons import BudgetConsent, BudgetDone, BudgetField, BudgetPick
from bot.measures.buttons import BudgetStart, MeasuresHome
from bot.measures.windows import change_measures_window
from bot.procedure import load_procedure
from bot.voting.buttons import FieldBallot, MyBallot, Pick, Vote
from bot.voting.voter import voter_key
from bot.voting.window import change_window
from storage import measures
from storage.measures import Chosen, MeasureText, Seed
from tests.conftest import (
    RESIDENT,
    TEST_SECRET,
    alerts,
    buttons,
    data,
    last,
    open_window,
    rows,
)
from tests.measures.budget_story import add_measures, choose_measures, file_measure, spent_per_voter
from tests.measures.conftest import MEASURES_FILE, open_round

BUDGET = 100_000


def eur(text: str) -> str:
    """German writes a no-break space between an amount and the euro sign."""
    return text.replace(" €", "\xa0€")


def ballot_rows(bot: EmulatedBot) -> list[tuple[object, ...]]:
    return rows(bot.database_path, "SELECT voter_key, measure_id FROM budget_ballots ORDER BY 1, 2")


async def test_a_resident_chooses_within_the_budget_and_sees_what_is_left_in_german(
    measures_bot,
):
    await open_round(measures_bot, "voting")
    await choose_measures(measures_bot, language="de")
    overview = last(measures_bot).plain_text
    assert eur("0 € von 100.000 € verplant · 100.000 € übrig") in overview
    assert "1. Sprache und Bildung: 2 Maßnahmen, 0 ausgewählt" in overview
    language = measures_bot.services.procedure.fields[0]
    field_button = ("▫️ 1. Sprache und Bildung (0/2)", BudgetField(language).pack())
    assert field_button in buttons(last(measures_bot))
    await measures_bot.press(RESIDENT, BudgetField(language))
    courses = await file_measure(measures_bot, "evening-courses")
    screen = last(measures_bot).plain_text
    assert "#1 Abendkurse mit Kinderbetreuung" in screen
    assert eur("40.000 € · Teilziel 1.1") in screen
    assert "Zwei Deutschkurse am Abend, mit Betreuung für Kinder bis sechs Jahre." in screen
    assert ("☐ #1 Abendkurse mit Kinderbetreuung", BudgetPick(courses.id, True).pack()) in buttons(
        last(measures_bot)
    )

    await measures_bot.press(RESIDENT, BudgetPick(courses.id, True))
    assert eur("40.000 € von 100.000 € verplant · 60.000 € übrig") in last(measures_bot).plain_text
    assert BudgetPick(courses.id, False).pack() in data(last(measures_bot))
    key = voter_key(TEST_SECRET, RESIDENT)
    assert ballot_rows(measures_bot) == [(key, courses.id)]

    await measures_bot.press(RESIDENT, BudgetDone())
    done = last(measures_bot).plain_text
    assert "Ihre Auswahl an Maßnahmen ist gespeichert" in done
    assert eur("✅ #1 Abendkurse mit Kinderbetreuung – 40.000 €") in done


async def test_the_budget_line_in_english_and_unselecting_gives_the_money_back(measures_bot):
    await open_round(measures_bot, "voting")
    await choose_measures(measures_bot, language="en")
    courses = await file_measure(measures_bot, "evening-courses")
    cafe = await file_measure(measures_bot, "parent-cafe")
    await measures_bot.press(RESIDENT, BudgetField(measures_bot.services.procedure.fields[0]))
    await measures_bot.press(RESIDENT, BudgetPick(courses.id, True))
    await measures_bot.press(RESIDENT, BudgetPick(cafe.id, True))
    assert "€55,000 of €100,000 used · €45,000 left" in last(measures_bot).plain_text
    await measures_bot.press(RESIDENT, BudgetPick(courses.id, False))
    assert "€15,000 of €100,000 used · €85,000 left" in last(measures_bot).plain_text
    assert ballot_rows(measures_bot) == [(voter_key(TEST_SECRET, RESIDENT), cafe.id)]


async def test_a_selection_over_the_budget_is_refused_with_the_amount_missing(measures_bot):
    await open_round(measures_bot, "voting")
    await choose_measures(measures_bot, language="en")
    procedure = measures_bot.services.procedure
    courses = await file_measure(measures_bot, "evening-courses")
    cafe = await file_measure(measures_bot, "parent-cafe")
    housing = await file_measure(measures_bot, "housing-advice")
    await measures_bot.press(RESIDENT, BudgetField(procedure.fields[0]))
    await measures_bot.press(RESIDENT, BudgetPick(courses.id, True))
    await measures_bot.press(RESIDENT, BudgetPick(cafe.id, True))
    await measures_bot.press(RESIDENT, BudgetField(procedure.fields[1]))
    before = ballot_rows(measures_bot)
    shown = last(measures_bot).text

    await measures_bot.press(RESIDENT, BudgetPick(housing.id, True))
    assert alerts(measures_bot)[-1] == (
        "This measure costs €55,000; €10,000 are missing. Unselect another measure first."
    )
    assert ballot_rows(measures_bot) == before  # nothing changed
    assert last(measures_bot).text == shown  # and the screen stays as it was
    assert spent_per_voter(measures_bot.database_path) == {voter_key(TEST_SECRET, RESIDENT): 55_000}


async def test_a_second_tap_or_a_redelivered_press_changes_nothing(measures_bot):
    await open_round(measures_bot, "voting")
    await choose_measures(measures_bot)
    courses = await file_measure(measures_bot, "evening-courses")
    await measures_bot.press(RESIDENT, BudgetField(measures_bot.services.procedure.fields[0]))
    pressed = await measures_bot.press(RESIDENT, BudgetPick(courses.id, True))
    await measures_bot.press_forged(RESIDENT, BudgetPick(courses.id, True))
    await measures_bot.redeliver(pressed)
    assert ballot_rows(measures_bot) == [(voter_key(TEST_SECRET, RESIDENT), courses.id)]
    assert rows(measures_bot.database_path, "SELECT votes FROM measure_tally") == [(1,)]


async def test_a_measure_that_cannot_be_chosen_is_refused(measures_bot):
    await open_round(measures_bot, "voting")
    await choose_measures(measures_bot)
    db = measures_bot.services.database
    _, pending = await measures.propose(
        db, 777, field_id="language", goal_id="courses", language="en",
        text=MeasureText("Mine", "Not decided yet"), limit=3,
    )  # fmt: skip
    for forged in (BudgetPick(pending, True), BudgetPick(987654, True)):
        await measures_bot.press_forged(RESIDENT, forged)
        assert alerts(measures_bot)[-1] == "This measure cannot be chosen. Nothing was changed."
    await measures_bot.press_forged(RESIDENT, "v1:mbpick:99999999999999999999999:1")
    assert "out of date" in alerts(measures_bot)[-1]
    assert ballot_rows(measures_bot) == []


async def test_what_residents_wrote_is_shown_as_plain_text(measures_bot):
    await open_round(measures_bot, "voting")
    seed = Seed(
        ref="test:html", field_id="housing", goal_id="fair", cost=1000, language="en",
        texts={"en": MeasureText("<b>Fair</b> & square", "<a href='x'>click</a>")},
    )  # fmt: skip
    await measures.seed(measures_bot.services.database, [seed], origin="workshop")
    await choose_measures(measures_bot)
    await measures_bot.press(RESIDENT, BudgetField(measures_bot.services.procedure.fields[1]))
    message = last(measures_bot)
    assert "<b>Fair</b> & square" in message.plain_text
    assert "<a href='x'>click</a>" in message.plain_text
    assert "&lt;b&gt;Fair&lt;/b&gt; &amp; square" in message.text


async def test_a_field_with_many_measures_comes_in_pages_that_fit_a_message(measures_bot):
    await open_round(measures_bot, "voting")
    await add_measures(measures_bot, [1000] * 13)
    await choose_measures(measures_bot)
    field = measures_bot.services.procedure.fields[0]
    await measures_bot.press(RESIDENT, BudgetField(field))
    first = last(measures_bot)
    assert "Page 1 of 2" in first.plain_text
    picks = [d for d in data(first) if d.startswith("v1:mbpick:")]
    assert len(picks) == 8
    await measures_bot.press(RESIDENT, BudgetField(field, 1))
    second = [d for d in data(last(measures_bot)) if d.startswith("v1:mbpick:")]
    assert len(second) == 7 and not set(second) & set(picks)
    await measures_bot.press(RESIDENT, second[-1])
    assert "Page 2 of 2" in last(measures_bot).plain_text  # the page of the measure chosen
    assert len(last(measures_bot).plain_text) < 4096


# --- racing taps ----------------------------------------------------------------------------


async def test_many_fast_taps_of_one_resident_never_exceed_the_budget(measures_bot):
    await open_round(measures_bot, "voting")
    ids = await add_measures(measures_bot, [30_000] * 10)
    await choose_measures(measures_bot)
    await measures_bot.press(RESIDENT, BudgetField(measures_bot.services.procedure.fields[0]))
    presses = [measures_bot.press_forged(RESIDENT, BudgetPick(i, True)) for i in ids * 3]
    await asyncio.gather(*presses)
    spent = spent_per_voter(measures_bot.database_path)
    assert spent == {voter_key(TEST_SECRET, RESIDENT): 90_000}  # three fit, a fourth never
    assert any("€30,000 are missing" not in a and "€20,000 are missing" in a
               for a in alerts(measures_bot))  # fmt: skip


async def test_many_residents_tapping_at_once_never_exceed_the_budget(measures_bot):
    await open_round(measures_bot, "voting")
    ids = await add_measures(measures_bot, [30_000, 25_000, 45_000, 10_000, 35_000, 20_000])
    residents = [RESIDENT + n for n in range(12)]
    await asyncio.gather(*(choose_measures(measures_bot, user) for user in residents))
    shuffled = random.Random(15)

    async def taps(user: int) -> None:
        order = [BudgetPick(i, shuffled.random() < 0.8) for i in ids * 2]
        await asyncio.gather(*(measures_bot.press_forged(user, b) for b in order))

    await asyncio.gather(*(taps(user) for user in residents))
    spent = spent_per_voter(measures_bot.database_path)
    assert spent and all(total <= BUDGET for total in spent.values())
    voters = rows(measures_bot.database_path, "SELECT voters FROM budget_voter_tally")
    assert voters == [(len(spent),)]
    counted = rows(
        measures_bot.database_path,
        "SELECT t.measure_id, t.votes, COUNT(b.voter_key) FROM measure_tally t "
        "LEFT JOIN budget_ballots b ON b.measure_id = t.measure_id GROUP BY t.measure_id",
    )
    assert all(votes == actual for _, votes, actual in counted)


async def test_concurrent_choose_calls_in_storage_never_exceed_the_budget(measures_bot):
    db = measures_bot.services.database
    ids = await add_measures(measures_bot, [30_000, 40_000, 50_000, 15_000, 60_000, 5_000])
    keys = [f"voter-{n}" for n in range(8)]
    rng = random.Random(2027)
    calls = [
        measures.choose(db, rng.choice(keys), rng.choice(ids), rng.random() < 0.75, BUDGET)
        for _ in range(400)
    ]
    outcomes = await asyncio.gather(*calls)
    assert {o for o, _, _ in outcomes} >= {Chosen.CHANGED, Chosen.OVER}
    for outcome, ballot, missing in outcomes:
        assert ballot.spent <= BUDGET
        assert (missing > 0) == (outcome is Chosen.OVER)
    spent = spent_per_voter(measures_bot.database_path)
    assert all(total <= BUDGET for total in spent.values())


# --- the window and consent ----------------------------------------------------------------


async def test_before_the_window_residents_are_told_when_it_opens_and_nothing_is_stored(
    measures_bot,
):
    measures_bot.fake.add_user(RESIDENT, language_code="en")
    await measures_bot.send(RESIDENT, "/start")
    await measures_bot.press(RESIDENT, MeasuresHome())
    assert BudgetStart().pack() not in data(last(measures_bot))
    await measures_bot.press_forged(RESIDENT, BudgetStart())
    assert last(measures_bot).plain_text == "Choosing measures opens on 1 May 2027, 00:00."
    courses = await file_measure(measures_bot, "evening-courses")
    await measures_bot.press_forged(RESIDENT, BudgetPick(courses.id, True))
    assert alerts(measures_bot)[-1] == (
        "Choosing measures opens on 1 May 2027, 00:00. Nothing was changed."
    )
    assert ballot_rows(measures_bot) == []


async def test_after_the_close_the_selection_is_shown_and_cannot_change(measures_bot):
    await open_round(measures_bot, "voting")
    await choose_measures(measures_bot)
    courses = await file_measure(measures_bot, "evening-courses")
    await measures_bot.press(RESIDENT, BudgetField(measures_bot.services.procedure.fields[0]))
    await measures_bot.press(RESIDENT, BudgetPick(courses.id, True))
    db = measures_bot.services.database
    await change_measures_window(db, None, "voting", "test.close", closes=_minutes_ago(1))
    await measures_bot.press_forged(RESIDENT, BudgetPick(courses.id, False))
    assert alerts(measures_bot)[-1].startswith("Choosing measures closed on ")
    assert alerts(measures_bot)[-1].endswith(". Nothing was changed.")
    await measures_bot.press_forged(RESIDENT, BudgetStart())
    closed = last(measures_bot).plain_text
    assert closed.startswith("Choosing measures closed on ")
    assert "✅ #1 Evening courses with childcare – €40,000" in closed
    assert len(ballot_rows(measures_bot)) == 1


def _minutes_ago(minutes: int) -> datetime:
    return datetime.now(UTC) - timedelta(minutes=minutes)


async def test_without_consent_a_resident_is_asked_first_and_then_led_back(measures_bot):
    await open_round(measures_bot, "voting")
    measures_bot.fake.add_user(RESIDENT, language_code="en")
    await measures_bot.send(RESIDENT, "/start")
    courses = await file_measure(measures_bot, "evening-courses")
    await measures_bot.press_forged(RESIDENT, BudgetPick(courses.id, True))
    assert alerts(measures_bot)[-1] == (
        "Please agree first under “🧮 Choose measures”. Nothing was changed."
    )
    await measures_bot.press_forged(
        RESIDENT, BudgetField(measures_bot.services.procedure.fields[0])
    )
    asked = last(measures_bot)
    assert "Before you vote" in asked.plain_text
    assert "Choosing measures is open until" in asked.plain_text
    assert BudgetConsent(True).pack() in data(asked)

    await measures_bot.press(RESIDENT, BudgetConsent(False))  # not now: nothing stored
    assert rows(measures_bot.database_path, "SELECT consent_at FROM participants") == [(None,)]
    await measures_bot.press(RESIDENT, BudgetStart())
    await measures_bot.press(RESIDENT, BudgetConsent(True))
    assert "Choose the measures you want the city to carry out." in last(measures_bot).plain_text
    consent = rows(measures_bot.database_path, "SELECT consent_at FROM participants")
    assert consent[0][0] is not None
    assert ballot_rows(measures_bot) == []


# --- /myballot shows both rounds ------------------------------------------------------------


async def test_myballot_shows_the_priorities_and_the_measures_with_their_total(measures_bot):
    procedure = measures_bot.services.procedure
    await open_window(measures_bot)
    await open_round(measures_bot, "voting")
    await choose_measures(measures_bot)
    await measures_bot.press_forged(RESIDENT, Vote())
    field = procedure.fields[0]
    await measures_bot.press(RESIDENT, FieldBallot(field))
    await measures_bot.press(RESIDENT, Pick(field, field.goals[0], True))
    cafe = await file_measure(measures_bot, "parent-cafe")
    housing = await file_measure(measures_bot, "housing-advice")
    for measure in (cafe, housing):
        await measures_bot.press_forged(RESIDENT, BudgetPick(measure.id, True))

    await measures_bot.send(RESIDENT, "/myballot")
    text = last(measures_bot).plain_text
    assert text.index("More German courses with childcare.") < text.index("Measures you chose")
    assert "€70,000 of €100,000 used · €30,000 left" in text
    assert "✅ #2 Parents' café in three schools – €15,000" in text
    assert "✅ #3 Housing guides – €55,000" in text
    assert BudgetStart().pack() in data(last(measures_bot))

    # The prioritisation closes while choosing measures goes on: both are still shown.
    await change_window(measures_bot.services.database, None, "test.close", closes=_minutes_ago(1))
    await measures_bot.send(RESIDENT, "/myballot")
    text = last(measures_bot).plain_text
    assert "More German courses with childcare." in text and "✅ #3 Housing guides" in text
    assert BudgetStart().pack() in data(last(measures_bot))


async def test_without_a_measures_round_myballot_is_as_before(voting):
    voting.fake.add_user(RESIDENT, language_code="en")
    await voting.send(RESIDENT, "/myballot")
    assert "Measures you chose" not in last(voting).plain_text


# --- right to left --------------------------------------------------------------------------


async def test_arabic_and_persian_read_the_budget_right_to_left_with_their_own_amounts(
    settings: Settings, tmp_path: Path
):
    # The small procedure offered in Arabic and Persian too; its measures are written in
    # German and English only, so they come with the note.
    source = tmp_path / "measures-rtl.toml"
    source.write_text(
        MEASURES_FILE.read_text(encoding="utf-8").replace(
            'languages = ["de", "en"]', 'languages = ["de", "en", "ar", "fa"]'
        ),
        encoding="utf-8",
    )
    settings = replace(settings, procedure=source)
    async with EmulatedBot(settings, load_procedure(source)) as bot:
        await open_round(bot, "voting")
        catalogs = bot.services.catalogs
        courses = await file_measure(bot, "evening-courses")
        for user, language in ((RESIDENT, "ar"), (RESIDENT + 1, "fa")):
            t = catalogs.translator(language)
            await choose_measures(bot, user, language)
            await bot.press(user, BudgetField(bot.services.procedure.fields[0]))
            await bot.press(user, BudgetPick(courses.id, True))
            screen = last(bot, user)
            line = t.gettext(
                "%(used)s of %(budget)s used · %(left)s left",
                used=t.money(40_000, "EUR"),
                budget=t.money(100_000, "EUR"),
                left=t.money(60_000, "EUR"),
            )
            assert line in screen.plain_text
            note = t.ngettext(
                "(Measure %(numbers)s is not yet available in your language.)",
                "(Measures %(numbers)s are not yet available in your language.)",
                2,
                numbers=t.listed(t.numeral(n) for n in ("#1", "#2")),
            )
            assert screen.plain_text.count(note) == 1
            for text in screen.plain_text.split("\n"):
                assert not text or text.startswith("\u200f") or _rtl_letter(text[0]), text
            for label, _ in buttons(screen):
                assert label.startswith("\u200f") or _rtl_letter(label[0]), label
        assert "۴۰٬۰۰۰" in last(bot, RESIDENT + 1).plain_text  # Persian digits


def _rtl_letter(character: str) -> bool:
    import unicodedata

    return unicodedata.bidirectional(character) in ("R", "AL")


async def test_a_resident_who_only_chose_measures_finds_my_ballot_in_the_menu(measures_bot):
    await open_round(measures_bot, "voting")
    await choose_measures(measures_bot)
    await measures_bot.send(RESIDENT, "/start")
    assert MyBallot().pack() not in data(last(measures_bot))  # nothing chosen yet
    cafe = await file_measure(measures_bot, "parent-cafe")
    field = measures_bot.services.procedure.field("language")
    await measures_bot.send(RESIDENT, "/start")
    await measures_bot.press(RESIDENT, MeasuresHome())
    await measures_bot.press(RESIDENT, BudgetStart())
    await measures_bot.press(RESIDENT, BudgetField(field))
    await measures_bot.press(RESIDENT, BudgetPick(cafe.id, True))
    await measures_bot.send(RESIDENT, "/start")
    assert MyBallot().pack() in data(last(measures_bot))
