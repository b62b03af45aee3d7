"""The privacy rules of the measures round, through the real bot and the real database file:
/mydata shows the resident's proposals and budget ballot (and the JSON file holds them);
/delete removes them as the notice says (proposals others may have chosen stay, nobody's);
withdrawing consent takes the budget ballot; the purge unlinks everything; the notice and the
/delete question mention proposals and the budget ballot only when there is a round."""

import json
from dataclasses import replace
from pathlib import Path

from bot.config import Settings
from bot.emulated import EmulatedBot
from bot.measures.budget_buttons import BudgetPick
from bot.privacy.buttons import AskDelete, AskWithdraw, Delete, MyDataFile, PrivacyDetails, Withdraw
from bot.procedure import load_procedure
from bot.voting.voter import voter_key
from storage import measures, privacy
from storage.measures import MeasureText
from tests.conftest import RESIDENT, TEST_SECRET, data, last, rows
from tests.measures.budget_story import choose_measures, file_measure
from tests.measures.conftest import MEASURES_FILE, open_round

NEIGHBOUR = RESIDENT + 1  # another resident, whose data must stay
KEY, NEIGHBOUR_KEY = voter_key(TEST_SECRET, RESIDENT), voter_key(TEST_SECRET, NEIGHBOUR)


async def propose(bot: EmulatedBot, title: str, user: int = RESIDENT) -> int:
    _, measure_id = await measures.propose(
        bot.services.database, user, field_id="language", goal_id="schools", language="de",
        text=MeasureText(title, f"Beschreibung von {title}"), limit=10,
    )  # fmt: skip
    assert measure_id
    return measure_id


async def a_resident_with_proposals_and_a_budget_ballot(bot: EmulatedBot) -> dict[str, int]:
    """The resident proposed five measures (one still pending, one approved, one rejected,
    one withdrawn, one merged) and chose two; the neighbour chose the approved proposal."""
    db = bot.services.database
    await open_round(bot, "voting")
    ids = {name: await propose(bot, name) for name in
           ("Offen", "Angenommen", "Abgelehnt", "Zurückgezogen", "Doppelt")}  # fmt: skip
    courses = await file_measure(bot, "evening-courses")
    await measures.approve(db, 999, ids["Angenommen"], 20_000)
    await measures.reject(db, 999, ids["Abgelehnt"], "off-topic", "Passt nicht")
    await measures.withdraw_proposal(db, RESIDENT, ids["Zurückgezogen"])
    await measures.merge(db, 999, ids["Doppelt"], courses.id)
    ids["courses"] = courses.id
    await choose_measures(bot, RESIDENT, "de")
    await bot.press_forged(RESIDENT, BudgetPick(courses.id, True))
    await bot.press_forged(RESIDENT, BudgetPick(ids["Angenommen"], True))
    await choose_measures(bot, NEIGHBOUR, "de")
    await bot.press_forged(NEIGHBOUR, BudgetPick(ids["Angenommen"], True))
    return ids


async def test_mydata_shows_the_proposals_and_the_budget_ballot(measures_bot):
    ids = await a_resident_with_proposals_and_a_budget_ballot(measures_bot)
    await measures_bot.send(RESIDENT, "/mydata")
    text = last(measures_bot).plain_text
    section = text[text.index("Ihre Vorschläge") :]
    assert f"#{ids['Offen']} Offen (wartet auf eine Entscheidung)" in section
    assert f"#{ids['Angenommen']} Angenommen (angenommen)" in section
    assert f"#{ids['Abgelehnt']} Abgelehnt (nicht angenommen)" in section
    assert f"#{ids['Zurückgezogen']} Zurückgezogen (zurückgezogen)" in section
    assert f"(zusammengeführt mit Maßnahme #{ids['courses']})" in section
    assert "Beschreibung von Offen" in section
    chosen = text[text.index("Ihre gewählten Maßnahmen") :]
    assert "60.000\xa0€ von 100.000\xa0€ verplant" in chosen
    assert "✅ #1 Abendkurse mit Kinderbetreuung – 40.000\xa0€" in chosen
    assert f"✅ #{ids['Angenommen']} Angenommen – 20.000\xa0€" in chosen


