"""Results in the chat, through the real bot: staff's figures, pages, charts and files;
residents' public ranking and, before it is public, when it will be."""

import csv
import io
import json
import re
import zlib
from datetime import UTC, datetime, timedelta

from PIL import Image

from bot.chat.menu import ToMenu
from bot.emulated import EmulatedBot
from bot.results.buttons import Export, FieldChart, OverviewChart, Results, ResultsPage
from bot.voting.window import change_window, window
from storage import ballots, participants, workshops
from tests.conftest import (
    RESIDENT,
    STAFF,
    add_subscribers,
    alerts,
    data,
    finished,
    last,
    raw,
    received,
    rows,
    staff_sends,
)


async def cast(bot: EmulatedBot, key: str, language: str, picks: dict[str, list[str]]) -> None:
    """One resident's ballot, written as the bot writes it, and the resident marked as one
    who voted in that language (as the bot does with the first vote)."""
    db, rules = bot.services.database, bot.services.procedure.voter_rules_json
    for field_id, goals in picks.items():
        for goal_id in goals:
            await ballots.set_weight(db, key, rules, field_id, goal_id, 1, max_goals=3)
    user_id = 80_000 + zlib.crc32(key.encode()) % 1_000_000
    await participants.set_language(db, user_id, user_id, language)
    await participants.mark_voted(db, user_id)


async def many_votes(bot: EmulatedBot) -> None:
    """Twelve German and six Arabic voters choose 1 and 2 in language-education; three
    Ukrainian voters (a small group) choose 3; two choose 6 (a small figure)."""
    for n in range(12):
        await cast(bot, f"de{n}", "de", {"language-education": ["1", "2"]})
    for n in range(6):
        await cast(bot, f"ar{n}", "ar", {"language-education": ["1", "5"]})
    for n in range(3):
        await cast(bot, f"uk{n}", "uk", {"language-education": ["3"], "housing": ["1"]})
    for n in range(2):
        await cast(bot, f"de{n}", "de", {"language-education": ["6"]})


async def staff_opens_results(bot: EmulatedBot) -> str:
    bot.fake.add_user(STAFF, language_code="en")
    await bot.send(STAFF, "/results")
    return str(last(bot, STAFF).plain_text)


async def test_staff_see_participants_languages_and_fields_with_small_groups_hidden(voting):
    await many_votes(voting)
    text = await staff_opens_results(voting)
    assert "Participants: 21" in text
    assert "Deutsch 12" in text
    assert "Українська fewer than 5" in text and "Українська 3" not in text
    # Ukrainian alone hidden could be worked out (21 - 12 - 6): Arabic is hidden with it, as
    # "not shown" (six is not fewer than five).
    assert "العربية not shown" in text and "العربية 6" not in text
    assert "Language and education" in text or "language" in text.lower()
    labels = data(last(voting, STAFF))
    assert ResultsPage(voting.services.procedure.fields[0], 1).pack() in labels
    assert Export("csv").pack() in labels and Export("json").pack() in labels


async def test_a_field_page_ranks_the_sub_goals_with_counts_and_shares(voting):
    await many_votes(voting)
    await staff_opens_results(voting)
    field = voting.services.procedure.field("language-education")
    await voting.press(STAFF, ResultsPage(field, 1))
    text = str(last(voting, STAFF).plain_text)
    lines = text.split("\n")
    first = lines.index(next(line for line in lines if line.startswith("1.")))
    # Goal 1: 18 voters of 18 + 12 + 6 + 3 + 2 = 41 choices.
    assert field.goal("1").text["en"] in lines[first]
    assert "18 votes · 43.9%" in lines[first + 1]
    assert "online: fewer than 5" in text  # goals 3 (three voters) and 6 (two)
    assert not re.search(r"\b[32] votes", text)
    assert "Answered: 21 · No preference: 0" in text


