"""Staff review proposals under /proposals through the real bot: approve with a cost (bad costs
refused), reject with a reason and a note, merge, set the cost (refused once chosen), add
translations; the proposer is told in their language; residents can neither use /proposals
nor press its buttons."""

import logging

from bot.emulated import EmulatedBot
from bot.i18n import Catalogs
from bot.measures.proposal_buttons import (
    MergeInto,
    RejectReason,
    Review,
    ReviewList,
    ReviewStep,
    TranslateInto,
)
from bot.measures.proposal_screens import measure_text
from bot.measures.review_decisions import parse_cost
from bot.resources import locales_dir
from storage import measures
from tests.conftest import RESIDENT, STAFF, alert, data, last, rows
from tests.measures.conftest import open_round
from tests.measures.proposing import propose

NEIGHBOUR = 4343


async def review(bot: EmulatedBot, number: int, approved: bool = False) -> None:
    """Staff open /proposals (and the approved measures) and the measure."""
    bot.fake.add_user(STAFF, language_code="en")
    await bot.send(STAFF, "/proposals")
    if approved:
        await bot.press(STAFF, ReviewList(True, 1))
    await bot.press(STAFF, Review(number))


async def get(bot: EmulatedBot, number: int) -> measures.Measure:
    found = await measures.get(bot.services.database, number)
    assert found is not None
    return found


def told(bot: EmulatedBot, user: int = RESIDENT) -> str:
    return last(bot, user).plain_text


async def test_staff_see_the_proposal_as_written_and_approve_it_with_a_cost(measures_bot):
    await open_round(measures_bot, "proposals")
    number = await propose(
        measures_bot, RESIDENT, title="Hausaufgaben <i>hilfe</i>", description="In der Bibliothek.",
        language="de",
    )  # fmt: skip
    await review(measures_bot, number)
    screen = last(measures_bot, STAFF)
    assert "Hausaufgaben <i>hilfe</i>" in screen.plain_text  # as written, escaped
    assert "Written in: Deutsch" in screen.plain_text
    assert "Action field: 1. Language and education" in screen.plain_text
    await measures_bot.press(STAFF, ReviewStep(number, "approve"))
    assert "at most €60,000" in told(measures_bot, STAFF)
    for bad, answer in (
        ("about 5000", "Please type the cost as a whole number"),
        ("0", "The cost must be more than 0"),
        ("60001", "A measure may cost at most €60,000"),
        ("1,5", "Please type the cost as a whole number"),
    ):
        await measures_bot.send(STAFF, bad)
        assert answer in told(measures_bot, STAFF), bad
        assert (await get(measures_bot, number)).state == measures.PENDING
    await measures_bot.send(STAFF, "25.000")
    assert "The proposer was told in their language." in told(measures_bot, STAFF)
    approved = await get(measures_bot, number)
    assert (approved.state, approved.cost) == (measures.APPROVED, 25000)
    message = told(measures_bot)
    assert "wurde angenommen" in message and "25.000\xa0€" in message
    t = measures_bot.services.catalogs.translator("de")
    assert t.gettext("Residents can choose it when choosing measures opens.") in message
    audit = rows(measures_bot.database_path, "SELECT actor_id, action, detail FROM audit_log")
    assert (STAFF, "measures.approve", f"#{number} cost=25000") in audit


async def test_a_proposal_approved_while_choosing_is_open_says_until_when(measures_bot):
    await open_round(measures_bot, "proposals")
    number = await propose(measures_bot, RESIDENT, title="Homework club", language="en")
    await open_round(measures_bot, "voting")
    await review(measures_bot, number)
    await measures_bot.press(STAFF, ReviewStep(number, "approve"))
    await measures_bot.send(STAFF, "5000")
    message = told(measures_bot)
    assert "was approved" in message
    assert "Choosing measures is open until" in message
    assert "when choosing measures opens" not in message


