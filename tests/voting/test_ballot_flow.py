"""A ballot from start to end: open until, short buttons, typed numbers, "no preference"
with undo, the end ("Done"), what is still open, and consent that leads to the field asked
for. Texts are compared through each language's catalog (translations come later)."""

import re
from dataclasses import replace

import pytest

from bot.chat.menu import ToMenu
from bot.emulated import EmulatedBot
from bot.languages import SUPPORTED_LANGUAGES
from bot.news.buttons import Status, Subscription
from bot.procedure import load_procedure
from bot.resources import example_procedure
from bot.voting.buttons import (
    Consent,
    Done,
    FieldBallot,
    MyBallot,
    NoPreference,
    Pick,
    UndoNoPreference,
    Vote,
)
from bot.voting.end import share_url
from bot.voting.voter import voter_key
from bot.voting.window import window
from tests.conftest import RESIDENT, agree, buttons, data, last, open_window, rows


def translator(bot, language):
    return bot.services.catalogs.translator(language)


async def closes(bot):
    return (await window(bot.services.database, bot.services.procedure)).closes


def open_until(t, moment):
    return t.gettext("Voting is open until %(date)s.", date=t.datetime(moment))


async def test_open_until_on_consent_and_field_screens_in_every_language(voting, example):
    moment = await closes(voting)
    for n, language in enumerate(example.languages):
        user, t = RESIDENT + n, translator(voting, language)
        voting.fake.add_user(user, language_code=language)
        await voting.send(user, "/start")
        await voting.press(user, Vote())
        assert open_until(t, moment) in last(voting, user).plain_text
        await voting.press(user, Consent(True))
        await voting.press(user, FieldBallot(example.fields[0]))
        assert open_until(t, moment) in last(voting, user).plain_text


async def test_sub_goal_buttons_carry_the_number_and_the_text_carries_the_goal(voting, example):
    await agree(voting, RESIDENT)
    field = example.fields[0]
    await voting.press(RESIDENT, FieldBallot(field))
    await voting.press(RESIDENT, Pick(field, field.goals[1], True))
    screen = last(voting)
    labels = {d: label for label, d in buttons(screen)}
    short = field.goals[0].short
    assert short is not None  # the example has short labels: the number, then the label
    assert labels[Pick(field, field.goals[0], True).pack()] == f"☐ 1.1 {short['en']}"
    assert labels[Pick(field, field.goals[1], False).pack()].startswith("✅ 1.2")
    for goal in field.goals:  # each sub-goal's whole text once, in the message
        assert screen.plain_text.count(goal.text["en"]) == 1


async def test_typed_numbers_choose_in_the_field_or_stay_with_a_hint(voting, example):
    await agree(voting, RESIDENT)
    field = example.fields[0]
    await voting.press(RESIDENT, FieldBallot(field))
    await voting.send(RESIDENT, "1.2")
    await voting.send(RESIDENT, "4")
    stored = rows(voting.database_path, "SELECT goal_id FROM ballots ORDER BY goal_id")
    assert [g for (g,) in stored] == sorted([field.goals[1].id, field.goals[3].id])
    assert FieldBallot(example.fields[1]).pack() in data(last(voting))  # still in the field
    await voting.send(RESIDENT, "4")  # as the button: a chosen sub-goal is removed
    assert len(rows(voting.database_path, "SELECT * FROM ballots")) == 1
    await voting.send(RESIDENT, "3.1")  # not this field: a hint, nothing changes
    t = translator(voting, "en")
    hint = t.gettext(
        "Type the number of a sub-goal of this field (%(first)s to %(last)s), or use the buttons.",
        first="1.1",
        last=f"1.{len(field.goals)}",
    )
    assert hint in last(voting).plain_text
    assert len(rows(voting.database_path, "SELECT * FROM ballots")) == 1
    # Outside a field screen a number is free text as before: the menu, nothing stored.
    await voting.press(RESIDENT, Vote())  # the field list replaces the field screen
    await voting.send(RESIDENT, "1.2")
    assert "buttons" in last(voting).plain_text
    assert len(rows(voting.database_path, "SELECT * FROM ballots")) == 1
    # Any other feature's screen replaces the field screen too (here /status, then /privacy).
    for elsewhere in ("/status", "/privacy"):
        await voting.press(RESIDENT, Vote())
        await voting.press(RESIDENT, FieldBallot(field))
        await voting.send(RESIDENT, elsewhere)
        await voting.send(RESIDENT, "2")
        assert "buttons" in last(voting).plain_text
        assert len(rows(voting.database_path, "SELECT * FROM ballots")) == 1


