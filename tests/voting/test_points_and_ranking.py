"""The points method and ordering the action fields, with a procedure file that uses them."""

from dataclasses import replace

import pytest

from bot.emulated import EmulatedBot
from bot.procedure import load_procedure
from bot.resources import example_procedure
from bot.voting.buttons import (
    FieldBallot,
    NoPreference,
    Pick,
    Points,
    Rank,
    Ranking,
    UndoNoPreference,
    Unrank,
    Vote,
)
from tests.conftest import RESIDENT, agree, alert, buttons, last, open_window, raw, rows


@pytest.fixture
def points_procedure(tmp_path):
    text = example_procedure().read_text(encoding="utf-8")
    text = text.replace(
        'method = "top_n"\ntop_n = 3', 'method = "points"\npoints = 5\nrank_fields = true'
    )
    path = tmp_path / "points.toml"
    path.write_text(text, encoding="utf-8")
    return load_procedure(path)


@pytest.fixture
async def points_bot(settings, points_procedure):
    bot = EmulatedBot(replace(settings, procedure=points_procedure.source), points_procedure)
    async with bot:
        await open_window(bot)
        yield bot


def weights(bot):
    return rows(bot.database_path, "SELECT goal_id, weight FROM ballots ORDER BY goal_id")


async def test_points_with_plus_and_minus_and_the_budget_always_shown(points_bot, points_procedure):
    bot = points_bot
    await agree(bot, RESIDENT)
    assert "5 points" in last(bot).plain_text
    field = points_procedure.fields[0]
    first, second = field.goals[0], field.goals[1]
    await bot.press(RESIDENT, FieldBallot(field))
    assert "Points left: 5 of 5" in last(bot).plain_text
    for value in (1, 2, 3):
        await bot.press(RESIDENT, Points(field, first, value))
    await bot.press(RESIDENT, Points(field, second, 1))
    await bot.press(RESIDENT, Points(field, second, 2))
    assert "Points left: 0 of 5" in last(bot).plain_text
    assert weights(bot) == [(first.id, 3), (second.id, 2)]

    # One more point is refused: the budget is spent.
    await bot.press(RESIDENT, Points(field, second, 3))
    assert alert(bot).show_alert and "no points left" in alert(bot).text
    assert weights(bot) == [(first.id, 3), (second.id, 2)]

    # Minus down to zero removes the goal; below zero cannot even be encoded or pressed.
    await bot.press(RESIDENT, Points(field, second, 1))
    await bot.press(RESIDENT, Points(field, second, 0))
    assert weights(bot) == [(first.id, 3)]
    minus = [data for label, data in buttons(last(bot)) if label == "➖"]
    assert Points(field, second, 0).pack() in minus


async def test_points_beyond_the_budget_from_a_forged_button_are_refused(
    points_bot, points_procedure
):
    bot = points_bot
    await agree(bot, RESIDENT)
    field = points_procedure.fields[0]
    await bot.press(RESIDENT, FieldBallot(field))
    for forged in ("6", "99", "-1"):
        await bot.press_forged(RESIDENT, raw("points", field.id, field.goals[0].id, forged))
        assert "out of date" in alert(bot).text
    await bot.press_forged(RESIDENT, Pick(field, field.goals[0], True))
    assert "out of date" in alert(bot).text
    assert weights(bot) == []


async def test_fields_are_ordered_by_tapping_and_the_order_can_be_reset(
    points_bot, points_procedure
):
    bot = points_bot
    await agree(bot, RESIDENT)
    await bot.press(RESIDENT, Ranking())
    fields = points_procedure.fields
    await bot.press(RESIDENT, Rank(fields[3], 1))
    await bot.press(RESIDENT, Rank(fields[0], 2))
    text = last(bot).plain_text
    assert f"1. {fields[3].title['en']}" in text and f"2. {fields[0].title['en']}" in text
    assert Rank(fields[3], 3).pack() not in [d for _, d in buttons(last(bot))]

    # An out-of-date button (made for position 1) changes nothing.
    message = last(bot).message_id
    await bot.press_forged(RESIDENT, Rank(fields[5], 1), message_id=message)
    assert "out of date" in alert(bot).text
    ranks = rows(bot.database_path, "SELECT field_id, position FROM field_ranks ORDER BY position")
    assert ranks == [(fields[3].id, 1), (fields[0].id, 2)]

    await bot.send(RESIDENT, "/myballot")
    assert fields[3].title["en"] in last(bot).plain_text

    await bot.press(RESIDENT, Vote())
    await bot.press(RESIDENT, Ranking())
    await bot.press(RESIDENT, Unrank())
    assert rows(bot.database_path, "SELECT * FROM field_ranks") == []


async def test_points_typed_numbers_and_undo_of_no_preference(points_bot, points_procedure):
    bot = points_bot
    await agree(bot, RESIDENT)
    field = points_procedure.fields[0]
    await bot.press(RESIDENT, FieldBallot(field))
    await bot.send(RESIDENT, "1.2")  # one point more, as ➕
    await bot.send(RESIDENT, "2")
    await bot.send(RESIDENT, "1")
    assert weights(bot) == sorted([(field.goals[0].id, 1), (field.goals[1].id, 2)])
    await bot.press(RESIDENT, NoPreference(field))
    assert weights(bot) == []
    assert "2 choices in this field were removed" in last(bot).plain_text
    await bot.press(RESIDENT, UndoNoPreference(field))
    assert weights(bot) == sorted([(field.goals[0].id, 1), (field.goals[1].id, 2)])
    # Undo once only: the button is out of date afterwards.
    await bot.press_forged(RESIDENT, UndoNoPreference(field))
    assert "nothing to undo" in alert(bot).text
