"""Residents propose measures through the real bot: the window, the consent, the limits said up
front, too long or empty texts, the limits per resident, the confirmation, "My proposals" with
change and withdraw, typed numbers of a field screen unharmed, right-to-left languages, and
that nobody sees or touches another resident's proposal."""

import unicodedata
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.emulated import EmulatedBot
from bot.i18n import RLM
from bot.measures.buttons import MeasuresHome, MyProposals, ProposeStart
from bot.measures.proposal_buttons import (
    ChangeProposal,
    DraftStep,
    MyProposal,
    ProposeConsent,
    ProposeField,
    ProposeGoal,
    WithdrawProposal,
)
from bot.measures.windows import change_measures_window
from bot.procedure import load_procedure
from bot.resources import example_procedure
from bot.voting.buttons import FieldBallot, Vote
from storage import measures, participants
from tests.conftest import RESIDENT, alert, buttons, data, last, open_window, rows
from tests.measures.conftest import open_round
from tests.measures.proposing import begin, propose, write

NEIGHBOUR = 4343


async def stored(bot: EmulatedBot, user: int = RESIDENT) -> list[measures.Measure]:
    return await measures.of_proposer(bot.services.database, user)


async def withdraw(bot: EmulatedBot, number: int) -> None:
    """From anywhere: My proposals, the proposal, Withdraw, Yes."""
    await bot.send(RESIDENT, "/start")
    await bot.press(RESIDENT, MeasuresHome())
    await bot.press(RESIDENT, MyProposals())
    await bot.press(RESIDENT, MyProposal(number))
    await bot.press(RESIDENT, WithdrawProposal(number, sure=False))
    await bot.press(RESIDENT, WithdrawProposal(number, sure=True))


async def test_a_resident_proposes_in_german_and_sees_it_waiting(measures_bot):
    await open_round(measures_bot, "proposals")
    measures_bot.fake.add_user(RESIDENT, language_code="de")
    await measures_bot.send(RESIDENT, "/start")
    await measures_bot.press(RESIDENT, MeasuresHome())
    await measures_bot.press(RESIDENT, ProposeStart())
    assert "Bevor Sie vorschlagen" in last(measures_bot).plain_text
    await measures_bot.press(RESIDENT, ProposeConsent(True))
    fields = last(measures_bot).plain_text
    assert "höchstens 80 Zeichen" in fields and "höchstens 400 Zeichen" in fields  # up front
    await write(measures_bot, RESIDENT, "Hausaufgaben <b>hilfe</b>", "Zweimal pro Woche & mehr")
    confirm = last(measures_bot)
    assert "So sehen die Mitarbeitenden Ihren Vorschlag:" in confirm.plain_text
    assert "Hausaufgaben <b>hilfe</b>" in confirm.plain_text  # shown as typed, escaped
    assert "Hausaufgaben &lt;b&gt;hilfe&lt;/b&gt;" in confirm.text  # the markup as sent
    assert await stored(measures_bot) == []  # nothing stored before "Send"
    await measures_bot.press(RESIDENT, DraftStep("send"))
    assert "Danke" in last(measures_bot).plain_text
    (proposal,) = await stored(measures_bot)
    assert proposal.state == measures.PENDING and proposal.language == "de"
    assert proposal.texts["de"] == measures.MeasureText(
        "Hausaufgaben <b>hilfe</b>", "Zweimal pro Woche & mehr"
    )
    await measures_bot.press(RESIDENT, MyProposals())
    mine = last(measures_bot).plain_text
    assert "Hausaufgaben <b>hilfe</b>" in mine and "Wartet auf Prüfung" in mine