async def test_with_workshop_results_staff_see_each_source_beside_the_merged_score(voting):
    await many_votes(voting)
    await workshops.replace_source(
        voting.services.database, "Rathaus 2019", "w.csv",
        [("language-education", "6", 30), ("language-education", "1", 10)], "test",
    )  # fmt: skip
    overview = await staff_opens_results(voting)
    assert "Rathaus 2019" in overview
    await voting.press(STAFF, ResultsPage(voting.services.procedure.field("language-education"), 1))
    text = str(last(voting, STAFF).plain_text)
    assert "workshops: Rathaus 2019 30 · 75%" in text
    assert "workshops: Rathaus 2019 10 · 25%" in text
    lines = text.split("\n")
    # goal 6: (4.9 % + 75 %) / 2 = 39.9 %, first, but two online votes: its score is hidden
    assert lines[lines.index(next(x for x in lines if x.startswith("1."))) + 3].endswith(
        "merged: fewer than 5"
    )
    # goal 1: (18/41 + 25 %) / 2 = 34.45 %, second
    second = lines.index(next(x for x in lines if x.startswith("2.")))
    assert "merged: 34.5%" in lines[second + 3]


async def test_the_export_buttons_send_a_csv_for_german_excel_and_a_json_file(voting):
    await many_votes(voting)
    await staff_opens_results(voting)
    await voting.press(STAFF, Export("csv"))
    sent = last(voting, STAFF)
    assert sent.document is not None and sent.document.filename.endswith(".csv")
    content = sent.document.data.decode("utf-8")
    assert content.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert table[0][:5] == ["field_id", "goal_id", "goal", "online_voters", "online_share_percent"]
    goal_rows = {(r[0], r[1]): r for r in table[1:]}
    assert len(goal_rows) == sum(len(f.goals) for f in voting.services.procedure.fields)
    assert goal_rows[("language-education", "1")][3:5] == ["18", "43,9"]
    assert goal_rows[("language-education", "3")][3:5] == ["<5", "<5"]
    await voting.press(STAFF, Export("json"), message_id=_results_message(voting))
    sent = last(voting, STAFF)
    assert sent.document is not None and sent.document.filename.endswith(".json")
    document = json.loads(sent.document.data)
    assert document["participants"] == 21
    assert document["participants_per_language"] == {"de": 12, "ar": None, "uk": None}


def _results_message(bot: EmulatedBot, button: object = None) -> int:
    """The staff member's latest message that carries the button (the overview's by default)."""
    packed = (button or Export("json")).pack()  # type: ignore[attr-defined]
    for message in reversed(bot.fake.bot_messages(STAFF)):
        if packed in data(message):
            return int(message.message_id)
    raise AssertionError("no results overview in the staff chat")


async def test_charts_arrive_as_images_in_the_staff_members_language(voting):
    await many_votes(voting)
    voting.fake.add_user(STAFF, language_code="fa")
    await voting.send(STAFF, "/results")
    await voting.press(STAFF, OverviewChart())
    photo = last(voting, STAFF).photo
    assert photo is not None and photo.data.startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(photo.data)).width >= 800
    await voting.press(
        STAFF,
        ResultsPage(voting.services.procedure.field("housing"), 1),
        message_id=_results_message(voting),
    )
    await voting.press(
        STAFF,
        FieldChart(voting.services.procedure.field("housing")),
        message_id=_results_message(voting, FieldChart(voting.services.procedure.field("housing"))),
    )
    assert last(voting, STAFF).photo is not None


async def test_residents_cannot_reach_staff_figures_or_files(voting):
    await many_votes(voting)
    voting.fake.add_user(RESIDENT, language_code="en")
    await voting.send(RESIDENT, "/results")
    text = str(last(voting, RESIDENT).plain_text)
    assert "will be published here when voting closes" in text
    # No figure of the 21 votes (the closing date is the only thing with digits).
    t = voting.services.catalogs.translator("en")
    closes = (await window(voting.services.database, voting.services.procedure)).closes
    assert "21" not in text.replace(t.datetime(closes), "")
    before = len(voting.fake.bot_messages(RESIDENT))
    for forged in (raw("resexport", "csv"), raw("reschart"), raw("resexport", "xlsx")):
        await voting.press_forged(RESIDENT, forged)
    assert len(voting.fake.bot_messages(RESIDENT)) == before  # no file, no image
    assert len(alerts(voting)) == 3


