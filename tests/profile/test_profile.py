"""The bot's profile in Telegram: description and short description per language, set at
start-up from the procedure file and the catalogs, only when they changed.

The real Application starts against the emulator with a real SQLite file; a restart is a new
EmulatedBot on the same database and the same fake Telegram, as a restarted process would be.
"""

import logging
import re
import unicodedata
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.config import Settings
from bot.emulated import DEMO_TOKEN, EmulatedBot
from bot.emulator import FakeTelegram
from bot.i18n import RLM
from bot.procedure import load_procedure
from bot.profile import DESCRIPTION, SHORT_DESCRIPTION
from bot.resources import example_procedure
from tests.conftest import RESIDENT, TEST_SECRET, last

LANGUAGES = ["de", "en", "tr", "ar", "ru", "uk", "fa", "pl"]
SETTERS = ("setMyDescription", "setMyShortDescription")


def sets(fake: FakeTelegram, since: int = 0) -> list[tuple[str, str]]:
    """(method, language_code or "") of every successful set call after request `since`."""
    return [
        (r.method, str(r.params.get("language_code") or ""))
        for r in fake.requests[since:]
        if r.method in SETTERS and r.ok
    ]


def stored(fake: FakeTelegram, kind: str, language: str) -> str:
    """The text Telegram keeps for this kind and language_code ("" for everyone else)."""
    return fake.bot_settings.get((kind, language), "")


def variant(tmp_path: Path, old: str, new: str) -> Path:
    """The example procedure with one line of it changed, as a city's staff would edit it."""
    text = example_procedure().read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "changed.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


async def restart(settings, fake: FakeTelegram, procedure_path: Path | None = None) -> EmulatedBot:
    """Start the bot once more on the same database and the same Telegram (caller stops it)."""
    path = procedure_path or settings.procedure
    bot = EmulatedBot(settings, load_procedure(path), fake=fake)
    await bot.start()
    return bot


async def test_first_start_sets_both_texts_in_every_language_and_for_everyone_else(running):
    fake = running.fake
    expected = {(m, language) for m in SETTERS for language in [*LANGUAGES, ""]}
    assert set(sets(fake)) == expected and len(sets(fake)) == len(expected)

    english = stored(fake, DESCRIPTION, "en")
    assert english.startswith("Zusammen.Lübeck.Leben! (Living together in Lübeck)")
    assert "Now everyone in Lübeck can say which goals matter most to them." in english
    assert "In each action field, choose up to 3 sub-goals that matter most to you." in english
    assert english.endswith("Tap the button below to take part. Free of charge, in 8 languages.")
    assert "Tippen Sie unten auf den Button" in stored(fake, DESCRIPTION, "de")
    assert "Бесплатно, на 8 языках." in stored(fake, DESCRIPTION, "ru")
    assert stored(fake, SHORT_DESCRIPTION, "en") == (
        "Tell the City of Lübeck which goals for living together matter most to you."
    )
    # Everyone whose language is not offered sees the default language's (German) texts.
    for kind in (DESCRIPTION, SHORT_DESCRIPTION):
        assert stored(fake, kind, "") == stored(fake, kind, "de") != ""

    # What Telegram answers to getMyDescription is what the bot set.
    answer = await running.application.bot.get_my_description(language_code="tr")
    assert answer.description == stored(fake, DESCRIPTION, "tr")
    short = await running.application.bot.get_my_short_description(language_code="pl")
    assert short.short_description == stored(fake, SHORT_DESCRIPTION, "pl")


async def test_a_restart_with_the_same_texts_makes_no_call(running, settings):
    fake = running.fake
    await running.stop()
    before = len(fake.requests)
    again = await restart(settings, fake)
    try:
        assert sets(fake, before) == []
        assert not any(r.method in SETTERS for r in fake.requests[before:])
        assert stored(fake, DESCRIPTION, "ar") != ""  # still there from the first start
    finally:
        await again.stop()


async def test_a_changed_invitation_sets_only_that_short_description(running, settings, tmp_path):
    fake = running.fake
    await running.stop()
    changed = variant(
        tmp_path,
        'invitation.en = "Tell the City of Lübeck which goals for living together matter most '
        'to you."',
        'invitation.en = "Help the City of Lübeck decide what comes first for living together."',
    )
    before = len(fake.requests)
    again = await restart(settings, fake, changed)
    try:
        assert sets(fake, before) == [("setMyShortDescription", "en")]
        assert stored(fake, SHORT_DESCRIPTION, "en") == (
            "Help the City of Lübeck decide what comes first for living together."
        )
    finally:
        await again.stop()


