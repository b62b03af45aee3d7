"""Staff see a news item as residents will, with "Publish" and "Cancel", before it is stored."""

from bot.emulated import EmulatedBot
from bot.news.buttons import NewsDraft
from tests.conftest import RESIDENT, STAFF, alerts, buttons, data, last, received, rows

COMMAND = "/news Straßenfest | Am Samstag im Park.\nen: Street festival | On Saturday in the park."
NEWS = "SELECT COUNT(*) FROM news"
AUDIT = "SELECT action FROM audit_log"


def answer(bot, publish: bool) -> str:
    """The callback data of Publish (True) or Cancel under the staff's latest message."""
    found = [d for d in data(last(bot, STAFF)) if d.endswith(":yes" if publish else ":no")]
    assert len(found) == 1
    return found[0]


async def test_the_preview_shows_the_item_as_residents_see_it_and_stores_nothing(running):
    running.fake.add_user(STAFF, language_code="en")
    await running.send(STAFF, COMMAND)
    preview = last(running, STAFF).plain_text
    assert "Preview: residents will see this news item under /status." in preview
    assert "Street festival" in preview and "On Saturday in the park." in preview
    assert "Written in: Deutsch, English." in preview
    assert "6 languages are missing: their readers get the text in Deutsch, with a note." in (
        preview
    )
    assert [label for label, _ in buttons(last(running, STAFF))] == ["✅ Publish", "✖ Cancel"]
    assert rows(running.database_path, NEWS) == [(0,)]
    assert rows(running.database_path, AUDIT) == []
    # Residents see nothing yet.
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/status")
    assert "Street festival" not in last(running).plain_text

    publish = answer(running, True)
    await running.press(STAFF, publish)
    done = last(running, STAFF).plain_text
    assert "Published as news item 1 in: Deutsch, English." in done
    assert rows(running.database_path, AUDIT) == [("news.publish",)]
    # Pressed again (a double tap, or the press delivered again): the same answer, one item.
    await running.press_forged(STAFF, publish)
    assert rows(running.database_path, NEWS) == [(1,)]
    assert "Published as news item 1" in last(running, STAFF).plain_text
    await running.send(RESIDENT, "/status")
    assert "Street festival" in last(running).plain_text


async def test_cancel_publishes_nothing_and_the_preview_cannot_be_published_afterwards(running):
    running.fake.add_user(STAFF, language_code="en")
    await running.send(STAFF, COMMAND)
    publish, cancel = answer(running, True), answer(running, False)
    await running.press(STAFF, cancel)
    assert last(running, STAFF).plain_text == "Not published. Nothing was changed."
    await running.press_forged(STAFF, publish)
    assert alerts(running)[-1] == "This preview was answered already."
    assert rows(running.database_path, NEWS) == [(0,)]
    assert rows(running.database_path, AUDIT) == []


async def test_only_the_latest_preview_can_be_published(running):
    running.fake.add_user(STAFF, language_code="en")
    await running.send(STAFF, "/news Erster Entwurf | Text")
    first = answer(running, True)
    await running.send(STAFF, "/news Zweiter Entwurf | Text")
    second = answer(running, True)
    await running.press_forged(STAFF, first)
    assert alerts(running)[-1] == "This preview was answered already."
    assert rows(running.database_path, NEWS) == [(0,)]
    await running.press(STAFF, second)
    assert rows(running.database_path, "SELECT title FROM news_texts") == [("Zweiter Entwurf",)]


async def test_a_draft_survives_a_restart(settings, example):
    first = EmulatedBot(settings, example)
    async with first:
        first.fake.add_user(STAFF, language_code="en")
        await first.send(STAFF, COMMAND)
        publish = answer(first, True)
        message = first.fake.bot_messages(STAFF)[-1].message_id
    second = EmulatedBot(settings, example, fake=first.fake)
    async with second:
        await second.press(STAFF, publish, message_id=message)
        assert "Published as news item 1" in last(second, STAFF).plain_text
    assert rows(settings.database, NEWS) == [(1,)]


async def test_a_resident_with_a_forged_publish_button_publishes_nothing(running):
    running.fake.add_user(STAFF, language_code="en")
    await running.send(STAFF, COMMAND)
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/start")
    await running.press_forged(RESIDENT, NewsDraft(1, True))
    assert "out of date" in alerts(running)[-1]
    assert rows(running.database_path, NEWS) == [(0,)]
    assert not any("Published" in text for text in received(running, RESIDENT))


async def test_the_preview_in_arabic_is_marked_right_to_left(running):
    running.fake.add_user(STAFF, language_code="ar")
    await running.send(STAFF, COMMAND)
    t = running.services.catalogs.translator("ar")
    preview = last(running, STAFF)
    assert t.gettext("Preview: residents will see this news item under /status.") in (
        preview.plain_text
    )
    assert preview.plain_text.startswith("\u200f")
    # The Arabic reader sees the German text (no Arabic given), with the note.
    assert t.gettext("(This news is not yet available in your language.)") in preview.plain_text
    assert "Straßenfest" in preview.plain_text