async def test_a_resident_proposes_in_english_and_a_second_send_stores_nothing_more(measures_bot):
    await open_round(measures_bot, "proposals")
    await begin(measures_bot, RESIDENT, "en")
    await write(
        measures_bot, RESIDENT, "Homework help", "Twice a week in the library.", "housing", "advice"
    )
    sent = await measures_bot.press(RESIDENT, DraftStep("send"))
    await measures_bot.redeliver(sent)  # Telegram delivers the press once more
    (proposal,) = await stored(measures_bot)
    assert (proposal.field_id, proposal.goal_id) == ("housing", "advice")
    await measures_bot.press(RESIDENT, MyProposals())
    assert "Waiting for review" in last(measures_bot).plain_text


async def test_a_too_long_or_empty_text_is_answered_and_asked_again(measures_bot):
    await open_round(measures_bot, "proposals")
    await begin(measures_bot, RESIDENT, "en")
    procedure = measures_bot.services.procedure
    field = procedure.field("language")
    assert field is not None
    await measures_bot.press(RESIDENT, ProposeField(field))
    await measures_bot.press(RESIDENT, ProposeGoal(field, field.goals[0]))
    await measures_bot.send(RESIDENT, "x" * 81)
    answer = last(measures_bot).plain_text
    assert "Your title has 81 characters; at most 80 are allowed" in answer
    assert "Nothing was stored." in answer
    update = measures_bot.fake.user_sends_poll(
        RESIDENT, "A poll?", ["yes", "no"], older_server=False
    )
    await measures_bot.handled(update)
    assert "Please send your text as a message" in last(measures_bot).plain_text
    await measures_bot.send(RESIDENT, "Short title")
    await measures_bot.send(RESIDENT, "y" * 401)
    answer = last(measures_bot).plain_text
    assert "Your description has 401 characters; at most 400 are allowed" in answer
    await measures_bot.send(RESIDENT, "A good description.")
    assert "Short title" in last(measures_bot).plain_text
    assert await stored(measures_bot) == []
    await measures_bot.press(RESIDENT, DraftStep("send"))
    (proposal,) = await stored(measures_bot)
    assert proposal.texts["en"].title == "Short title"


async def test_the_limit_of_open_proposals_and_the_daily_limit(measures_bot):
    await open_round(measures_bot, "proposals")
    for n in range(3):
        await propose(measures_bot, RESIDENT, title=f"Idea {n}")
    await measures_bot.press(RESIDENT, MeasuresHome())
    await measures_bot.press(RESIDENT, ProposeStart())
    assert "You already have 3 proposals waiting for review or approved" in (
        last(measures_bot).plain_text
    )
    first, second, _ = await stored(measures_bot)
    for measure in (first, second):
        await withdraw(measures_bot, measure.id)
    for n in range(2):
        await propose(measures_bot, RESIDENT, title=f"Another idea {n}")
    await withdraw(measures_bot, (await stored(measures_bot))[-1].id)
    await measures_bot.press(RESIDENT, MeasuresHome())
    await measures_bot.press_forged(RESIDENT, ProposeStart())  # the hub offers it: say why not
    assert "You have sent 5 proposals in the last 24 hours" in last(measures_bot).plain_text
    assert len(await stored(measures_bot)) == 5


async def test_outside_the_window_the_answer_gives_the_dates(measures_bot):
    measures_bot.fake.add_user(RESIDENT, language_code="en")
    await measures_bot.send(RESIDENT, "/start")
    await measures_bot.press(RESIDENT, MeasuresHome())
    await measures_bot.press_forged(RESIDENT, ProposeStart())  # an older hub's button
    assert "Proposals open on 1 April 2027" in last(measures_bot).plain_text
    await open_round(measures_bot, "proposals")
    await begin(measures_bot, RESIDENT, "en")
    await write(measures_bot, RESIDENT, "Late idea", "Written while it was open.")
    past = datetime.now(UTC) - timedelta(minutes=1)
    await change_measures_window(
        measures_bot.services.database, None, "proposals", "test.close", closes=past
    )
    await measures_bot.press(RESIDENT, DraftStep("send"))
    assert "Proposals closed on" in last(measures_bot).plain_text
    assert "Nothing was stored." in last(measures_bot).plain_text
    assert await stored(measures_bot) == []


