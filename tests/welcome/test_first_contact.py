"""First contact: a resident whose Telegram language is not offered (or who has none) gets
the language picker first, titled in several scripts, and the choice is remembered."""

import pytest

from bot.i18n import RLM, native_name
from bot.welcome.buttons import Language, Languages
from storage import participants
from storage.db import Database
from tests.conftest import RESIDENT, buttons, last


async def stored_language(running, user_id=RESIDENT):
    db = await Database.open(running.database_path)
    try:
        found = await participants.get(db, user_id)
        return found.language if found else None
    finally:
        await db.close()


def labels(message):
    return [label.replace(RLM, "").removeprefix("✓ ") for label, _ in buttons(message)]


@pytest.mark.parametrize("code", ["ku", "prs", "pt-BR", None])
async def test_an_unoffered_telegram_language_gets_the_picker_first_and_the_choice_stays(
    running, example, code
):
    running.fake.add_user(RESIDENT, language_code=code)
    await running.send(RESIDENT, "/start")
    first = last(running)
    text = first.plain_text
    # The procedure's name in German, then "choose your language" in several scripts.
    assert example.title["de"] in text
    t = running.services.catalogs.translator
    for language in ("en", "de", "ar", "uk"):
        said = t(language).gettext("🌐 Choose your language:").removeprefix("🌐 ").rstrip(":")
        assert said in text
    # Each offered language in its own name, as buttons: no "🌐 Sprache" detour.
    for language in example.languages:
        assert native_name(language) in labels(first)
    assert Languages().pack() not in [data for _, data in buttons(first)]
    assert not any(label.startswith("✓") for label, _ in buttons(first))  # nothing chosen yet

    await running.press(RESIDENT, Language("uk"))
    chosen = last(running).plain_text
    assert example.title["uk"] in chosen
    # The language's name on a line of its own: no translation has to inflect it.
    assert "🌐 Українська" in chosen.split("\n")
    assert await stored_language(running) == "uk"

    # Remembered: the next /start greets in Ukrainian, without the picker.
    await running.send(RESIDENT, "/start")
    again = last(running)
    assert example.description["uk"] in again.plain_text
    assert native_name("pl") not in labels(again)


@pytest.mark.parametrize("code", ["de", "en-US", "fa-AF"])
async def test_an_offered_telegram_language_is_greeted_at_once(running, example, code):
    running.fake.add_user(RESIDENT, language_code=code)
    await running.send(RESIDENT, "/start")
    greeting = last(running)
    language = code[:2]
    assert example.description[language] in greeting.plain_text
    assert native_name("pl") not in labels(greeting)  # the menu, not the picker
    assert await stored_language(running) is None  # nothing chosen, nothing stored


async def test_a_deep_link_language_skips_the_picker(running, example):
    running.fake.add_user(RESIDENT, language_code="ku")
    await running.send(RESIDENT, "/start lang-fa")
    assert example.description["fa"] in last(running).plain_text
    assert await stored_language(running) == "fa"
