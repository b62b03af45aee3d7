"""Staff open, close and extend the voting window; the change is audited and survives restarts.
A procedure file that changes the rules after votes is refused."""

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from bot.__main__ import main
from bot.emulated import EmulatedBot
from bot.procedure import load_procedure
from bot.resources import example_procedure
from bot.voting.buttons import FieldBallot, Pick, Vote
from bot.voting.rules import RulesChangedError
from bot.voting.window import WindowState, window
from tests.conftest import RESIDENT, STAFF, agree, last, open_window, rows, staff_sends


async def state(bot):
    return (await window(bot.services.database, bot.services.procedure)).state()


async def test_staff_open_close_and_extend_voting_audited(running):
    running.fake.add_user(STAFF, language_code="en")
    assert await state(running) is WindowState.CLOSED  # the example's 2020 window
    await running.send(STAFF, "/voting")
    assert "Voting is closed" in last(running, STAFF).plain_text

    await running.send(STAFF, "/voting open")
    assert "passed" in last(running, STAFF).plain_text  # the closing time is in the past
    await running.send(STAFF, "/voting extend 2099-12-31")
    await running.send(STAFF, "/voting open")
    assert await state(running) is WindowState.OPEN
    assert "Voting is open" in last(running, STAFF).plain_text
    assert "2099" in last(running, STAFF).plain_text

    await running.send(STAFF, "/voting close")
    assert await state(running) is WindowState.CLOSED
    actions = [r[0] for r in rows(running.database_path, "SELECT action FROM audit_log")]
    assert actions == ["voting.extend", "voting.open", "voting.close"]
    assert {r[0] for r in rows(running.database_path, "SELECT actor_id FROM audit_log")} == {STAFF}


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/voting extend 31.12.2099", "like this"),
        ("/voting extend 2001-01-01", "in the future"),
        ("/voting reopen", "Unknown choice"),
    ],
)
async def test_wrong_staff_input_gets_a_clear_answer_and_changes_nothing(running, command, answer):
    assert answer in await staff_sends(running, command)
    assert rows(running.database_path, "SELECT * FROM runtime_settings") == []


async def test_a_resident_sending_a_staff_command_gets_unknown_command_and_is_audited(running):
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/voting open")
    assert "do not know the command /voting" in last(running, RESIDENT).plain_text
    assert rows(running.database_path, "SELECT * FROM runtime_settings") == []
    assert rows(running.database_path, "SELECT actor_id, action FROM audit_log") == [
        (RESIDENT, "staff.refused")
    ]


async def test_staff_commands_are_only_shown_in_staff_chats(running):
    assert "voting" not in [c["command"] for c in running.fake.commands(language_code="en")]
    staff_scope = {"type": "chat", "chat_id": STAFF}
    assert "voting" in [c["command"] for c in running.fake.commands(scope=staff_scope)]


async def test_the_window_change_survives_a_restart(settings, example):
    first = EmulatedBot(settings, example)
    async with first:
        first.fake.add_user(STAFF, language_code="en")
        await first.send(STAFF, "/voting extend 2099-06-30 12:00")
        await first.send(STAFF, "/voting open")
    second = EmulatedBot(settings, example)
    async with second:
        current = await window(second.services.database, example)
        assert current.state() is WindowState.OPEN
        closes = current.closes.astimezone(example.timezone)
        assert (closes.year, closes.month, closes.day, closes.hour) == (2099, 6, 30, 12)


async def test_a_procedure_file_that_changes_the_rules_after_votes_is_refused(
    settings, example, tmp_path, capsys
):
    bot = EmulatedBot(settings, example)
    async with bot:
        await open_window(bot)
        await agree(bot, RESIDENT)
        field = example.fields[0]
        await bot.press(RESIDENT, FieldBallot(field))
        await bot.press(RESIDENT, Pick(field, field.goals[0], True))

    text = example_procedure().read_text(encoding="utf-8")
    changed = text.replace("top_n = 3", "top_n = 4")
    # Remove the last sub-goal of the housing field.
    housing = changed.index('id = "housing"')
    last_goal = changed.rindex("[[fields.goals]]", housing, changed.index("[[fields]]", housing))
    changed = changed[:last_goal] + changed[changed.index("[[fields]]", housing) :]
    path = tmp_path / "changed.toml"
    path.write_text(changed, encoding="utf-8")
    procedure = load_procedure(path)
    with pytest.raises(RulesChangedError) as caught:
        async with EmulatedBot(replace(settings, procedure=path), procedure):
            pass
    message = str(caught.value)
    assert "voting.top_n changed from 3 to 4" in message
    assert "of field 'housing' was removed or renamed" in message

    # Through the command line: exit status 2 and the same lines.
    args = ["demo", "--procedure", str(path), "--database", str(settings.database)]
    code = await asyncio.to_thread(main, args)
    assert code == 2
    assert "voting.top_n changed from 3 to 4" in capsys.readouterr().err

    # Text changes (a typo fixed) are fine.
    fixed = text.replace("Sprache und Bildung", "Sprache & Bildung", 1)
    path.write_text(fixed, encoding="utf-8")
    async with EmulatedBot(replace(settings, procedure=path), load_procedure(path)) as again:
        assert await again.services.database.schema_version() >= 2


async def test_before_opening_the_resident_is_told_when_voting_opens(running):
    now = datetime.now(running.services.procedure.timezone)
    opens = (now + timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    from bot.voting.window import change_window

    await change_window(
        running.services.database, None, "t", opens=opens, closes=opens + timedelta(days=7)
    )
    running.fake.add_user(RESIDENT, language_code="de")
    await running.send(RESIDENT, "/start")
    await running.press(RESIDENT, Vote())
    text = last(running, RESIDENT).plain_text
    assert str(opens.year) in text and "09:00" in text
