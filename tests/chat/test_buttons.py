"""Typed buttons: short, versioned callback data that each kind packs and validates itself;
one that would not fit Telegram's 64 bytes cannot be built, and anything else a client sends
is either a valid button of the procedure or nothing."""

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.broadcasting.buttons import CancelBroadcast, Compose, ComposeLanguage, ComposePhase, Step
from bot.chat.buttons import MAX_CALLBACK_BYTES, Button, CallbackDataError, decode, markup
from bot.chat.menu import ToMenu
from bot.news.buttons import OlderNews, Reminder, Status, Subscription
from bot.privacy.notice import PrivacyNotice
from bot.procedure import Field, Goal, Text, load_procedure
from bot.resources import example_procedure
from bot.voting.buttons import (
    Consent,
    FieldBallot,
    FieldList,
    FieldPage,
    MyBallot,
    NoPreference,
    Pick,
    Points,
    Rank,
    Ranking,
    Unrank,
    Vote,
)
from bot.welcome.buttons import Help, Language, Languages
from tests.conftest import raw


def every_button(example):
    """One button of every kind, as the example procedure's screens make them."""
    field, phase = example.fields[0], example.phases[0]
    goal = field.goals[0]
    return [
        ToMenu(), Vote(), Consent(True), Consent(False), FieldList(), FieldPage(field),
        FieldBallot(field), NoPreference(field), Pick(field, goal, True),
        Pick(field, goal, False), MyBallot(), Help(), Languages(), Language("ar"),
        PrivacyNotice(), Status(), OlderNews(1), Subscription(True), Subscription(False),
        Reminder(True), Compose(Step.SKIP_REST), ComposeLanguage("de"), ComposePhase(phase),
        CancelBroadcast(12),
    ]  # fmt: skip


def test_every_button_reads_back_as_itself(example):
    for button in every_button(example):
        assert decode(button.pack(), example) == button


def test_the_callback_data_stays_as_it_was(example):
    # Buttons already in residents' chats keep working after an update of the bot.
    field = example.field("language-education")
    assert field is not None
    assert FieldPage(field).pack() == "v1:field:language-education"
    assert Pick(field, field.goals[1], True).pack() == f"v1:pick:{field.id}:{field.goals[1].id}:1"
    assert Consent(False).pack() == "v1:consent:no"
    assert ToMenu().pack() == "v1:menu"
    assert Compose(Step.AUDIENCE_DONE).pack() == "v1:compose:audience-done"


def test_callback_data_over_64_bytes_or_with_a_wrong_id_cannot_be_built():
    long_id = "a" * 24
    field = Field(long_id, Text(), Text(), ())
    goal = Goal(long_id, Text())
    with pytest.raises(CallbackDataError, match="over 64 bytes"):
        Points(field, goal, 10**20).pack()  # 81 bytes, each part an id
    with pytest.raises(CallbackDataError, match="not allowed"):
        Pick(replace(field, id=long_id + "-x"), goal, True).pack()  # 26 characters: not an id
    with pytest.raises(CallbackDataError, match="not allowed"):
        markup([[Button("x", FieldPage(replace(field, id="Field")))]])


def test_the_longest_allowed_arguments_fit():
    long_id = "a" * 24
    field, goal = Field(long_id, Text(), Text(), ()), Goal(long_id, Text())
    assert len(Pick(field, goal, True).pack().encode()) <= MAX_CALLBACK_BYTES


@pytest.mark.parametrize(
    "data",
    [None, "", "v0:menu", "v1:nonsense", "v1:field", "v1:field:a:b", "v1:field:UPPER",
     "v1:menu:extra", "\x00\xff garbage", "v1:field:" + "a" * 80, "v1:language:de;drop",
     "v1:field:no-such-field", "v1:language:fr", "v1:consent:maybe", "v1:pick:x:y:1",
     "v1:news:0", "v1:subscribe:yes", "v1:compose:launch", "v1:composephase:nope",
     "v1:bccancel:-1", "v1:rank:language-education:1", "v1:ranking", "v1:points:a:b:1"],
)  # fmt: skip
def test_forged_or_garbage_data_reads_as_nothing(example, data):
    assert decode(data, example) is None


def test_a_goal_the_field_does_not_have_or_a_method_not_in_use_is_nothing(example):
    first = example.fields[0]
    assert decode(raw("pick", first.id, "no-such-goal", "1"), example) is None
    assert decode(raw("pick", first.id, str(len(first.goals) + 1), "1"), example) is None
    assert decode(raw("pick", first.id, first.goals[0].id, "2"), example) is None
    # The example votes by top_n and does not rank its fields.
    assert decode(raw("points", first.id, first.goals[0].id, "1"), example) is None
    assert decode(Ranking().pack(), example) is None and decode(Unrank().pack(), example) is None
    assert decode(Rank(first, 1).pack(), example) is None


EXAMPLE = load_procedure(example_procedure())


@given(st.one_of(st.text(max_size=100), st.sampled_from([b.pack() for b in every_button(EXAMPLE)])))
def test_anything_a_client_sends_is_a_valid_button_or_nothing(data):
    found = decode(data, EXAMPLE)
    if found is not None:
        assert found.pack() == data and len(data.encode()) <= MAX_CALLBACK_BYTES