async def test_the_json_file_holds_the_proposals_and_the_budget_ballot(measures_bot):
    ids = await a_resident_with_proposals_and_a_budget_ballot(measures_bot)
    await measures_bot.send(RESIDENT, "/mydata")
    await measures_bot.press(RESIDENT, MyDataFile())
    document = json.loads(last(measures_bot).document.data)
    states = {p["id"]: p["state"] for p in document["proposals"]}
    assert states == {
        ids["Offen"]: "pending",
        ids["Angenommen"]: "approved",
        ids["Abgelehnt"]: "rejected",
        ids["Zurückgezogen"]: "withdrawn",
        ids["Doppelt"]: "merged",
    }
    rejected = next(p for p in document["proposals"] if p["id"] == ids["Abgelehnt"])
    assert rejected["reason"] == "off-topic" and rejected["note"] == "Passt nicht"
    assert rejected["texts"]["de"]["title"] == "Abgelehnt"
    assert document["budget_ballot"] == {
        "measures": sorted([ids["courses"], ids["Angenommen"]]),
        "total_cost": 60_000,
    }


async def test_delete_removes_the_budget_ballot_and_proposals_and_unlinks_the_chosen_ones(
    measures_bot,
):
    ids = await a_resident_with_proposals_and_a_budget_ballot(measures_bot)
    path = measures_bot.database_path
    assert rows(
        path, "SELECT votes FROM measure_tally WHERE measure_id = ?", (ids["Angenommen"],)
    ) == [(2,)]
    await measures_bot.send(RESIDENT, "/delete")
    question = last(measures_bot).plain_text
    assert "Ihre Vorschläge für Maßnahmen. Angenommene Vorschläge bleiben" in question
    await measures_bot.press(RESIDENT, Delete(True))

    assert rows(path, "SELECT voter_key FROM budget_ballots") == [(NEIGHBOUR_KEY,)]
    assert rows(
        path, "SELECT votes FROM measure_tally WHERE measure_id = ?", (ids["Angenommen"],)
    ) == [(1,)]
    assert rows(path, "SELECT voters FROM budget_voter_tally") == [(1,)]
    left = dict(rows(path, "SELECT id, proposer_id FROM measures WHERE origin = 'resident'"))
    # Pending, rejected and withdrawn: gone with their texts. Approved (the neighbour chose
    # it) and merged (part of another measure): they stay, nobody's.
    assert left == {ids["Angenommen"]: None, ids["Doppelt"]: None}
    gone = (ids["Offen"], ids["Abgelehnt"], ids["Zurückgezogen"])
    assert rows(path, "SELECT * FROM measure_texts WHERE measure_id IN (?, ?, ?)", gone) == []
    assert rows(path, "SELECT title FROM measure_texts WHERE measure_id = ?",
                (ids["Angenommen"],)) == [("Angenommen",)]  # fmt: skip
    for table in ("measures", "budget_ballots", "participants", "audit_log"):
        for row in rows(path, f"SELECT * FROM {table}"):
            assert RESIDENT not in row and KEY not in row, (table, row)


async def test_withdrawing_consent_takes_the_budget_ballot_and_keeps_the_proposals(measures_bot):
    ids = await a_resident_with_proposals_and_a_budget_ballot(measures_bot)
    path = measures_bot.database_path
    await measures_bot.send(RESIDENT, "/privacy")
    await measures_bot.press(RESIDENT, AskWithdraw())
    await measures_bot.press(RESIDENT, Withdraw(True))
    assert rows(path, "SELECT voter_key FROM budget_ballots") == [(NEIGHBOUR_KEY,)]
    proposals = rows(path, "SELECT COUNT(*) FROM measures WHERE proposer_id = ?", (RESIDENT,))
    assert proposals == [(len(ids) - 1,)]


