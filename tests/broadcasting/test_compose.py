"""Staff compose a broadcast in the chat: texts per language, audience, kind, time, preview."""

import pytest

from bot.broadcasting.buttons import CancelBroadcast, Compose, ComposeLanguage, ComposePhase, Step
from bot.emulator.html_text import parse_html
from storage import outbox
from tests.conftest import (
    OTHER_STAFF,
    RESIDENT,
    STAFF,
    add_subscribers,
    alert,
    finished,
    last,
    raw,
    received,
    rows,
    without_heading,
)


@pytest.fixture
async def staffed(settings, example):
    from dataclasses import replace

    from bot.emulated import EmulatedBot

    bot = EmulatedBot(replace(settings, admins=frozenset({STAFF, OTHER_STAFF})), example)
    async with bot:
        bot.fake.add_user(STAFF, language_code="en")
        bot.fake.add_user(OTHER_STAFF, language_code="de")
        yield bot


def sees(bot, user=STAFF):
    """What staff see in the conversation's latest message."""
    return last(bot, user).plain_text


async def broadcasts(bot):
    return rows(bot.database_path, "SELECT id, state FROM broadcasts")


async def send_formatted(bot, user, formatted):
    """Staff write formatted text in their Telegram app (bold, a link, a code block): the bot
    gets the plain text with its entities, as Telegram delivers it."""
    plain, entities = parse_html(formatted)
    record = bot.fake.written(bot.fake.chat(user), plain)
    record.entities = entities
    update_id = bot.fake.updates.push("message", bot.fake.message_json(record))
    bot.fake.changed()
    await bot.handled(update_id)


async def compose_default_only(bot, text, user=STAFF):
    """/broadcast with only the default-language text, to everybody, news, now: the preview."""
    await bot.send(user, "/broadcast")
    await bot.send(user, text)
    await bot.press(user, Compose(Step.SKIP_REST))
    await bot.press(user, Compose(Step.AUDIENCE_DONE))
    await bot.press(user, Compose(Step.NEWS))
    await bot.press(user, Compose(Step.NOW))


async def compose_to_preview(bot, user=STAFF):
    await bot.send(user, "/broadcast")
    assert "Deutsch" in sees(bot, user)
    await bot.send(user, "<b>not a tag</b> and **Wichtig**: Workshops am Montag")
    assert "English" in sees(bot, user)
    await bot.send(user, "Workshops on Monday")
    assert "Türkçe" in sees(bot, user)
    await bot.press(user, Compose(Step.SKIP_REST))
    await bot.press(user, Compose(Step.AUDIENCE_DONE))
    await bot.press(user, Compose(Step.NEWS))
    await bot.press(user, Compose(Step.NOW))


async def test_staff_compose_preview_and_send_news_in_several_languages(staffed):
    users = await add_subscribers(staffed, ["de", "en", "tr", "en"])
    await compose_to_preview(staffed)
    preview = sees(staffed)
    assert "4 recipients" in preview and "English: 2" in preview
    # The preview shows each language group's message exactly as it will arrive.
    texts = [m.plain_text for m in staffed.fake.bot_messages(STAFF)]
    assert "Workshops on Monday" in [without_heading(t) for t in texts if t.startswith("📰")]
    assert any(t.endswith("Workshops am Montag") and "\n" in t for t in texts)  # tr: note + German
    assert await broadcasts(staffed) == []  # nothing is queued before Send

    await staffed.press(STAFF, Compose(Step.SEND))
    assert "#1" in sees(staffed)
    await finished(staffed, 1)
    (english,) = received(staffed, users[1])
    assert (
        english == "📰 News: " + staffed.services.procedure.title["en"] + "\n\nWorkshops on Monday"
    )
    (turkish,) = received(staffed, users[2])
    assert turkish.endswith("<b>not a tag</b> and **Wichtig**: Workshops am Montag")
    (german,) = staffed.fake.bot_messages(users[0])
    assert "&lt;b&gt;" in german.text  # typed tags are text, not formatting
    audit = rows(staffed.database_path, "SELECT actor_id, action FROM audit_log")
    assert (STAFF, "broadcast.news") in audit