async def test_no_preference_says_what_it_removed_and_can_be_undone(voting, example):
    for n, language in enumerate(example.languages):
        user, t = RESIDENT + n, translator(voting, language)
        await agree(voting, user, language)
        field = example.fields[1]
        await voting.press(user, FieldBallot(field))
        await voting.press(user, Pick(field, field.goals[0], True))
        await voting.press(user, Pick(field, field.goals[2], True))
        await voting.press(user, NoPreference(field))
        screen = last(voting, user)
        removed = t.ngettext(
            "Your %(count)d choice in this field was removed.",
            "Your %(count)d choices in this field were removed.",
            2,
        )
        assert removed in screen.plain_text
        nopref = t.gettext("🤷 No preference in this field")
        label = next(label for label, _ in buttons(screen) if nopref in label)
        assert label.lstrip("\u200f").startswith("✅ ")
        key = voter_key(voting.settings.secret, user)
        sql = "SELECT goal_id FROM ballots WHERE voter_key = ? ORDER BY goal_id"
        assert rows(voting.database_path, sql, (key,)) == []
        await voting.press(user, UndoNoPreference(field))
        assert [g for (g,) in rows(voting.database_path, sql, (key,))] == sorted(
            [field.goals[0].id, field.goals[2].id]
        )
        sql = "SELECT * FROM abstentions WHERE voter_key = ?"
        assert rows(voting.database_path, sql, (key,)) == []
        assert t.gettext("Your choices are back.") in last(voting, user).plain_text


async def test_done_ends_the_ballot_and_what_is_missing_is_shown_later(voting, example):
    moment = await closes(voting)
    username = voting.application.bot.username
    for n, language in enumerate(example.languages):
        user, t = RESIDENT + n, translator(voting, language)
        await agree(voting, user, language)
        field = example.fields[0]
        await voting.press(user, FieldBallot(field))
        assert Done().pack() not in data(last(voting, user))  # nothing answered yet
        await voting.press(user, Pick(field, field.goals[0], True))
        assert Done().pack() in data(last(voting, user))
        await voting.press(user, Done())
        end = last(voting, user)
        saved = t.gettext(
            "Your priorities are saved — you can change them until %(date)s.",
            date=t.datetime(moment),
        )
        assert saved in end.plain_text
        open_fields = [
            f"{t.numeral(str(i))}. {f.title[language]}" for i, f in enumerate(example.fields, 1)
        ][1:]
        missing = t.ngettext(
            "Still open: %(count)d of %(total)d action fields: %(fields)s",
            "Still open: %(count)d of %(total)d action fields: %(fields)s",
            6,
            total=7,
            fields=t.listed(open_fields, long=True),
        )
        assert missing in end.plain_text
        # Sharing is a link button (Telegram's share sheet), labelled in the reader's language.
        share = "📣 " + t.gettext("Share this bot with your neighbours")
        links = [b["url"] for row in end.reply_markup["inline_keyboard"] for b in row if "url" in b]
        assert links == [share_url(username)]
        assert any(share in label for label, _ in buttons(end))
        assert MyBallot().pack() in data(end)
        assert Subscription(True).pack() in data(end)
        # Subscribed: the end does not offer the news again.
        await voting.press(user, Subscription(True))
        await voting.send(user, "/start")
        await voting.press(user, Vote())
        # Next time "Set your priorities" says what is still open.
        assert missing in last(voting, user).plain_text
        await voting.press(user, FieldBallot(field))
        await voting.press(user, Done())
        assert Subscription(True).pack() not in data(last(voting, user))


async def test_every_field_answered_says_so_and_offers_done(voting, example):
    await agree(voting, RESIDENT)
    for field in example.fields:
        await voting.press(RESIDENT, FieldBallot(field))
        await voting.press(RESIDENT, NoPreference(field))
    t = translator(voting, "en")
    text = t.gettext("Every action field is answered. Tap “Done” when you are finished.")
    assert text in last(voting).plain_text
    await voting.press(RESIDENT, Done())
    assert "Still open" not in last(voting).plain_text