async def test_a_rejection_with_reason_and_note_reaches_the_proposer_in_their_language(
    measures_bot,
):
    await open_round(measures_bot, "proposals")
    number = await propose(measures_bot, RESIDENT, title="Free parking", language="en")
    await review(measures_bot, number)
    await measures_bot.press(STAFF, ReviewStep(number, "reject"))
    assert RejectReason(number, "not-city", False).pack() in data(last(measures_bot, STAFF))
    await measures_bot.press(STAFF, RejectReason(number, "not-city", False))
    await measures_bot.send(STAFF, "x" * 301)
    assert "at most 300 characters" in told(measures_bot, STAFF)
    assert (await get(measures_bot, number)).state == measures.PENDING
    await measures_bot.send(STAFF, "Parking is decided by the <county>.")
    rejected = await get(measures_bot, number)
    assert (rejected.state, rejected.reason) == (measures.REJECTED, "not-city")
    assert rejected.note == "Parking is decided by the <county>."
    message = told(measures_bot)
    assert "Your proposal “Free parking” was not accepted." in message
    assert "Reason: Not a task of the city" in message
    assert "Note from staff: Parking is decided by the <county>." in message
    await measures_bot.send(RESIDENT, "/start")
    from bot.measures.buttons import MeasuresHome, MyProposals

    await measures_bot.press(RESIDENT, MeasuresHome())
    await measures_bot.press(RESIDENT, MyProposals())
    assert "Not accepted: Not a task of the city" in told(measures_bot)


async def test_a_rejection_without_a_note_in_german(measures_bot):
    await open_round(measures_bot, "proposals")
    number = await propose(measures_bot, RESIDENT, title="Etwas anderes", language="de")
    await review(measures_bot, number)
    await measures_bot.press(STAFF, ReviewStep(number, "reject"))
    await measures_bot.press(STAFF, RejectReason(number, "off-topic", False))
    await measures_bot.press(STAFF, RejectReason(number, "off-topic", True))
    assert (await get(measures_bot, number)).state == measures.REJECTED
    message = told(measures_bot)
    assert "„Etwas anderes“ wurde nicht angenommen" in message
    assert "Anmerkung" not in message


async def test_a_duplicate_is_merged_into_an_approved_measure_of_its_field(measures_bot):
    await open_round(measures_bot, "proposals")
    number = await propose(measures_bot, RESIDENT, title="Courses in the evening")
    await review(measures_bot, number)
    await measures_bot.press(STAFF, ReviewStep(number, "merge"))
    targets = [d for d in data(last(measures_bot, STAFF)) if d.startswith("v1:mpmerge:")]
    file_measures = await measures.in_state(measures_bot.services.database, measures.APPROVED)
    same_field = [m.id for m in file_measures if m.field_id == "language"]
    assert targets == [MergeInto(number, m).pack() for m in same_field]  # not housing's
    await measures_bot.press(STAFF, MergeInto(number, same_field[0]))
    merged = await get(measures_bot, number)
    assert (merged.state, merged.merged_into) == (measures.MERGED, same_field[0])
    assert "“Evening courses with childcare”: the two were merged" in told(measures_bot)


async def test_setting_the_cost_is_refused_once_residents_chose_the_measure(measures_bot):
    db = measures_bot.services.database
    (first, *_) = await measures.in_state(db, measures.APPROVED)
    await review(measures_bot, first.id, approved=True)
    await measures_bot.press(STAFF, ReviewStep(first.id, "cost"))
    await measures_bot.send(STAFF, "45000")
    assert (await get(measures_bot, first.id)).cost == 45000
    outcome, _, _ = await measures.choose(db, "some-voter-key", first.id, True, 100000)
    assert outcome is measures.Chosen.CHANGED
    await measures_bot.press(STAFF, ReviewStep(first.id, "cost"))
    await measures_bot.send(STAFF, "30000")
    assert "Residents have already chosen this measure" in told(measures_bot, STAFF)
    assert (await get(measures_bot, first.id)).cost == 45000