async def test_a_non_staff_user_gets_unknown_command_and_is_audited(staffed):
    staffed.fake.add_user(RESIDENT, language_code="en")
    await staffed.send(RESIDENT, "/broadcast")
    assert "do not know the command /broadcast" in sees(staffed, RESIDENT)
    await staffed.send(RESIDENT, "Hello everyone")
    assert await broadcasts(staffed) == []
    assert (RESIDENT, "staff.refused") in rows(
        staffed.database_path, "SELECT actor_id, action FROM audit_log"
    )


async def test_an_empty_text_and_a_text_over_the_limit_are_refused(staffed):
    await staffed.send(STAFF, "/broadcast")
    await staffed.send(STAFF, "\u200b \u2060")  # looks empty on a phone
    assert "as text" in sees(staffed)
    await staffed.send(STAFF, "x" * 4097)
    assert "4097" in sees(staffed) and "4096" in sees(staffed)
    await staffed.send(STAFF, "x" * 4096)
    assert "English" in sees(staffed)  # accepted: the next language is asked for


@pytest.mark.parametrize("steps", [0, 1, 2, 3, 4, 5])
async def test_cancel_at_every_step_queues_nothing(staffed, steps):
    await add_subscribers(staffed, ["de"])
    script = [
        ("send", "/broadcast"),
        ("send", "Text"),
        ("press", Compose(Step.SKIP_REST)),
        ("press", Compose(Step.AUDIENCE_DONE)),
        ("press", Compose(Step.NEWS)),
        ("press", Compose(Step.NOW)),
    ]
    for action, value in script[: steps + 1]:
        await (staffed.send if action == "send" else staffed.press)(STAFF, value)
    if steps % 2:
        await staffed.send(STAFF, "/cancel")
    else:
        await staffed.press(STAFF, Compose(Step.CANCEL))
    assert "Nothing was sent" in sees(staffed)
    assert await broadcasts(staffed) == []
    # After cancelling, typed text is ordinary free text again.
    await staffed.send(STAFF, "Text")
    assert "/help" in sees(staffed)


async def test_two_staff_members_compose_at_once_each_with_their_own_draft(staffed):
    users = await add_subscribers(staffed, ["de"])
    await staffed.send(STAFF, "/broadcast")
    await staffed.send(OTHER_STAFF, "/broadcast")
    await staffed.send(STAFF, "Erste Nachricht")
    await staffed.send(OTHER_STAFF, "Zweite Nachricht")
    for user in (STAFF, OTHER_STAFF):
        await staffed.press(user, Compose(Step.SKIP_REST))
        await staffed.press(user, Compose(Step.AUDIENCE_DONE))
        await staffed.press(user, Compose(Step.NEWS))
        await staffed.press(user, Compose(Step.NOW))
        await staffed.press(user, Compose(Step.SEND))
    await finished(staffed, 1)
    await finished(staffed, 2)
    got = sorted(without_heading(text) for text in received(staffed, users[0]))
    assert got == ["Erste Nachricht", "Zweite Nachricht"]


async def test_an_old_button_of_the_conversation_changes_nothing(staffed):
    await staffed.send(STAFF, "/broadcast")
    first = staffed.fake.last_bot_message(STAFF).message_id
    await staffed.send(STAFF, "Text")
    # "send" was never offered yet: a forged press is refused and nothing is queued.
    await staffed.press_forged(STAFF, Compose(Step.SEND), message_id=first)
    assert "out of date" in list(staffed.fake.answered_callbacks.values())[-1].text
    assert await broadcasts(staffed) == []


@pytest.mark.parametrize(
    ("step", "forged"),
    [(Step.SKIP_REST, raw("composelang", "xx")), (Step.AUDIENCE_DONE, raw("composephase", "nope"))],
)
async def test_a_forged_language_or_phase_in_the_composer_is_refused_and_queues_nothing(
    staffed, step, forged
):
    await add_subscribers(staffed, ["de"])
    await staffed.send(STAFF, "/broadcast")
    await staffed.send(STAFF, "Text")
    await staffed.press(STAFF, Compose(Step.SKIP_REST))
    if step is Step.AUDIENCE_DONE:
        await staffed.press(STAFF, Compose(Step.AUDIENCE_DONE))
    screen = sees(staffed)
    await staffed.press_forged(STAFF, forged)
    assert "out of date" in alert(staffed).text
    assert await broadcasts(staffed) == []
    assert sees(staffed) == screen  # still at the same question
    await staffed.press(STAFF, Compose(Step.CANCEL))
    assert await broadcasts(staffed) == []