async def test_after_the_close_residents_see_the_ranking_in_their_language(voting):
    await many_votes(voting)
    now = datetime.now(UTC)
    await change_window(
        voting.services.database, None, "test.close", opens=now - timedelta(days=2), closes=now
    )
    voting.fake.add_user(RESIDENT, language_code="ar")
    await voting.send(RESIDENT, "/start")
    assert Results().pack() in data(last(voting, RESIDENT))  # the menu's entry
    await voting.press(RESIDENT, Results())
    overview = str(last(voting, RESIDENT).plain_text)
    assert "21" in overview
    field = voting.services.procedure.field("language-education")
    await voting.press(RESIDENT, ResultsPage(field, 1))
    ranking = str(last(voting, RESIDENT).plain_text)
    assert field.goal("1").text["ar"] in ranking
    assert "43.9%" in ranking
    assert ranking.count("\u200f") >= 1  # right-to-left marks on lines that start with a digit
    ranking_message = last(voting, RESIDENT).message_id
    await voting.press(RESIDENT, FieldChart(field))
    assert last(voting, RESIDENT).photo is not None
    await voting.press(RESIDENT, Results(), message_id=ranking_message)
    assert ToMenu().pack() in data(voting.fake.chats[RESIDENT].find(ranking_message))


async def test_before_voting_closes_a_resident_is_told_when_results_come(voting):
    voting.fake.add_user(RESIDENT, language_code="de")
    await voting.send(RESIDENT, "/results")
    t = voting.services.catalogs.translator("de")
    closes = (await window(voting.services.database, voting.services.procedure)).closes
    expected = t.gettext(
        "The results will be published here when voting closes on %(date)s.",
        date=t.datetime(closes),
    )
    assert received(voting, RESIDENT)[-1] == expected
    assert expected.startswith("Die Ergebnisse")  # the German catalog has it
    assert rows(
        voting.database_path, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'staff%'"
    ) == [(0,)]


async def close_voting(bot: EmulatedBot) -> None:
    now = datetime.now(UTC)
    await change_window(
        bot.services.database, None, "test.close", opens=now - timedelta(days=2), closes=now
    )


async def test_staff_publish_the_results_as_a_broadcast_with_a_chart_in_each_language(voting):
    await many_votes(voting)
    subscribers = await add_subscribers(voting, ["de", "ar", "fa", "de"])
    assert "not public yet" in await staff_sends(voting, "/results publish")
    await close_voting(voting)
    await voting.send(STAFF, "/results publish")
    preview_photo, question = voting.fake.bot_messages(STAFF)[-2:]
    assert preview_photo.photo is not None and preview_photo.photo.data.startswith(b"\x89PNG")
    assert "21 people set their priorities" in preview_photo.caption_plain
    assert "4 subscribers" in question.plain_text
    send = next(d for d in data(question) if d.endswith(":yes"))
    await voting.press(STAFF, send)
    queued = rows(voting.database_path, "SELECT id FROM broadcasts WHERE kind = 'news'")
    assert len(queued) == 1
    await finished(voting, queued[0][0])
    got = {user: voting.fake.bot_messages(user)[-1] for user in subscribers}
    for message in got.values():
        assert message.photo is not None and message.photo.data.startswith(b"\x89PNG")
    assert "21" in got[subscribers[1]].caption_plain
    # one upload per language: the second German subscriber got the same file by its id
    assert got[subscribers[0]].photo.file_id == got[subscribers[3]].photo.file_id
    assert got[subscribers[1]].photo.data != got[subscribers[0]].photo.data  # Arabic labels
    # a second press of Send (or a redelivered update) queues nothing more
    await voting.press_forged(STAFF, send, message_id=question.message_id)
    assert "answered already" in alerts(voting)[-1]
    assert len(rows(voting.database_path, "SELECT id FROM broadcasts")) == 1