async def test_without_consent_nothing_is_stored_and_agreeing_leads_on(measures_bot):
    await open_round(measures_bot, "proposals")
    measures_bot.fake.add_user(RESIDENT, language_code="en")
    await measures_bot.send(RESIDENT, "/start")
    await measures_bot.press(RESIDENT, MeasuresHome())
    await measures_bot.press(RESIDENT, ProposeStart())
    assert ProposeConsent(True).pack() in data(last(measures_bot))
    await measures_bot.press(RESIDENT, ProposeConsent(False))
    assert "nothing was stored" in last(measures_bot).plain_text
    found = await participants.get(measures_bot.services.database, RESIDENT)
    assert found is None or found.consent_at is None
    field = measures_bot.services.procedure.fields[0]
    await measures_bot.press_forged(RESIDENT, ProposeField(field))  # around the consent
    assert ProposeConsent(True).pack() in data(last(measures_bot))
    await measures_bot.press(RESIDENT, ProposeConsent(True))
    assert "Which action field is your measure for?" in last(measures_bot).plain_text
    found = await participants.get(measures_bot.services.database, RESIDENT)
    assert found is not None and found.consent_at is not None


async def test_typed_numbers_in_a_field_screen_still_choose_and_a_title_may_be_a_number(
    measures_bot,
):
    await open_round(measures_bot, "proposals")
    await open_window(measures_bot)  # the prioritisation too
    await begin(measures_bot, RESIDENT, "en")
    field = measures_bot.services.procedure.fields[0]
    await measures_bot.press(RESIDENT, ProposeField(field))
    await measures_bot.press(RESIDENT, ProposeGoal(field, field.goals[0]))
    await measures_bot.send(RESIDENT, "1.2")  # the prompt asked for the title: it is one
    assert "<b>1.2</b>" in last(measures_bot).text  # the title; the description is asked
    await measures_bot.send(RESIDENT, "/start")  # elsewhere: the prompt is over
    await measures_bot.press(RESIDENT, Vote())
    await measures_bot.press(RESIDENT, FieldBallot(field))
    await measures_bot.send(RESIDENT, "2")
    assert "Chosen: 1 of 2." in last(measures_bot).plain_text
    await measures_bot.send(RESIDENT, "/start")
    await measures_bot.send(RESIDENT, "hello")
    assert "I can only understand the buttons" in last(measures_bot).plain_text
    assert await stored(measures_bot) == []


async def test_change_and_withdraw_a_pending_proposal(measures_bot):
    await open_round(measures_bot, "proposals")
    number = await propose(measures_bot, RESIDENT, title="First title", description="First text")
    await measures_bot.press(RESIDENT, MyProposals())
    await measures_bot.press(RESIDENT, MyProposal(number))
    assert ChangeProposal(number).pack() in data(last(measures_bot))
    await measures_bot.press(RESIDENT, ChangeProposal(number))
    assert "So far: First title" in last(measures_bot).plain_text
    await measures_bot.send(RESIDENT, "Better title")
    await measures_bot.send(RESIDENT, "Better text")
    await measures_bot.press(RESIDENT, DraftStep("send"))
    assert "Your proposal was changed." in last(measures_bot).plain_text
    (proposal,) = await stored(measures_bot)
    assert proposal.texts["en"] == measures.MeasureText("Better title", "Better text")
    await measures_bot.press(RESIDENT, MyProposals())
    await measures_bot.press(RESIDENT, MyProposal(number))
    await measures_bot.press(RESIDENT, WithdrawProposal(number, sure=False))
    assert "Withdraw your proposal “Better title”?" in last(measures_bot).plain_text
    assert (await stored(measures_bot))[0].state == measures.PENDING  # asked, not done
    await measures_bot.press(RESIDENT, WithdrawProposal(number, sure=True))
    assert "Withdrawn" in last(measures_bot).plain_text
    assert (await stored(measures_bot))[0].state == measures.WITHDRAWN
    await measures_bot.press_forged(RESIDENT, ChangeProposal(number))
    assert "already decided" in alert(measures_bot).text


