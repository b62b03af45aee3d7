"""Private chats only: in groups, supergroups and channels nobody votes, sees a ballot, a
result or a staff preview; a group gets one note with a link to the private chat."""

import pytest

from bot.chat.private import DEEP_LINK_PAYLOAD
from bot.voting.buttons import Consent, FieldBallot, Pick, Vote
from bot.voting.window import WindowState, window
from tests.conftest import RESIDENT, STAFF, agree, alert, last, received, rows

GROUP = -4_001_234_567
SUPERGROUP = -1_001_234_567_890
CHANNEL = -1_009_876_543_210
NEIGHBOUR = 4343
NOTE = "I work only in a private chat, so that nobody else sees your choices."
PERSONAL_TABLES = (
    "participants",
    "ballots",
    "abstentions",
    "field_ranks",
    "voters",
    "subscriptions",
    "broadcasts",
    "deliveries",
)


def link(bot) -> str:
    return f"https://t.me/{bot.fake.bot_username}?start={DEEP_LINK_PAYLOAD}"


def crowd(bot, chat_id: int, *, supergroup: bool = False, bot_status: str = "member") -> None:
    """A resident, a staff member and a neighbour, all in the group `chat_id` (with the bot)."""
    for user in (RESIDENT, STAFF, NEIGHBOUR):
        bot.fake.add_user(user, language_code="en")
    members = [RESIDENT, STAFF, NEIGHBOUR]
    title = "Nachbarschaft Moisling"
    bot.fake.add_group(chat_id, title, members, supergroup=supergroup, bot_status=bot_status)


def snapshot(bot) -> dict[str, list[tuple]]:
    """Every table with something personal or a staff action in it."""
    tables = {name: rows(bot.database_path, f"SELECT * FROM {name}") for name in PERSONAL_TABLES}
    tables["audit_log"] = rows(bot.database_path, "SELECT actor_id, action FROM audit_log")
    return tables


def the_note(bot, chat_id: int):
    """The group's only bot message: the note, with one button that links to the private chat."""
    (note,) = bot.fake.bot_messages(chat_id)
    assert NOTE in note.plain_text
    assert note.buttons == [{"text": "Talk to me privately", "url": link(bot)}]
    return note


@pytest.mark.parametrize("supergroup", [False, True], ids=["group", "supergroup"])
async def test_in_a_group_nothing_is_shown_voted_or_run_and_one_note_links_to_the_private_chat(
    voting, example, supergroup
):
    chat_id = SUPERGROUP if supergroup else GROUP
    crowd(voting, chat_id, supergroup=supergroup)
    before = snapshot(voting)

    await voting.send_in_group(RESIDENT, chat_id, "/start")
    note = the_note(voting, chat_id)

    # Nothing a resident or staff member types in the group gets another answer.
    for user, text in [
        (RESIDENT, "/start@participation_demo_bot"),
        (RESIDENT, "/myballot"),
        (NEIGHBOUR, "/start field-health"),
        (RESIDENT, "@participation_demo_bot how do I vote?"),
        (STAFF, "/voting"),
        (STAFF, "/voting close"),
        (STAFF, "/results"),
        (STAFF, "/results publish"),
        (STAFF, "/broadcast"),
        (STAFF, "/broadcasts"),
        (STAFF, "/phase"),
    ]:
        assert await voting.send_in_group(user, chat_id, text) is not None
    # In privacy mode the bot never gets a message that is neither a command nor for it.
    assert await voting.send_in_group(NEIGHBOUR, chat_id, "who has voted?") is None

    # A vote (a valid Pick, as a modified client could send it) only gets the alert.
    field = example.fields[0]
    for pressed in (Pick(field, field.goals[0], True), Vote(), Consent(True), FieldBallot(field)):
        await voting.press_forged(RESIDENT, pressed, note.message_id, chat_id=chat_id)
        answer = alert(voting)
        assert answer.show_alert
        assert NOTE in answer.text and "@participation_demo_bot" in answer.text

    assert the_note(voting, chat_id) == note  # never edited, never joined by another message
    assert voting.fake.calls("editMessageText") == []
    assert voting.fake.calls("sendDocument") == voting.fake.calls("sendPhoto") == []
    for user in (RESIDENT, STAFF, NEIGHBOUR):  # nothing went to anyone's private chat either
        assert received(voting, user) == []
    assert snapshot(voting) == before
    state = (await window(voting.services.database, voting.services.procedure)).state()
    assert state is WindowState.OPEN  # staff's "/voting close" in the group did nothing

    # The same people in their private chats: everything works as always.
    await agree(voting, RESIDENT)
    await voting.press(RESIDENT, FieldBallot(field))
    await voting.press(RESIDENT, Pick(field, field.goals[0], True))
    assert "Chosen: 1 of" in last(voting).plain_text
    assert len(rows(voting.database_path, "SELECT * FROM ballots")) == 1
    await voting.send(STAFF, "/results")
    assert NOTE not in last(voting, STAFF).plain_text
    assert len(voting.fake.bot_messages(chat_id)) == 1