async def test_a_changed_default_language_text_also_changes_the_text_for_everyone(
    running, settings, tmp_path
):
    fake = running.fake
    await running.stop()
    changed = variant(
        tmp_path,
        'title.de = "Zusammen.Lübeck.Leben! – Integrationskonzept (Beispiel)"',
        'title.de = "Zusammen.Lübeck.Leben! – Das neue Integrationskonzept (Beispiel)"',
    )
    before = len(fake.requests)
    again = await restart(settings, fake, changed)
    try:
        # The German title is in the German description; the short description is the
        # invitation, which did not change.
        assert sorted(sets(fake, before)) == [("setMyDescription", ""), ("setMyDescription", "de")]
        for language in ("de", ""):
            assert "Das neue Integrationskonzept" in stored(fake, DESCRIPTION, language)
    finally:
        await again.stop()


async def test_a_language_no_longer_offered_loses_its_texts(running, settings, tmp_path):
    fake = running.fake
    await running.stop()
    changed = variant(
        tmp_path,
        'languages = ["de", "en", "tr", "ar", "ru", "uk", "fa", "pl"]',
        'languages = ["de", "en", "tr", "ar", "ru", "uk", "fa"]',
    )
    # Its translations go too (the reader refuses texts in a language not offered).
    lines = changed.read_text(encoding="utf-8").split("\n")
    kept = [line for line in lines if not re.match(r"^\S+\.pl = ", line)]
    changed.write_text("\n".join(kept), encoding="utf-8")
    before = len(fake.requests)
    again = await restart(settings, fake, changed)
    try:
        # Polish readers now see the German texts for everyone else, not the old Polish ones;
        # the other descriptions say "in 7 languages" now.
        assert ("setMyDescription", "pl") in sets(fake, before)
        assert ("setMyShortDescription", "pl") in sets(fake, before)
        assert stored(fake, DESCRIPTION, "pl") == stored(fake, SHORT_DESCRIPTION, "pl") == ""
        assert stored(fake, DESCRIPTION, "en").endswith("Free of charge, in 7 languages.")
        assert ("setMyShortDescription", "en") not in sets(fake, before)
    finally:
        await again.stop()
    # Withdrawn once is enough: the next start calls nothing.
    before = len(fake.requests)
    third = await restart(settings, fake, changed)
    await third.stop()
    assert sets(fake, before) == []


async def test_telegram_out_of_reach_at_start_is_logged_the_bot_runs_and_retries_next_start(
    settings, caplog
):
    caplog.set_level(logging.WARNING, logger="bot.profile")
    fake = FakeTelegram(token=DEMO_TOKEN)
    fake.inject_unreachable("setMyDescription", seconds=60)
    bot = EmulatedBot(settings, load_procedure(settings.procedure), fake=fake)
    async with bot:
        assert "bot profile not updated now (NetworkError" in caplog.text
        assert "tried again at the next start" in caplog.text
        assert fake.bot_settings == {}  # nothing set, nothing remembered as set
        # The bot works all the same.
        fake.add_user(RESIDENT, language_code="en")
        await bot.send(RESIDENT, "/start")
        assert last(bot).plain_text
    assert DEMO_TOKEN.split(":")[1] not in caplog.text  # no token in the log

    fake.faults.clear()
    before = len(fake.requests)
    again = await restart(settings, fake)
    await again.stop()
    assert len(sets(fake, before)) == 2 * (len(LANGUAGES) + 1)


async def test_a_text_telegram_refuses_is_logged_the_others_are_set_and_it_is_retried(
    settings, caplog
):
    caplog.set_level(logging.WARNING, logger="bot.profile")
    fake = FakeTelegram(token=DEMO_TOKEN)
    # The first description set (German) is refused; a 400 is an answer, not an outage.
    fake.inject_error("setMyDescription", 400, "Bad Request: DESCRIPTION_INVALID")
    bot = EmulatedBot(settings, load_procedure(settings.procedure), fake=fake)
    async with bot:
        assert "bot description (de) not set, Telegram refused it" in caplog.text
        assert stored(fake, DESCRIPTION, "de") == ""
        assert stored(fake, DESCRIPTION, "en") != "" and stored(fake, SHORT_DESCRIPTION, "de")
    before = len(fake.requests)
    again = await restart(settings, fake)
    await again.stop()
    assert sets(fake, before) == [("setMyDescription", "de")]
    assert stored(fake, DESCRIPTION, "de").startswith("Zusammen.Lübeck.Leben!")


def _rtl_ready(text: str) -> bool:
    """Every non-empty line starts with a right-to-left mark or a right-to-left letter."""
    return all(
        not line or line[0] == RLM or unicodedata.bidirectional(line[0]) in ("R", "AL")
        for line in text.split("\n")
    )