async def test_translations_by_button_and_by_command(measures_bot):
    await open_round(measures_bot, "proposals")
    number = await propose(measures_bot, RESIDENT, title="Homework help", description="Twice.")
    catalogs = Catalogs.load(locales_dir(), ("de", "en"), measures_bot.services.procedure.timezone)
    german = catalogs.translator("de")
    before = "\n".join(measure_text(german, await get(measures_bot, number)))
    assert "Homework help" in before and "(Noch nicht in Ihrer Sprache verfügbar.)" in before
    await review(measures_bot, number)
    await measures_bot.press(STAFF, ReviewStep(number, "translate"))
    await measures_bot.press(STAFF, TranslateInto(number, "de"))
    await measures_bot.send(STAFF, "Hausaufgabenhilfe without a bar")
    assert "separated by |" in told(measures_bot, STAFF)
    await measures_bot.send(STAFF, "Hausaufgabenhilfe | Zweimal pro Woche.")
    assert "Translations: Deutsch" in told(measures_bot, STAFF)
    after = "\n".join(measure_text(german, await get(measures_bot, number)))
    assert "Hausaufgabenhilfe" in after and "Noch nicht" not in after
    await measures_bot.send(STAFF, f"/proposals translate {number} de Hilfe | Bei Hausaufgaben.")
    assert f"Measure #{number} now has its text in Deutsch." in told(measures_bot, STAFF)
    assert (await get(measures_bot, number)).texts["de"].title == "Hilfe"
    assert (await get(measures_bot, number)).texts["en"].title == "Homework help"  # kept
    await measures_bot.send(STAFF, f"/proposals translate {number} xx Hilfe | Text")
    assert "Unknown language xx" in told(measures_bot, STAFF)
    await measures_bot.send(STAFF, "/proposals translate 99999 de Hilfe | Text")
    assert "There is no such measure" in told(measures_bot, STAFF)


async def test_residents_cannot_review_and_forged_review_buttons_change_nothing(measures_bot):
    await open_round(measures_bot, "proposals")
    number = await propose(measures_bot, RESIDENT, title="My idea")
    measures_bot.fake.add_user(NEIGHBOUR, language_code="en")
    await measures_bot.send(NEIGHBOUR, "/proposals")
    assert "I do not know the command /proposals" in told(measures_bot, NEIGHBOUR)
    for forged in (
        ReviewList(False, 1),
        Review(number),
        ReviewStep(number, "approve"),
        RejectReason(number, "conduct", True),
        MergeInto(number, 1),
        TranslateInto(number, "de"),
    ):
        await measures_bot.press_forged(NEIGHBOUR, forged)
        assert "out of date" in alert(measures_bot).text
    await measures_bot.send(NEIGHBOUR, "5000")
    assert (await get(measures_bot, number)).state == measures.PENDING
    assert all("My idea" not in m.plain_text for m in measures_bot.fake.bot_messages(NEIGHBOUR))


async def test_a_proposer_who_blocked_the_bot_does_not_stop_the_review(measures_bot, caplog):
    await open_round(measures_bot, "proposals")
    number = await propose(measures_bot, RESIDENT, title="Blocked later")
    await measures_bot.handled(measures_bot.fake.user_blocks(RESIDENT))
    await review(measures_bot, number)
    await measures_bot.press(STAFF, ReviewStep(number, "approve"))
    with caplog.at_level(logging.WARNING, logger="bot.measures.notify"):
        await measures_bot.send(STAFF, "12000")
    assert (await get(measures_bot, number)).state == measures.APPROVED
    assert told(measures_bot, STAFF).endswith("Saved.")
    assert "Blocked later" not in caplog.text and str(RESIDENT) not in caplog.text


async def test_the_list_is_paged(measures_bot):
    db = measures_bot.services.database
    for n in range(10):
        await measures.propose(
            db, 7000 + n, field_id="housing", goal_id="fair", language="en",
            text=measures.MeasureText(f"Idea {n}", "Text"), limit=3,
        )  # fmt: skip
    measures_bot.fake.add_user(STAFF, language_code="en")
    await measures_bot.send(STAFF, "/proposals")
    assert "Proposals waiting for review: 10" in told(measures_bot, STAFF)
    assert ReviewList(False, 2).pack() in data(last(measures_bot, STAFF))
    await measures_bot.press(STAFF, ReviewList(False, 2))
    assert "Page 2 of 2" in told(measures_bot, STAFF)
    labels = [d for d in data(last(measures_bot, STAFF)) if d.startswith("v1:mpreview:")]
    assert len(labels) == 2


def test_a_cost_may_not_exceed_the_budget_without_a_ceiling(measures_procedure):
    from dataclasses import replace

    catalogs = Catalogs.load(locales_dir(), ("en",), measures_procedure.timezone)
    t = catalogs.translator("en")
    assert measures_procedure.measures is not None
    without_ceiling = replace(measures_procedure.measures, max_cost=None)
    assert parse_cost(t, "100 000", without_ceiling) == 100000
    assert "more than the whole budget of €100,000" in str(parse_cost(t, "100001", without_ceiling))
    assert parse_cost(t, "40’000", without_ceiling) == 40000
    assert isinstance(parse_cost(t, "40.00", without_ceiling), str)
    assert isinstance(parse_cost(t, "-5", without_ceiling), str)
