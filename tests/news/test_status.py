"""Where the procedure stands: residents read the timeline and the news; staff set the current
phase, postpone phases and publish news. Wrong input changes nothing; changes survive restarts."""

from unicodedata import bidirectional

import pytest

from bot.emulated import EmulatedBot
from bot.i18n import RLM
from bot.news.buttons import OlderNews, Status
from storage import news
from storage.news import NewsText
from tests.conftest import RESIDENT, STAFF, alerts, buttons, last, rows, staff_sends


async def publish(bot, count, translated=True):
    """Staff publish `count` news items: German, and English when `translated`."""
    bot.fake.add_user(STAFF, language_code="en")
    for n in range(1, count + 1):
        english = f"\nen: Title {n} | Body {n}" if translated else ""
        await bot.send(STAFF, f"/news Titel {n} | Text {n}{english}")


async def test_the_menu_leads_to_the_timeline_with_marks_and_the_current_phase(running, example):
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/start")
    labels = [label for label, _ in buttons(last(running))]
    assert labels[:2] == ["🗳 Set your priorities", "📅 Status and news"]
    await running.press(RESIDENT, Status())
    text = last(running).plain_text
    lines = text.split("\n")
    for done in example.phases[:4]:
        assert f"✅ {done.title['en']}" in lines
    council = example.phases[4]
    assert f"⏳ {council.title['en']}" in lines
    assert "from March 25, 2021" in lines
    assert "September 27, 2019 – September 29, 2019" in lines
    assert f"Now: {council.title['en']}" in lines
    assert council.description["en"] in text
    assert "No news yet." in text
    assert OlderNews(1).pack() not in [data for _, data in buttons(last(running))]


async def test_status_as_a_command_in_german_with_german_dates(running, example):
    running.fake.add_user(RESIDENT, language_code="de")
    await running.send(RESIDENT, "/status")
    text = last(running).plain_text
    assert "27. September 2019 – 29. September 2019" in text
    assert example.phases[4].description["de"] in text


async def test_the_latest_three_news_then_older_ones_page_by_page(running):
    await publish(running, 7)
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/status")
    text = last(running).plain_text
    assert [n for n in range(1, 8) if f"Title {n}" in text] == [5, 6, 7]
    assert text.index("Title 7") < text.index("Title 5")
    assert "Titel" not in text
    await running.press(RESIDENT, OlderNews(1))
    page = last(running)
    assert [n for n in range(1, 8) if f"Title {n}" in page.plain_text] == [2, 3, 4]
    assert "page 1 of 2" in page.plain_text
    await running.press(RESIDENT, OlderNews(2))
    page = last(running)
    assert [n for n in range(1, 8) if f"Title {n}" in page.plain_text] == [1]
    data = [d for _, d in buttons(page)]
    assert OlderNews(3).pack() not in data
    assert OlderNews(1).pack() in data and Status().pack() in data
    await running.press(RESIDENT, Status())
    assert "Where the procedure stands" in last(running).plain_text


@pytest.mark.parametrize("page", ["3", "0", "99999", "1a", "-1"])
async def test_a_news_page_that_does_not_exist_is_an_out_of_date_button(running, page):
    await publish(running, 7)  # three screens: /status, page 1, page 2
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/status")
    before = last(running)
    text, edits = before.text, before.edit_count
    await running.press_forged(RESIDENT, f"v1:news:{page}")
    after = last(running)
    assert after.message_id == before.message_id
    assert (after.text, after.edit_count) == (text, edits)
    assert "out of date" in alerts(running)[-1]


async def test_news_without_a_translation_come_in_german_with_a_note(running):
    await publish(running, 1, translated=False)
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/status")
    text = last(running).plain_text
    assert "(This news is not yet available in your language.)" in text
    assert "Titel 1" in text and "Text 1" in text


async def test_arabic_status_lines_read_right_to_left(running, example):
    await publish(running, 2)
    running.fake.add_user(RESIDENT, language_code="ar")
    await running.send(RESIDENT, "/status")
    message = last(running)
    assert example.phases[0].title["ar"] in message.plain_text
    for line in message.plain_text.split("\n"):
        # Marks, dates, German news and tags would otherwise start a left-to-right line.
        assert not line or line.startswith(RLM) or bidirectional(line[0]) in ("R", "AL")
    assert all(label.startswith(RLM) for label, _ in buttons(message))
    assert "▶" not in message.plain_text  # no arrows that point the wrong way


