"""Where the procedure stands: residents read the timeline and the news; staff set the current
phase, postpone phases and publish news. Wrong input changes nothing; changes survive restarts."""

import json
from datetime import date
from unicodedata import bidirectional

import pytest

from bot.emulated import EmulatedBot
from bot.i18n import RLM
from bot.news.buttons import OlderNews, Status
from storage import news
from storage.news import NewsText
from tests.conftest import (
    RESIDENT,
    STAFF,
    alerts,
    buttons,
    last,
    publish_news,
    rows,
    staff_sends,
)


async def publish(bot, count, translated=True):
    """Staff publish `count` news items: German, and English when `translated`."""
    bot.fake.add_user(STAFF, language_code="en")
    for n in range(1, count + 1):
        english = f"\nen: Title {n} | Body {n}" if translated else ""
        await publish_news(bot, f"/news Titel {n} | Text {n}{english}")


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
    measures, council = example.phases[4], example.phases[5]
    assert [p.id for p in example.phases[3:5]] == ["akmigration", "measures"]
    # Cancelled in the file: its own mark and the reason, never "done".
    assert f"✖️ {measures.title['en']}" in lines
    assert f"✅ {measures.title['en']}" not in lines
    assert f"Cancelled for the time being: {measures.cancelled['en']}" in lines
    assert f"⏳ {council.title['en']}" in lines
    t = running.services.catalogs.translator("en")
    assert t.gettext("from %(date)s", date=t.date(date(2021, 3, 25))) in lines
    assert "from 25 March 2021" in lines  # British style: day first, no comma
    assert f"{t.date(date(2019, 9, 27))} – {t.date(date(2019, 9, 29))}" in lines
    assert f"Now: {council.title['en']}" in lines
    assert council.description["en"] in text
    assert "No news yet." in text
    assert OlderNews(1).pack() not in [data for _, data in buttons(last(running))]


async def test_status_as_a_command_in_german_with_german_dates(running, example):
    running.fake.add_user(RESIDENT, language_code="de")
    await running.send(RESIDENT, "/status")
    text = last(running).plain_text
    assert "27. September 2019 – 29. September 2019" in text
    assert example.phases[5].description["de"] in text
    assert example.phases[4].cancelled["de"] in text and "✖️" in text


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