async def test_a_phase_change_for_chosen_languages_at_a_time(staffed, example):
    await add_subscribers(staffed, ["de", "en", "ar"])
    await staffed.send(STAFF, "/broadcast")
    await staffed.send(STAFF, "Die Workshops sind verschoben.")
    await staffed.press(STAFF, Compose(Step.SKIP_REST))
    await staffed.press(STAFF, ComposeLanguage("ar"))
    await staffed.press(STAFF, ComposeLanguage("en"))
    await staffed.press(STAFF, Compose(Step.AUDIENCE_DONE))
    await staffed.press(STAFF, ComposePhase(example.phases[3]))
    await staffed.send(STAFF, "2001-01-01 10:00")
    assert "future" in sees(staffed)
    await staffed.send(STAFF, "2099-01-01 10:00")
    assert "2 recipients" in sees(staffed)
    await staffed.press(STAFF, Compose(Step.SEND))
    stored = await outbox.get(staffed.services.database, 1)
    assert stored.kind == "phase" and stored.phase_id == example.phases[3].id
    assert stored.audience == "ar,en" and stored.state == "queued"
    assert stored.send_at.startswith("2099-01-01T10:00")


async def test_staff_list_recent_broadcasts_and_cancel_a_planned_one(staffed):
    users = await add_subscribers(staffed, ["de", "de"])
    await staffed.send(STAFF, "/broadcast")
    await staffed.send(STAFF, "Geplant")
    await staffed.press(STAFF, Compose(Step.SKIP_REST))
    await staffed.press(STAFF, Compose(Step.AUDIENCE_DONE))
    await staffed.press(STAFF, Compose(Step.NEWS))
    await staffed.send(STAFF, "2099-01-01 10:00")
    await staffed.press(STAFF, Compose(Step.SEND))
    await staffed.send(STAFF, "/broadcasts")
    assert "#1" in sees(staffed) and "planned" in sees(staffed)
    await staffed.press(STAFF, CancelBroadcast(1))
    assert "cancelled" in sees(staffed)
    assert rows(staffed.database_path, "SELECT state FROM deliveries") == [
        ("cancelled",),
        ("cancelled",),
    ]
    assert all(received(staffed, user) == [] for user in users)
    staffed.fake.add_user(RESIDENT, language_code="en")
    await staffed.send(RESIDENT, "/broadcasts")
    assert "do not know the command" in sees(staffed, RESIDENT)


async def test_sent_news_appear_in_status_and_a_phase_change_sets_the_phase(staffed, example):
    await add_subscribers(staffed, ["en"])
    await staffed.send(STAFF, "/broadcast")
    await staffed.send(STAFF, "Die Maßnahmen-Workshops beginnen.")
    await staffed.send(STAFF, "The measure workshops begin.")
    await staffed.press(STAFF, Compose(Step.SKIP_REST))
    await staffed.press(STAFF, Compose(Step.AUDIENCE_DONE))
    await staffed.press(STAFF, ComposePhase(example.phases[3]))
    await staffed.press(STAFF, Compose(Step.NOW))
    await staffed.press(STAFF, Compose(Step.SEND))
    await finished(staffed, 1)
    staffed.fake.add_user(RESIDENT, language_code="en")
    await staffed.send(RESIDENT, "/status")
    status = sees(staffed, RESIDENT)
    assert "The measure workshops begin." in status
    assert example.phases[3].title["en"] in status
    assert rows(
        staffed.database_path, "SELECT value FROM runtime_settings WHERE key = 'phase.current'"
    ) == [(example.phases[3].id,)]
    # The author saw one progress message, ending with the final report.
    assert "finished" in sees(staffed)