async def test_staff_set_the_phase_postpone_one_and_go_back_to_the_dates(running, example):
    running.fake.add_user(STAFF, language_code="en")
    running.fake.add_user(RESIDENT, language_code="en")
    measures, council = example.phases[3], example.phases[4]

    await running.send(STAFF, "/phase")
    shown = last(running, STAFF).plain_text
    assert all(p.id in shown for p in example.phases) and "/phase set ID" in shown

    await running.send(STAFF, "/phase postpone measures The workshops cannot take place")
    assert "is marked postponed" in last(running, STAFF).plain_text
    await running.send(STAFF, "/phase set merge")
    await running.send(RESIDENT, "/status")
    text = last(running).plain_text
    assert f"⏸️ {measures.title['en']}" in text
    assert "Postponed: The workshops cannot take place" in text
    assert "Now: Bringing the results together" in text
    assert f"🗓️ {council.title['en']}" in text

    await running.send(STAFF, "/phase resume measures")
    await running.send(STAFF, "/phase auto")
    await running.send(RESIDENT, "/status")
    text = last(running).plain_text
    assert "Postponed" not in text and f"Now: {council.title['en']}" in text

    audit = rows(running.database_path, "SELECT actor_id, action, detail FROM audit_log")
    assert audit == [
        (STAFF, "phase.postpone", "measures: The workshops cannot take place"),
        (STAFF, "phase.set", "merge"),
        (STAFF, "phase.resume", "measures"),
        (STAFF, "phase.auto", "dates"),
    ]


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/phase set nosuchphase", "There is no phase “nosuchphase”"),
        ("/phase postpone nosuchphase because", "There is no phase"),
        ("/phase resume nosuchphase", "There is no phase"),
        ("/phase set", "There is no phase"),
        ("/phase postpone measures", "Please give a reason"),
        ("/phase postpone measures " + "x" * 201, "at most 200"),
        ("/phase resume measures", "is not marked postponed"),
        ("/phase skip", "Unknown choice"),
    ],
)
async def test_wrong_phase_commands_get_a_clear_answer_and_change_nothing(running, command, answer):
    assert answer in await staff_sends(running, command)
    assert rows(running.database_path, "SELECT * FROM runtime_settings") == []
    assert rows(running.database_path, "SELECT * FROM audit_log") == []


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/news", "Publish a news item"),
        ("/news Only a title", "needs a title and a text"),
        ("/news Titel | Text\nen: Title without text |", "needs a title and a text"),
        ("/news Titel | Text\nen: A | B\nen: C | D", "English is given twice"),
        ("/news Titel | " + "x" * 801, "at most 120 characters and the text at most 800"),
        ("/news\nen: Title | Text", "The text in Deutsch needs a title"),
    ],
)
async def test_wrong_news_get_a_clear_answer_and_nothing_is_published(running, command, answer):
    assert answer in await staff_sends(running, command)
    assert rows(running.database_path, "SELECT * FROM news") == []
    assert rows(running.database_path, "SELECT * FROM audit_log") == []


async def test_published_news_are_stored_escaped_with_translations_and_audited(running):
    running.fake.add_user(STAFF, language_code="en")
    await running.send(
        STAFF, "/news Neu: <Termin> | Erste Zeile\nzweite & letzte\ntr: Yeni | Metin"
    )
    reply = last(running, STAFF).plain_text
    assert "Published as news item 1 in: Deutsch, Türkçe" in reply
    stored = rows(running.database_path, "SELECT language, title, body FROM news_texts")
    assert sorted(stored) == [
        ("de", "Neu: &lt;Termin&gt;", "Erste Zeile\nzweite &amp; letzte"),
        ("tr", "Yeni", "Metin"),
    ]
    audit = rows(running.database_path, "SELECT actor_id, action, detail FROM audit_log")
    assert audit == [(STAFF, "news.publish", "#1 de,tr")]
    running.fake.add_user(RESIDENT, language_code="de")
    await running.send(RESIDENT, "/status")
    assert "Neu: <Termin>" in last(running).plain_text


@pytest.mark.parametrize("command", ["/phase set council", "/phase", "/news Titel | Text"])
async def test_a_resident_sending_a_staff_command_gets_unknown_command_and_is_audited(
    running, command
):
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, command)
    name = command.split()[0]
    assert f"do not know the command {name}" in last(running).plain_text
    assert rows(running.database_path, "SELECT * FROM runtime_settings") == []
    assert rows(running.database_path, "SELECT * FROM news") == []
    assert rows(running.database_path, "SELECT actor_id, action, detail FROM audit_log") == [
        (RESIDENT, "staff.refused", name)
    ]


async def test_staff_commands_are_only_shown_in_staff_chats(running):
    private = {"type": "all_private_chats"}
    everyone = [c["command"] for c in running.fake.commands(language_code="en", scope=private)]
    assert "phase" not in everyone and "news" not in everyone
    assert {"status", "subscribe", "unsubscribe"} <= set(everyone)
    staff = [c["command"] for c in running.fake.commands(scope={"type": "chat", "chat_id": STAFF})]
    assert {"phase", "news"} <= set(staff)


async def test_phase_changes_and_news_survive_a_restart(settings, example):
    first = EmulatedBot(settings, example)
    async with first:
        first.fake.add_user(STAFF, language_code="en")
        await first.send(STAFF, "/phase set online")
        await first.send(STAFF, "/phase postpone measures Pandemie")
        await first.send(STAFF, "/news Titel | Text")
    second = EmulatedBot(settings, example)
    async with second:
        second.fake.add_user(RESIDENT, language_code="de")
        await second.send(RESIDENT, "/status")
        text = last(second).plain_text
        lines = text.split("\n")
        assert f"⏳ {example.phases[1].title['de']}" in lines
        assert f"⏸️ {example.phases[3].title['de']}" in lines
        assert "Pandemie" in text and "Titel" in text


async def test_making_a_postponed_phase_current_takes_the_mark_away(running, example):
    running.fake.add_user(STAFF, language_code="en")
    await running.send(STAFF, "/phase postpone measures Pandemic")
    await running.send(STAFF, "/phase set measures")
    text = last(running, STAFF).plain_text
    assert "The current phase is now: Workshops on measures" in text
    assert "Postponed" not in text and "set by staff" in text
    assert rows(running.database_path, "SELECT key, value FROM runtime_settings ORDER BY key") == [
        ("phase.current", "measures"),
        ("phase.postponed.measures", ""),
    ]


async def test_long_news_from_broadcasts_are_shortened_to_fit_one_message(running):
    long_html = "<b>Wichtig</b> " + "Sehr langer Text &amp; mehr. " * 130  # ~3800 characters
    for _ in range(3):
        await news.publish(running.services.database, None, {"de": NewsText("", long_html)})
    running.fake.add_user(RESIDENT, language_code="de")
    await running.send(RESIDENT, "/status")
    text = last(running).plain_text
    assert len(text) < 4096
    assert text.count("Wichtig Sehr langer Text & mehr.") == 3 and text.count(" …") == 3