async def test_arabic_and_persian_texts_begin_right_to_left(running):
    fake = running.fake
    for language in ("ar", "fa"):
        description = stored(fake, DESCRIPTION, language)
        # The title begins with the Latin "Zusammen.Lübeck.Leben!": without the mark the
        # first paragraph would be laid out left to right.
        assert description.startswith(RLM + "Zusammen.Lübeck.Leben!")
        assert _rtl_ready(description)
        # The invitation begins with an Arabic letter: it needs no mark, and gets none.
        short = stored(fake, SHORT_DESCRIPTION, language)
        assert short[0] != RLM and _rtl_ready(short)
    for language in ("de", "en", "tr", "ru", "uk", "pl", ""):
        assert RLM not in stored(fake, DESCRIPTION, language) + stored(
            fake, SHORT_DESCRIPTION, language
        )


async def test_without_an_invitation_the_short_description_is_the_title(tmp_path):
    text = example_procedure().read_text(encoding="utf-8")
    kept = "\n".join(line for line in text.split("\n") if not line.startswith("invitation."))
    path = tmp_path / "no-invitation.toml"
    path.write_text(kept, encoding="utf-8")
    settings = Settings(database=tmp_path / "p.db", procedure=path, secret=TEST_SECRET)
    async with EmulatedBot(settings, load_procedure(path)) as bot:
        fake = bot.fake
        assert stored(fake, SHORT_DESCRIPTION, "en") == (
            "Zusammen.Lübeck.Leben! (Living together in Lübeck) – Integration concept (example)"
        )
        assert stored(fake, SHORT_DESCRIPTION, "ar") == RLM + (
            "Zusammen.Lübeck.Leben! (معًا نعيش في لوبيك) – خطة الاندماج (مثال)"
        )


# A Persian description that the reader accepts (a greeting fits in one message) but that,
# with the title and the catalog's lines, is longer than Telegram's 512 characters.
LONG_FA = "شهر لوبک برنامه ادغام خود را به‌روز می‌کند. " * 9


def test_check_names_a_too_long_composed_description_and_exits_1(tmp_path, capsys):
    old_fa = next(
        line
        for line in example_procedure().read_text(encoding="utf-8").split("\n")
        if line.startswith("description.fa = ")
    )
    path = variant(tmp_path, old_fa, f'description.fa = "{LONG_FA.strip()}"')
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "description" in line]
    assert len(lines) == 1, out
    assert "the bot's description in fa is" in lines[0]
    assert "Telegram shows at most 512" in lines[0] and "too long" in lines[0]
    assert "1 problem(s) found" in out and "valid" not in out.replace("invalid", "")


def test_check_counts_as_telegram_does_an_emoji_outside_the_bmp_is_two(tmp_path, capsys):
    # 60 emoji are 60 characters to Python but 120 UTF-16 code units; one more letter and
    # the short description is one too long, as Telegram counts it.
    invitation = "🏠" * 60 + "a"
    path = variant(
        tmp_path,
        'invitation.de = "Sagen Sie der Stadt Lübeck, welche Ziele für das Zusammenleben '
        'Ihnen am wichtigsten sind."',
        f'invitation.de = "{invitation}"',
    )
    assert len(invitation) == 61
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "the bot's short description in de is 121 characters" in out
    assert "1 too long" in out


def test_check_passes_the_shipped_example(capsys):
    assert main(["check", str(example_procedure())]) == 0
    assert "description" not in capsys.readouterr().out


@pytest.mark.parametrize("kind,limit", [("Description", 512), ("ShortDescription", 120)])
async def test_the_emulator_refuses_texts_over_the_limit_counted_in_utf16(kind, limit):
    fake = FakeTelegram()
    token = fake.token
    fits = "🏠" * (limit // 2)
    over = fits + "a"
    field = "description" if kind == "Description" else "short_description"
    status, _ = await fake.call(token, f"setMy{kind}", {field: fits, "language_code": "ar"})
    assert status == 200
    status, body = await fake.call(token, f"setMy{kind}", {field: over, "language_code": "ar"})
    assert status == 400 and body["ok"] is False
    status, body = await fake.call(token, f"getMy{kind}", {"language_code": "ar"})
    assert body["result"] == {field: fits}  # the refused text changed nothing
    status, body = await fake.call(token, f"getMy{kind}", {})
    assert body["result"] == {field: ""}  # nothing set for everyone else
    status, body = await fake.call(token, f"setMy{kind}", {field: "", "language_code": "ar"})
    status, body = await fake.call(token, f"getMy{kind}", {"language_code": "ar"})
    assert body["result"] == {field: ""}  # an empty text removes it