async def test_readers_of_a_language_the_procedure_no_longer_offers_get_the_default_with_the_note(
    staffed,
):
    # Italian was offered once; the procedure file no longer has it, its readers are still there.
    users = await add_subscribers(staffed, ["de", "it", "it"])
    await compose_default_only(staffed, "Workshops am Montag")
    preview = sees(staffed)
    assert "3 recipients" in preview and "Italiano: 2" in preview
    texts = [m.plain_text for m in staffed.fake.bot_messages(STAFF)]
    note = "(Diese Neuigkeit gibt es noch nicht in Ihrer Sprache.)\n\nWorkshops am Montag"
    shown = [without_heading(t) for t in texts if t.startswith("📰")]
    assert "[Italiano · 2]" in texts and note in shown  # shown as it will arrive

    await staffed.press(STAFF, Compose(Step.SEND))
    await finished(staffed, 1)
    assert [without_heading(t) for t in received(staffed, users[0])] == ["Workshops am Montag"]
    for reader in users[1:]:
        assert [without_heading(t) for t in received(staffed, reader)] == [note]


async def test_a_text_that_the_note_makes_too_long_is_refused_naming_the_language(staffed):
    # 4000 characters are accepted; with the Arabic title (78 characters) and note (35) they
    # are 4115.
    await add_subscribers(staffed, ["de", "ar"])
    await compose_default_only(staffed, "x" * 4002)
    *_, answer, question = received(staffed, STAFF)
    assert "العربية: 4115 characters with the note, 19 too many" in answer
    assert "went wrong" not in " ".join(received(staffed, STAFF))
    refused = [r.method for r in staffed.fake.requests if r.status == 400]
    assert refused == []  # nothing went to Telegram that it refuses
    assert "Deutsch" in question  # asked for the text again
    assert await broadcasts(staffed) == []


async def test_a_long_text_for_one_language_is_not_measured_against_other_languages_notes(staffed):
    users = await add_subscribers(staffed, ["de", "ar"])
    await staffed.send(STAFF, "/broadcast")
    await staffed.send(STAFF, "x" * 4000)
    await staffed.press(STAFF, Compose(Step.SKIP_REST))
    await staffed.press(STAFF, ComposeLanguage("de"))
    await staffed.press(STAFF, Compose(Step.AUDIENCE_DONE))
    await staffed.press(STAFF, Compose(Step.NEWS))
    await staffed.press(STAFF, Compose(Step.NOW))
    assert "1 recipient" in sees(staffed)
    await staffed.press(STAFF, Compose(Step.SEND))
    await finished(staffed, 1)
    assert [without_heading(t) for t in received(staffed, users[0])] == ["x" * 4000]
    assert received(staffed, users[1]) == []


async def test_links_and_code_blocks_staff_write_arrive_as_written(staffed):
    users = await add_subscribers(staffed, ["de", "en"])
    await staffed.send(STAFF, "/broadcast")
    await send_formatted(
        staffed,
        STAFF,
        '<b>Neu</b>: <a href="https://luebeck.example/r?a=1&amp;b=&quot;2&quot;">Ergebnisse</a> '
        '&amp; Tabelle\n<pre><code class="language-csv">a;b\n1;2</code></pre>',
    )
    await staffed.press(STAFF, Compose(Step.SKIP_REST))
    await staffed.press(STAFF, Compose(Step.AUDIENCE_DONE))
    await staffed.press(STAFF, Compose(Step.NEWS))
    await staffed.press(STAFF, Compose(Step.NOW))
    assert "2 recipients" in sees(staffed)
    await staffed.press(STAFF, Compose(Step.SEND))
    await finished(staffed, 1)
    for user in users:
        (message,) = staffed.fake.bot_messages(user)
        assert message.plain_text.endswith("Neu: Ergebnisse & Tabelle\na;b\n1;2")
        kinds = {e["type"]: e for e in message.entities}
        assert kinds["text_link"]["url"] == 'https://luebeck.example/r?a=1&b="2"'
        assert kinds["pre"]["language"] == "csv" and "code" not in kinds
        assert "bold" in kinds
