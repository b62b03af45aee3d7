"""The measures round's entry in the main menu and its hub, in every language of the file."""

from dataclasses import replace

from bot.emulated import EmulatedBot
from bot.measures.buttons import BudgetStart, MeasureResults, MeasuresHome, ProposeStart
from bot.procedure import load_procedure
from storage import measures
from tests.conftest import RESIDENT, STAFF, alert, data, last
from tests.measures.conftest import MEASURES_FILE, open_round


async def test_the_menu_has_the_measures_entry_and_the_hub_says_what_is_open(measures_bot):
    measures_bot.fake.add_user(RESIDENT, language_code="de")
    await measures_bot.send(RESIDENT, "/start")
    assert MeasuresHome().pack() in data(last(measures_bot))
    await measures_bot.press(RESIDENT, MeasuresHome())
    hub = last(measures_bot).plain_text
    assert "Budget: 100.000\xa0€" in hub
    assert "Vorschläge sind ab" in hub  # not open yet (the file's dates are in 2027)
    assert ProposeStart().pack() not in data(last(measures_bot))
    await open_round(measures_bot, "proposals")
    await open_round(measures_bot, "voting")
    await measures_bot.send(RESIDENT, "/start")
    await measures_bot.press(RESIDENT, MeasuresHome())
    assert ProposeStart().pack() in data(last(measures_bot))
    assert BudgetStart().pack() in data(last(measures_bot))


async def test_the_file_measures_are_stored_approved_with_their_cost(measures_bot):
    stored = await measures.in_state(measures_bot.services.database, measures.APPROVED)
    assert [(m.ref, m.cost) for m in stored] == [
        ("file:evening-courses", 40000),
        ("file:parent-cafe", 15000),
        ("file:housing-advice", 55000),
    ]
    assert stored[0].texts["en"].title == "Evening courses with childcare"


async def test_without_a_measures_round_there_is_no_entry(settings):
    mini = MEASURES_FILE.parent / "mini.toml"  # a procedure without [measures]
    bot = EmulatedBot(replace(settings, procedure=mini), load_procedure(mini))
    async with bot:
        bot.fake.add_user(RESIDENT, language_code="en")
        await bot.send(RESIDENT, "/start")
        assert MeasuresHome().pack() not in data(last(bot))
        await bot.press_forged(RESIDENT, MeasuresHome())  # a forged button: out of date
        assert "out of date" in alert(bot).text


async def test_staff_reach_the_costed_priority_list_from_results(measures_bot):
    measures_bot.fake.add_user(STAFF, language_code="en")
    await measures_bot.send(STAFF, "/results")
    assert MeasureResults().pack() in data(last(measures_bot, STAFF))
    await measures_bot.press(STAFF, MeasureResults())
    assert "Evening courses with childcare" in last(measures_bot, STAFF).plain_text