async def test_the_purge_unlinks_proposals_and_budget_ballots_and_keeps_the_tallies(
    measures_bot,
):
    ids = await a_resident_with_proposals_and_a_budget_ballot(measures_bot)
    path = measures_bot.database_path
    tally = rows(path, "SELECT measure_id, votes FROM measure_tally ORDER BY 1")
    db = measures_bot.services.database
    purged = await privacy.purge(db, lambda user: voter_key(TEST_SECRET, user))
    assert purged.participants == 2 and purged.ballots_unlinked == 2
    assert rows(path, "SELECT COUNT(*) FROM measures WHERE proposer_id IS NOT NULL") == [(0,)]
    keys = [r[0] for r in rows(path, "SELECT DISTINCT voter_key FROM budget_ballots")]
    assert len(keys) == 2 and all(k.startswith("purged-") for k in keys)
    assert rows(path, "SELECT measure_id, votes FROM measure_tally ORDER BY 1") == tally
    assert rows(path, "SELECT voters FROM budget_voter_tally") == [(2,)]
    assert len(rows(path, "SELECT id FROM measures WHERE origin = 'resident'")) == len(ids) - 1


async def test_a_purge_of_residents_last_seen_long_ago_leaves_the_others(measures_bot):
    await a_resident_with_proposals_and_a_budget_ballot(measures_bot)
    await propose(measures_bot, "Vom Nachbarn", NEIGHBOUR)
    db = measures_bot.services.database
    await db.write("UPDATE participants SET updated_at = '2000-01-01' WHERE user_id = ?",
                   (RESIDENT,))  # fmt: skip
    await privacy.purge(db, lambda user: voter_key(TEST_SECRET, user), before="2001-01-01")
    path = measures_bot.database_path
    assert rows(
        path, "SELECT DISTINCT proposer_id FROM measures WHERE proposer_id IS NOT NULL"
    ) == [(NEIGHBOUR,)]
    keys = {r[0] for r in rows(path, "SELECT voter_key FROM budget_ballots")}
    assert NEIGHBOUR_KEY in keys and KEY not in keys


async def test_the_privacy_notice_mentions_proposals_and_the_budget_ballot(measures_bot):
    measures_bot.fake.add_user(RESIDENT, language_code="de")
    await measures_bot.send(RESIDENT, "/privacy")
    short = last(measures_bot).plain_text
    assert "Wenn Sie eine Maßnahme vorschlagen: was Sie geschrieben haben" in short
    await measures_bot.press(RESIDENT, PrivacyDetails())
    details = last(measures_bot).plain_text
    assert "wenn Sie Maßnahmen im Rahmen des Budgets wählen" in details
    assert "/delete löscht Ihre Vorschläge" in details
    assert AskDelete().pack() in data(last(measures_bot))


async def test_without_a_round_the_notice_and_the_delete_question_say_nothing_of_measures(
    settings: Settings, tmp_path: Path
):
    text = MEASURES_FILE.read_text(encoding="utf-8")
    source = tmp_path / "no-round.toml"
    source.write_text(text[: text.index("[measures]")], encoding="utf-8")
    settings = replace(settings, procedure=source)
    async with EmulatedBot(settings, load_procedure(source)) as bot:
        bot.fake.add_user(RESIDENT, language_code="de")
        await bot.send(RESIDENT, "/privacy")
        assert "Maßnahme" not in last(bot).plain_text
        await bot.press(RESIDENT, PrivacyDetails())
        assert "Maßnahme" not in last(bot).plain_text
        await bot.send(RESIDENT, "/delete")
        assert "Maßnahme" not in last(bot).plain_text
        await bot.send(RESIDENT, "/mydata")
        assert "Vorschläge" not in last(bot).plain_text