@pytest.mark.parametrize("way", ["deep link", "my ballot"])
async def test_consent_leads_to_the_field_asked_for(voting, example, way):
    field = example.fields[3]
    voting.fake.add_user(RESIDENT, language_code="en")
    if way == "deep link":
        await voting.send(RESIDENT, f"/start field-{field.id}")
    else:
        await voting.send(RESIDENT, "/start")
        await voting.send(RESIDENT, "/myballot")
    await voting.press(RESIDENT, FieldBallot(field))
    assert "Do you agree?" in last(voting).plain_text
    await voting.press(RESIDENT, Consent(True))
    screen = last(voting)
    assert NoPreference(field).pack() in data(screen)
    assert field.guiding_goal["en"] in screen.plain_text


async def test_the_menu_keeps_its_shape_and_adds_my_ballot_once_a_ballot_exists(voting, example):
    for n, language in enumerate(example.languages):
        user, t = RESIDENT + n, translator(voting, language)
        voting.fake.add_user(user, language_code=language)
        await voting.send(user, "/start")
        before = data(last(voting, user))
        assert Subscription(True).pack() in before
        await voting.press(user, Subscription(True))
        await voting.press(user, ToMenu())
        subscribed = last(voting, user)
        # Same number of rows, the news row in the same place, now saying "on".
        assert len(data(subscribed)) == len(before)
        place = before.index(Subscription(True).pack())
        assert buttons(subscribed)[place][0].lstrip("\u200f") == t.gettext("🔔 News: on")
        assert buttons(subscribed)[place][1] == Status().pack()
        assert MyBallot().pack() not in data(subscribed)
        # A ballot: "My ballot" joins the menu (the one expected change of shape).
        await voting.press(user, Vote())
        await voting.press(user, Consent(True))
        field = example.fields[0]
        await voting.press(user, FieldBallot(field))
        await voting.press(user, Pick(field, field.goals[0], True))
        await voting.send(user, "/start")
        menu = data(last(voting, user))
        assert len(menu) == len(before) + 1 and MyBallot().pack() in menu


@pytest.fixture
async def short_bot(settings, tmp_path):
    # The example without its short labels, then one on sub-goal 1.1 in every language.
    text = re.sub(
        r"^short\.\w+ = .*\n", "", example_procedure().read_text(encoding="utf-8"), flags=re.M
    )
    marker = 'id = "1"\ntext.de = "Mehr Deutschkurse'
    assert marker in text
    labels = "".join(f'short.{code} = "Kurse {code}"\n' for code in SUPPORTED_LANGUAGES)
    text = text.replace(marker, 'id = "1"\n' + labels + marker.split("\n", 1)[1], 1)
    path = tmp_path / "short.toml"
    path.write_text(text, encoding="utf-8")
    procedure = load_procedure(path)
    bot = EmulatedBot(replace(settings, procedure=path), procedure)
    async with bot:
        await open_window(bot)
        yield bot, procedure


async def test_a_short_label_joins_the_number_on_the_button(short_bot):
    bot, procedure = short_bot
    field = procedure.fields[0]
    for n, language in enumerate(procedure.languages):
        user = RESIDENT + n
        await agree(bot, user, language)
        await bot.press(user, FieldBallot(field))
        await bot.press(user, Pick(field, field.goals[0], True))
        labels = [label.lstrip("\u200f") for label, _ in buttons(last(bot, user))]
        t = bot.services.catalogs.translator(language)
        assert f"✅ {t.numeral('1.1')} Kurse {language}" in labels  # Persian: ۱.۱
        assert f"☐ {t.numeral('1.2')}" in labels
        assert field.goals[0].text[language] in last(bot, user).plain_text


async def test_persian_screens_number_in_persian_digits_and_take_them_typed(voting, example):
    await agree(voting, RESIDENT, "fa")
    field = example.fields[0]
    await voting.press(RESIDENT, FieldBallot(field))
    screen = last(voting).plain_text
    assert "۱.۲ " in screen and "1.2 " not in screen  # one digit style on the screen
    await voting.send(RESIDENT, "۱٫۲")  # as a Persian keyboard types it
    stored = rows(voting.database_path, "SELECT goal_id FROM ballots")
    assert stored == [(field.goals[1].id,)]