async def test_several_untranslated_news_on_one_screen_carry_the_note_once(running):
    await publish(running, 3, translated=False)
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/status")
    text = last(running).plain_text
    assert text.count("(This news is not yet available in your language.)") == 1
    assert all(f"Titel {n}" in text for n in (1, 2, 3))
    await publish(running, 1)  # translated, with two untranslated ones: still one note
    await running.send(RESIDENT, "/status")
    text = last(running).plain_text
    assert "Title 1" in text and text.count("not yet available") == 1


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
    meeting, council = example.phases[3], example.phases[5]

    await running.send(STAFF, "/phase")
    shown = last(running, STAFF).plain_text
    assert all(p.id in shown for p in example.phases) and "/phase set ID" in shown

    await running.send(STAFF, "/phase postpone akmigration The workshops cannot take place")
    assert "is marked postponed" in last(running, STAFF).plain_text
    await running.send(STAFF, "/phase set merge")
    await running.send(RESIDENT, "/status")
    text = last(running).plain_text
    assert f"⏸️ {meeting.title['en']}" in text
    assert "Postponed: The workshops cannot take place" in text
    assert "Now: Bringing the results together" in text
    assert f"🗓️ {council.title['en']}" in text

    await running.send(STAFF, "/phase resume akmigration")
    await running.send(STAFF, "/phase auto")
    await running.send(RESIDENT, "/status")
    text = last(running).plain_text
    assert "Postponed" not in text and f"Now: {council.title['en']}" in text

    audit = rows(running.database_path, "SELECT actor_id, action, detail FROM audit_log")
    assert audit == [
        (STAFF, "phase.postpone", "akmigration: The workshops cannot take place"),
        (STAFF, "phase.set", "merge"),
        (STAFF, "phase.resume", "akmigration"),
        (STAFF, "phase.auto", "dates"),
    ]


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/phase set nosuchphase", "There is no phase “nosuchphase”"),
        ("/phase postpone nosuchphase because", "There is no phase"),
        ("/phase resume nosuchphase", "There is no phase"),
        ("/phase set", "Please name the phase, like this: /phase set ID"),
        ("/phase postpone", "Please name the phase, like this: /phase postpone ID REASON"),
        ("/phase cancel", "Please name the phase, like this: /phase cancel ID REASON"),
        ("/phase cancel measures", "Please give a reason"),
        ("/phase postpone measures Pandemie\nde: doppelt", "Deutsch is given twice"),
        ("/phase postpone measures", "Please give a reason"),
        ("/phase postpone measures " + "x" * 201, "at most 200"),
        ("/phase resume measures", "is marked cancelled in the procedure file"),
        ("/phase resume council", "is not marked postponed"),
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
    await publish_news(
        running, "/news Neu: <Termin> | Erste Zeile\nzweite & letzte\ntr: Yeni | Metin"
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
        await first.send(STAFF, "/phase postpone akmigration Pandemie")
        await publish_news(first, "/news Titel | Text")
    second = EmulatedBot(settings, example)
    async with second:
        second.fake.add_user(RESIDENT, language_code="de")
        await second.send(RESIDENT, "/status")
        text = last(second).plain_text
        lines = text.split("\n")
        assert f"⏳ {example.phases[1].title['de']}" in lines
        assert f"⏸️ {example.phases[3].title['de']}" in lines
        assert f"✖️ {example.phases[4].title['de']}" in lines
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


async def test_a_reason_in_several_languages_reaches_each_resident_in_theirs(running, example):
    running.fake.add_user(STAFF, language_code="en")
    running.fake.add_user(RESIDENT, language_code="en")
    running.fake.add_user(RESIDENT + 1, language_code="tr")
    await running.send(STAFF, "/phase postpone council Pandemie\nen: Pandemic\nuk: Пандемія")
    assert "is marked postponed" in last(running, STAFF).plain_text
    await running.send(RESIDENT, "/status")
    assert "Postponed: Pandemic" in last(running).plain_text
    await running.send(RESIDENT + 1, "/status")
    text = last(running, RESIDENT + 1).plain_text
    assert "Pandemie" in text and "Pandemic" not in text  # no Turkish: the default language
    stored = rows(running.database_path, "SELECT value FROM runtime_settings")[0][0]
    assert json.loads(stored) == {"de": "Pandemie", "en": "Pandemic", "uk": "Пандемія"}


async def test_staff_cancel_a_phase_with_its_own_mark_audited_and_take_it_back(running, example):
    running.fake.add_user(STAFF, language_code="en")
    running.fake.add_user(RESIDENT, language_code="de")
    council = example.phases[5]
    await running.send(STAFF, "/phase cancel council Abgesagt\nen: Called off")
    answer = last(running, STAFF).plain_text
    assert "is marked cancelled" in answer and "Cancelled for the time being: Called off" in answer
    await running.send(STAFF, "/phase cancel council Abgesagt\nen: Called off")  # again: once
    await running.send(RESIDENT, "/status")
    lines = last(running).plain_text.split("\n")
    assert f"✖️ {council.title['de']}" in lines
    await running.send(STAFF, "/phase resume council")
    assert "no longer marked cancelled" in last(running, STAFF).plain_text
    audit = rows(running.database_path, "SELECT actor_id, action, detail FROM audit_log")
    assert audit == [
        (STAFF, "phase.cancel", 'council: {"de": "Abgesagt", "en": "Called off"}'),
        (STAFF, "phase.uncancel", "council"),
    ]


async def test_german_staff_see_the_phase_placeholders_in_german(running):
    running.fake.add_user(STAFF, language_code="de")
    await running.send(STAFF, "/phase")
    text = last(running, STAFF).plain_text
    assert "/phase cancel " in text
    t = running.services.catalogs.translator("de")
    assert f"/phase postpone {t.gettext('ID')} {t.gettext('REASON')}" in text


async def test_staff_withdraw_a_news_item_audited_and_it_leaves_status(running):
    await publish(running, 2)
    running.fake.add_user(RESIDENT, language_code="en")
    answer = await staff_sends(running, "/news withdraw 1")
    assert "News item 1 was withdrawn" in answer
    await running.send(RESIDENT, "/status")
    text = last(running).plain_text
    assert "Title 2" in text and "Title 1" not in text
    assert "There is no news item 1" in await staff_sends(running, "/news withdraw 1")
    assert "There is no news item 99" in await staff_sends(running, "/news withdraw 99")
    audit = rows(running.database_path, "SELECT action, detail FROM audit_log")
    assert audit[-1] == ("news.withdraw", "#1")
    assert [a for a, _ in audit].count("news.withdraw") == 1
    assert rows(running.database_path, "SELECT COUNT(*) FROM news_texts WHERE news_id = 1") == [
        (0,)
    ]
    assert "/news withdraw" in await staff_sends(running, "/news")  # the usage names it
