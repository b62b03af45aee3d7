"""Staff open, close and extend the two windows of the measures round with /measures; every
change is audited and survives a restart; residents who try it get the unknown-command answer
(audited); the command is in staff's command list and /help only with a measures round."""

from dataclasses import replace

import pytest

from bot.chat.commands import staff_command_list
from bot.emulated import EmulatedBot
from bot.measures.windows import Round, measures_window
from bot.procedure import load_procedure
from bot.voting.window import WindowState
from tests.conftest import RESIDENT, STAFF, last, rows, staff_sends
from tests.measures.conftest import MEASURES_FILE


async def state(bot: EmulatedBot, which: Round) -> WindowState:
    current = await measures_window(bot.services.database, bot.services.procedure, which)
    assert current is not None
    return current.state()


async def test_measures_shows_both_windows_with_their_times_and_commands(measures_bot):
    answer = await staff_sends(measures_bot, "/measures")
    assert "Window for proposals\nProposals have not opened yet.\nOpens: 1 April 2027, 00:00" in (
        answer
    )
    assert "Closes: 30 April 2027, 23:59" in answer
    assert "Window for choosing measures\nChoosing measures has not opened yet." in answer
    assert "Opens: 1 May 2027, 00:00\nCloses: 31 May 2027, 23:59" in answer
    assert "/measures voting close – close now" in answer


@pytest.mark.parametrize("which", ["proposals", "voting"])
async def test_staff_open_close_and_extend_a_window_audited(measures_bot, which):
    measures_bot.fake.add_user(STAFF, language_code="en")
    await measures_bot.send(STAFF, f"/measures {which} open")
    assert await state(measures_bot, which) is WindowState.OPEN
    await measures_bot.send(STAFF, f"/measures {which} close")
    assert await state(measures_bot, which) is WindowState.CLOSED
    await measures_bot.send(STAFF, f"/measures {which} extend 2099-12-31 23:59")
    assert await state(measures_bot, which) is WindowState.OPEN
    again = "Proposals are" if which == "proposals" else "Choosing measures is"
    assert (
        f"{again} open again until 31 December 2099, 23:59." in last(measures_bot, STAFF).plain_text
    )
    other = "voting" if which == "proposals" else "proposals"
    assert await state(measures_bot, other) is WindowState.BEFORE  # the other one untouched
    audited = rows(measures_bot.database_path, "SELECT actor_id, action FROM audit_log")
    assert audited == [
        (STAFF, f"measures.{which}.open"),
        (STAFF, f"measures.{which}.close"),
        (STAFF, f"measures.{which}.extend"),
    ]


async def test_a_change_survives_a_restart(measures_bot, settings):
    await staff_sends(measures_bot, "/measures voting extend 2099-12-31 23:59")
    await staff_sends(measures_bot, "/measures voting open")
    await measures_bot.stop()
    settings = replace(settings, procedure=MEASURES_FILE)
    async with EmulatedBot(settings, load_procedure(MEASURES_FILE)) as again:
        assert await state(again, "voting") is WindowState.OPEN
        assert "Closes: 31 December 2099, 23:59" in await staff_sends(again, "/measures")


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/measures voting extend 31.12.2099", "Please write the date like this: /measures voting"),
        ("/measures proposals extend 2001-01-01", "must be in the future"),
        ("/measures voting reopen", "Unknown choice. Use /measures proposals"),
        ("/measures budget open", "Unknown choice"),
        ("/measures voting", "Unknown choice"),
    ],
)
async def test_wrong_staff_input_gets_a_clear_answer_and_changes_nothing(
    measures_bot, command, answer
):
    assert answer in await staff_sends(measures_bot, command)
    assert rows(measures_bot.database_path, "SELECT * FROM runtime_settings") == []
    assert rows(measures_bot.database_path, "SELECT * FROM audit_log") == []


async def test_opening_after_the_closing_time_asks_for_a_new_one_first(measures_bot):
    await staff_sends(measures_bot, "/measures proposals close")
    answer = await staff_sends(measures_bot, "/measures proposals open")
    assert "The closing time has passed. Set a new one first: /measures proposals extend" in (
        answer
    )
    assert await state(measures_bot, "proposals") is WindowState.CLOSED


async def test_a_resident_sending_measures_gets_unknown_command_and_is_audited(measures_bot):
    measures_bot.fake.add_user(RESIDENT, language_code="en")
    await measures_bot.send(RESIDENT, "/measures voting open")
    assert "Sorry, I do not know the command /measures." in last(measures_bot).plain_text
    assert "Window for" not in last(measures_bot).plain_text
    assert await state(measures_bot, "voting") is WindowState.BEFORE
    assert rows(measures_bot.database_path, "SELECT actor_id, action, detail FROM audit_log") == [
        (RESIDENT, "staff.refused", "/measures")
    ]


async def test_staff_see_the_command_in_their_list_and_help_residents_do_not(measures_bot):
    listed = {}
    for call in measures_bot.fake.calls("setMyCommands"):
        scope = call.params["scope"]
        names = [c["command"] for c in call.params["commands"]]
        listed[(scope.get("chat_id"), call.params.get("language_code"))] = names
    assert "measures" in listed[(STAFF, None)]
    residents = [names for (chat, _), names in listed.items() if chat is None]
    assert len(residents) == 3 and all("measures" not in names for names in residents)
    assert "/measures – open, close or extend proposals and choosing" in await staff_sends(
        measures_bot, "/help"
    )
    measures_bot.fake.add_user(RESIDENT, language_code="en")
    await measures_bot.send(RESIDENT, "/help")
    assert "/measures" not in last(measures_bot).plain_text


def test_without_a_measures_round_the_staff_list_has_no_measures_command(example):
    from bot.i18n import Catalogs
    from bot.resources import locales_dir

    t = Catalogs.load(locales_dir(), timezone=example.timezone).translator("en")
    assert "measures" not in [c.command for c in staff_command_list(t)]
    assert "measures" in [c.command for c in staff_command_list(t, measures=True)]
