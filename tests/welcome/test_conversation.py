"""A resident in each language: /start, the picker, the menu, a field and back."""

import pytest

from bot.chat.menu import ToMenu
from bot.i18n import RLM, native_name
from bot.languages import SUPPORTED_LANGUAGES
from bot.voting.buttons import FieldList, FieldPage
from bot.welcome.buttons import Language
from storage import participants
from storage.db import Database
from tests.conftest import RESIDENT, STAFF, buttons, last


async def stored_language(running, user_id=RESIDENT):
    db = await Database.open(running.database_path)
    try:
        found = await participants.get(db, user_id)
        return found.language if found else None
    finally:
        await db.close()


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
async def test_a_resident_goes_through_start_picker_menu_a_field_and_back(
    running, example, language
):
    running.fake.add_user(RESIDENT, "Resident", language_code="pt-BR")
    await running.send(RESIDENT, "/start")
    picker = last(running)
    # pt-BR is not offered: the procedure's name in German, and the language picker first.
    assert example.title["de"] in picker.plain_text
    labels = [label.replace(RLM, "").removeprefix("✓ ") for label, _ in buttons(picker)]
    for code in SUPPORTED_LANGUAGES:
        assert native_name(code) in labels

    await running.press(RESIDENT, Language(language))
    menu = last(running)
    assert example.title[language] in menu.plain_text
    assert await stored_language(running) == language

    await running.press(RESIDENT, FieldList())
    field_list = last(running)
    for field in example.fields:
        assert any(field.title[language] in label for label, _ in buttons(field_list))

    field = example.fields[2]
    await running.press(RESIDENT, FieldPage(field))
    shown = last(running)
    assert field.guiding_goal[language] in shown.plain_text
    for goal in field.goals:
        assert goal.text[language] in shown.plain_text
    if language in ("ar", "fa"):
        assert all(
            line.startswith(RLM) or not line or line[0] not in "0123456789<"
            for line in shown.plain_text.split("\n")
        )
        assert all(
            label.startswith(RLM) or label[0] not in "0123456789📋🏠" for label, _ in buttons(shown)
        )

    await running.press(RESIDENT, FieldList())
    assert last(running).message_id == shown.message_id
    await running.press(RESIDENT, ToMenu())
    assert example.title[language] in last(running).plain_text

    # From now on, every new message is in the chosen language.
    await running.send(RESIDENT, "/help")
    assert example.title[language] in last(running).plain_text


async def test_the_stored_choice_wins_over_telegrams_language(running, example):
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/start")
    assert example.title["en"] in last(running).plain_text
    await running.send(RESIDENT, "/language")
    await running.press(RESIDENT, Language("tr"))
    await running.send(RESIDENT, "/start")
    assert example.title["tr"] in last(running).plain_text


async def test_a_missing_language_code_falls_back_to_german(running, example):
    running.fake.add_user(RESIDENT, language_code=None)
    await running.send(RESIDENT, "/start")
    assert example.title["de"] in last(running).plain_text


async def test_deep_link_opens_a_field(running, example):
    running.fake.add_user(RESIDENT, language_code="en")
    field = example.fields[4]
    await running.send(RESIDENT, f"/start field-{field.id}")
    assert field.guiding_goal["en"] in last(running).plain_text


async def test_deep_link_sets_the_language(running, example):
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/start lang-uk")
    assert example.title["uk"] in last(running).plain_text
    assert await stored_language(running) == "uk"


@pytest.mark.parametrize("payload", ["field-nope", "lang-xx", "garbage", "field-", "lang-"])
async def test_an_unknown_payload_gets_the_normal_greeting(running, example, payload):
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, f"/start {payload}")
    assert example.description["en"] in last(running).plain_text
    assert await stored_language(running) is None


async def test_an_unknown_command_gets_a_translated_answer_and_the_menu(running):
    running.fake.add_user(RESIDENT, language_code="de")
    await running.send(RESIDENT, "/vote")
    answer = last(running)
    assert "/vote" in answer.plain_text and "/help" in answer.plain_text
    assert "do not know" not in answer.plain_text  # German, not English
    assert any(data == FieldList().pack() for _, data in buttons(answer))


async def test_free_text_gets_a_clear_answer_and_changes_nothing(running):
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/language")
    await running.press(RESIDENT, Language("pl"))
    await running.send(RESIDENT, "I want to vote for more courses")
    assert "/help" in last(running).plain_text
    assert await stored_language(running) == "pl"


@pytest.mark.parametrize(
    "data",
    ["v1:field:no-such-field", "v1:language:fr", "v0:menu", "v1:unknown", "\x00garbage",
     "v1:field:language-education:extra"],
)  # fmt: skip
async def test_a_forged_button_gets_a_short_answer_and_changes_nothing(running, data):
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/start")
    before = last(running)
    before_text, before_edits = before.text, before.edit_count
    update_id = await running.press_forged(RESIDENT, data)
    after = last(running)
    assert after.message_id == before.message_id
    assert after.text == before_text and after.edit_count == before_edits
    answers = [a for a in running.fake.answered_callbacks.values()]
    assert answers and "out of date" in answers[-1].text
    assert update_id
    assert await stored_language(running) is None


async def test_pressing_the_button_of_the_screen_already_shown_is_harmless(running):
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/start")
    menu = last(running).message_id
    # A double tap: both presses leave the client before the first answer arrives; the second
    # edit would be identical, and Telegram's "message is not modified" is swallowed.
    first = running.fake.user_presses(RESIDENT, menu, FieldList().pack())
    second = running.fake.user_presses(RESIDENT, menu, FieldList().pack())
    await running.handled(first)
    await running.handled(second)
    assert last(running).edit_count == 1
    errors = [
        r
        for r in running.fake.requests
        if r.method == "sendMessage" and "wrong" in str(r.params.get("text", ""))
    ]
    assert errors == []


async def test_commands_are_registered_per_language(running):
    private = {"type": "all_private_chats"}  # groups get no commands: the bot works privately
    assert running.fake.commands() == []
    for language in SUPPORTED_LANGUAGES:
        commands = running.fake.commands(language_code=language, scope=private)
        assert [c["command"] for c in commands] == [
            "start",
            "myballot",
            "results",
            "status",
            "subscribe",
            "unsubscribe",
            "language",
            "help",
            "privacy",
            "mydata",
            "delete",
        ]
    german = running.fake.commands(language_code="de", scope=private)
    assert german != running.fake.commands(language_code="en", scope=private)
    assert running.fake.commands(language_code=None, scope=private) == german
    # staff see /results once, described as staff use it, beside their own commands
    staff = [c["command"] for c in running.fake.commands(scope={"type": "chat", "chat_id": STAFF})]
    assert staff.count("results") == 1 and {"voting", "news"} <= set(staff)