async def test_nobody_sees_or_touches_another_residents_proposal(measures_bot):
    await open_round(measures_bot, "proposals")
    number = await propose(measures_bot, RESIDENT, title="My secret idea")
    measures_bot.fake.add_user(NEIGHBOUR, language_code="en")
    await measures_bot.send(NEIGHBOUR, "/start")
    await measures_bot.press(NEIGHBOUR, MeasuresHome())
    assert MyProposals().pack() not in data(last(measures_bot, NEIGHBOUR))
    for forged in (
        MyProposal(number),
        ChangeProposal(number),
        WithdrawProposal(number, sure=False),
        WithdrawProposal(number, sure=True),
    ):
        await measures_bot.press_forged(NEIGHBOUR, forged)
        assert "out of date" in alert(measures_bot).text
    assert all("My secret idea" not in text for text in _seen(measures_bot, NEIGHBOUR))
    (proposal,) = await stored(measures_bot)
    assert proposal.state == measures.PENDING
    assert proposal.texts["en"].title == "My secret idea"
    await measures_bot.press_forged(NEIGHBOUR, MyProposals())
    assert "My secret idea" not in last(measures_bot, NEIGHBOUR).plain_text


def _seen(bot: EmulatedBot, user: int) -> list[str]:
    return [m.plain_text or "" for m in bot.fake.bot_messages(user)]


# --- right to left --------------------------------------------------------------------------

MEASURES_SECTION = """
[measures]
budget = 100000
currency = "EUR"
proposals_open = 2030-04-01T00:00:00
proposals_close = 2030-04-30T23:59:00
voting_opens = 2030-05-01T00:00:00
voting_closes = 2030-05-31T23:59:00
"""


@pytest.fixture
async def eight_languages(settings: Settings, tmp_path: Path) -> AsyncIterator[EmulatedBot]:
    """The shipped example (eight languages) with a measures round (added in a copy when it has
    none)."""
    copy = tmp_path / "example-with-measures.toml"
    text = example_procedure().read_text(encoding="utf-8")
    if "\n[measures]\n" not in text:  # the shipped example may have its own round
        text += MEASURES_SECTION
    copy.write_text(text, "utf-8")
    bot = EmulatedBot(replace(settings, procedure=copy), load_procedure(copy))
    async with bot:
        yield bot


def _right_to_left(line: str) -> bool:
    return not line or line.startswith(RLM) or unicodedata.bidirectional(line[0]) in ("R", "AL")


@pytest.mark.parametrize("language", ["ar", "fa"])
async def test_a_proposal_in_a_right_to_left_language_reads_right_to_left(
    eight_languages, language
):
    bot = eight_languages
    await open_round(bot, "proposals")
    field = bot.services.procedure.fields[0]
    await propose(
        bot, RESIDENT, title="دروس مسائية 2", description="مرتين في الأسبوع.",
        language=language, field_id=field.id, goal_id=field.goals[0].id,
    )  # fmt: skip
    (proposal,) = await stored(bot)
    assert proposal.language == language
    await bot.press(RESIDENT, MyProposals())
    await bot.press(RESIDENT, MyProposal(proposal.id))
    screen = last(bot)
    waiting = {"ar": "⏳ بانتظار المراجعة", "fa": "⏳ در انتظار بررسی"}[language]
    assert RLM + waiting in screen.plain_text.split("\n")  # the state, marked right to left
    assert all(_right_to_left(line) for line in screen.plain_text.split("\n")), screen.plain_text
    assert all(_right_to_left(label) for label, _ in buttons(screen))
    assert rows(bot.database_path, "SELECT language FROM measures WHERE origin = 'resident'") == [
        (language,)
    ]