async def test_the_deep_link_of_the_note_opens_the_ordinary_greeting(running):
    running.fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/start")
    greeting = last(running).plain_text
    await running.send(RESIDENT, f"/start {DEEP_LINK_PAYLOAD}")
    assert last(running).plain_text == greeting


async def test_a_press_in_a_group_is_answered_even_without_a_note_and_does_not_use_it_up(
    voting, example
):
    crowd(voting, GROUP)
    field = example.fields[0]
    # A message the client shows but the bot no longer knows: an inaccessible message.
    await voting.press_forged(RESIDENT, Pick(field, field.goals[0], True), 77, chat_id=GROUP)
    assert NOTE in alert(voting).text
    assert voting.fake.bot_messages(GROUP) == []
    await voting.send_in_group(NEIGHBOUR, GROUP, "/start")
    the_note(voting, GROUP)


async def test_each_group_gets_its_own_note_once(running):
    crowd(running, GROUP)
    running.fake.add_group(SUPERGROUP, "Stadtteilforum", [RESIDENT], supergroup=True)
    await running.send_in_group(NEIGHBOUR, GROUP, "/help")
    await running.send_in_group(RESIDENT, SUPERGROUP, "/help")
    await running.send_in_group(RESIDENT, GROUP, "/help")
    await running.send_in_group(RESIDENT, SUPERGROUP, "/start")
    the_note(running, GROUP)
    the_note(running, SUPERGROUP)
    assert len(running.fake.calls("sendMessage")) == 2


async def test_someone_joining_the_group_gets_no_note(running):
    crowd(running, GROUP)
    running.fake.add_user(5151, language_code="en")
    await running.handled(running.fake.user_joins_group(5151, GROUP))
    assert running.fake.bot_messages(GROUP) == []
    await running.send_in_group(5151, GROUP, "/start")
    the_note(running, GROUP)


async def test_being_added_to_a_group_gets_the_note_once_and_leaving_forgets_the_group(running):
    crowd(running, GROUP, bot_status="left")
    await running.add_to_group(GROUP, NEIGHBOUR)  # my_chat_member, then the service message
    the_note(running, GROUP)
    await running.send_in_group(RESIDENT, GROUP, "/start")
    assert len(running.fake.bot_messages(GROUP)) == 1

    removal = running.fake.bot_removed_from_group(GROUP, NEIGHBOUR)
    await running.handled(removal)
    assert len(running.fake.calls("sendMessage")) == 1  # no farewell into a chat it left
    await running.add_to_group(GROUP, RESIDENT)
    assert [NOTE in m.plain_text for m in running.fake.bot_messages(GROUP)] == [True, True]


@pytest.mark.parametrize(
    ("language_code", "language"), [("ar", "ar"), ("en-US", "en"), ("xx", "de"), (None, "de")]
)
async def test_the_note_is_in_the_senders_language_if_offered_else_in_the_default(
    running, language_code, language
):
    crowd(running, GROUP)
    running.fake.add_user(NEIGHBOUR, language_code=language_code)
    await running.send_in_group(NEIGHBOUR, GROUP, "/start")
    t = running.services.catalogs.translator(language)
    expected = t.bidi(
        t.gettext(
            "I work only in a private chat, so that nobody else sees your choices. "
            "Tap here to talk to me privately:"
        )
    )
    (note,) = running.fake.bot_messages(GROUP)
    assert note.plain_text == expected
    assert note.buttons[0]["text"] == t.bidi(t.gettext("Talk to me privately"))


async def test_when_the_note_cannot_be_sent_nothing_else_happens_and_the_next_message_tries_again(
    running,
):
    crowd(running, GROUP)
    refusal = "Bad Request: not enough rights to send text messages to the chat"
    running.fake.inject_error("sendMessage", 400, refusal, chat_id=GROUP)
    await running.send_in_group(RESIDENT, GROUP, "/start")
    assert running.fake.bot_messages(GROUP) == []
    assert received(running, RESIDENT) == []
    assert rows(running.database_path, "SELECT * FROM participants") == []
    await running.send_in_group(RESIDENT, GROUP, "/start")
    the_note(running, GROUP)


async def test_channel_posts_get_no_answer(voting):
    voting.fake.add_channel(CHANNEL, "Lübeck Stadtteil-News", username="luebeck_news")
    before = snapshot(voting)
    sent = len(voting.fake.calls("sendMessage"))
    assert await voting.channel_post(CHANNEL, "/start") is not None
    assert await voting.channel_post(CHANNEL, "/results") is not None
    assert voting.fake.bot_messages(CHANNEL) == []
    assert len(voting.fake.calls("sendMessage")) == sent
    assert snapshot(voting) == before
