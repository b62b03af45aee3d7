"""Groups, supergroups and channels: the Chat and Message shapes, privacy mode, buttons in a
group, the bot joining and leaving, channel posts."""

import pytest
import telegram
from telegram import ChatMemberAdministrator, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden

from bot.emulator import FakeTelegram

GROUP = -4_001_234_567
SUPERGROUP = -1_001_234_567_890
CHANNEL = -1_009_876_543_210


@pytest.fixture
def groups(fake: FakeTelegram) -> FakeTelegram:
    """Ana (100) and Bob (200) in a group; Ana alone in a public supergroup; a channel."""
    fake.add_group(GROUP, "Nachbarn", [100, 200])
    fake.add_group(SUPERGROUP, "Forum", [100], supergroup=True, username="forum_hl")
    fake.add_channel(CHANNEL, "Stadtnews", username="stadtnews")
    return fake


async def test_a_message_in_a_group_comes_from_the_member_in_the_group_chat(
    ptb_bot: telegram.Bot, groups: FakeTelegram
):
    groups.user_sends_in_group(200, GROUP, "/start@participation_demo_bot now")
    (update,) = await ptb_bot.get_updates()
    message = update.message
    assert message.chat.id == GROUP
    assert (message.chat.type, message.chat.title) == ("group", "Nachbarn")
    assert message.from_user.id == 200
    assert message.from_user.username == "bob"
    (entity,) = message.entities
    assert entity.type == "bot_command"
    assert (entity.offset, entity.length) == (0, len("/start@participation_demo_bot"))
    raw = groups.chat(GROUP).messages[-1]
    assert raw.sender_id == 200 and not raw.from_bot
    assert update.effective_chat.type == "group"


async def test_privacy_mode_lets_only_commands_and_mentions_through(
    ptb_bot: telegram.Bot, groups: FakeTelegram
):
    me = await ptb_bot.get_me()
    assert me.can_read_all_group_messages is False
    assert groups.user_sends_in_group(100, GROUP, "hello everyone") is None
    assert groups.user_sends_in_group(100, GROUP, "/start@other_bot") is None
    assert groups.user_sends_in_group(100, GROUP, "/help") is not None
    assert groups.user_sends_in_group(100, GROUP, "ask @Participation_Demo_Bot") is not None
    texts = [u.message.text for u in await ptb_bot.get_updates()]
    assert texts == ["/help", "ask @Participation_Demo_Bot"]
    assert len(groups.chat(GROUP).messages) == 4  # the group shows all four
    # An administrator (or a bot without privacy mode) reads everything.
    groups.chat(GROUP).bot_status = "administrator"
    assert groups.user_sends_in_group(100, GROUP, "hello again") is not None
    groups.chat(GROUP).bot_status = "member"
    groups.privacy_mode = False
    assert groups.user_sends_in_group(100, GROUP, "and again") is not None
    assert (await ptb_bot.get_me()).can_read_all_group_messages is True


async def test_the_bot_writes_edits_and_gets_button_presses_in_a_group(
    ptb_bot: telegram.Bot, groups: FakeTelegram
):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="yes")]])
    sent = await ptb_bot.send_message(GROUP, "Wer kommt?", reply_markup=markup)
    assert (sent.chat.id, sent.chat.type, sent.from_user.is_bot) == (GROUP, "group", True)
    assert [m.plain_text for m in groups.bot_messages(GROUP)] == ["Wer kommt?"]
    assert groups.bot_messages(100) == []  # nothing in the members' private chats

    update_id = groups.press(200, "Ja", chat_id=GROUP)
    groups.user_sends_callback(100, 999, "stale", chat_id=GROUP)
    pressed, stale = await ptb_bot.get_updates()
    query = pressed.callback_query
    assert (query.from_user.id, query.message.chat.id, query.data) == (200, GROUP, "yes")
    assert query.message.chat.type == "group"
    assert not stale.callback_query.message.is_accessible
    assert stale.callback_query.message.chat.id == GROUP
    assert stale.callback_query.chat_instance == query.chat_instance  # one per chat
    assert groups.callback_for_update(update_id).chat_id == GROUP
    await query.answer("Danke", show_alert=True)
    assert groups.callback_for_update(update_id).answer.text == "Danke"

    await ptb_bot.edit_message_text("Wer kommt? Bob", GROUP, sent.message_id)
    assert groups.last_bot_message(GROUP).plain_text == "Wer kommt? Bob"
    with pytest.raises(ValueError, match="not a member"):
        groups.press(200, "Ja", chat_id=SUPERGROUP)
    with pytest.raises(ValueError, match="not a member"):
        groups.user_sends_in_group(200, SUPERGROUP, "/start")


async def test_a_supergroup_is_found_by_its_username_and_getchat_describes_it(
    ptb_bot: telegram.Bot, groups: FakeTelegram
):
    sent = await ptb_bot.send_message("@forum_hl", "Hallo")
    assert (sent.chat.id, sent.chat.type, sent.chat.username) == (
        SUPERGROUP,
        "supergroup",
        "forum_hl",
    )
    chat = await ptb_bot.get_chat(SUPERGROUP)
    assert (chat.type, chat.title) == ("supergroup", "Forum")
    private = await ptb_bot.get_chat(100)
    assert (private.type, private.first_name) == ("private", "Ana")


async def test_the_bot_is_added_and_removed(ptb_bot: telegram.Bot, fake: FakeTelegram):
    fake.add_group(GROUP, "Nachbarn", [100, 200], bot_status="left")
    with pytest.raises(Forbidden, match="not a member of the group chat"):
        await ptb_bot.send_message(GROUP, "Hallo")
    assert fake.user_sends_in_group(100, GROUP, "/start") is None  # not in it: sees nothing

    fake.bot_added_to_group(GROUP, 100)
    joined, service = await ptb_bot.get_updates()
    change = joined.my_chat_member
    assert (change.chat.id, change.from_user.id) == (GROUP, 100)
    assert (change.old_chat_member.status, change.new_chat_member.status) == ("left", "member")
    assert change.new_chat_member.user.is_bot
    assert [u.id for u in service.message.new_chat_members] == [fake.bot_id]
    assert service.message.chat.id == GROUP
    await ptb_bot.send_message(GROUP, "Hallo")

    fake.bot_removed_from_group(GROUP, 200, ban=True)
    (removed,) = await ptb_bot.get_updates(offset=service.update_id + 1)
    assert removed.my_chat_member.new_chat_member.status == "kicked"
    with pytest.raises(Forbidden, match="kicked from the group chat"):
        await ptb_bot.send_message(GROUP, "Hallo?")

    fake.bot_added_to_group(GROUP, 100, status="administrator")
    promoted, _ = await ptb_bot.get_updates(offset=removed.update_id + 1)
    assert isinstance(promoted.my_chat_member.new_chat_member, ChatMemberAdministrator)


async def test_a_channel_post_has_the_channel_as_sender_and_needs_allowed_updates(
    ptb_bot: telegram.Bot, groups: FakeTelegram
):
    groups.channel_post(CHANNEL, "Neuigkeiten", author_signature="Redaktion")
    assert await ptb_bot.get_updates(allowed_updates=["message", "callback_query"]) == ()
    groups.channel_post(CHANNEL, "Mehr Neuigkeiten")
    (update,) = await ptb_bot.get_updates(allowed_updates=["channel_post"])
    post = update.channel_post
    assert (post.chat.type, post.chat.id, post.text) == ("channel", CHANNEL, "Mehr Neuigkeiten")
    assert post.from_user is None
    assert post.sender_chat.id == CHANNEL
    assert update.effective_user is None
    assert update.effective_chat.type == "channel"
    sent = await ptb_bot.send_message(CHANNEL, "Antwort")
    assert sent.from_user is None and sent.sender_chat.id == CHANNEL


def test_groups_have_telegrams_ids_and_real_members(fake: FakeTelegram):
    with pytest.raises(ValueError, match="negative id"):
        fake.add_group(5, "Positive")
    with pytest.raises(ValueError, match="-100"):
        fake.add_group(-4_001, "Not a supergroup id", supergroup=True)
    with pytest.raises(ValueError, match="-100"):
        fake.add_channel(-5, "Not a channel id")
    with pytest.raises(ValueError, match="unknown user"):
        fake.add_group(GROUP, "Strangers", [31337])
    assert GROUP not in fake.chats
    fake.add_group(GROUP, "Once")
    with pytest.raises(ValueError, match="exists already"):
        fake.add_group(GROUP, "Twice")
    with pytest.raises(ValueError, match="unknown group"):
        fake.user_sends_in_group(100, -777, "/start")
    fake.add_to_group(GROUP, 100)
    with pytest.raises(ValueError, match="empty"):
        fake.user_sends_in_group(100, GROUP, "  ")


async def test_private_chats_keep_working_beside_groups(
    ptb_bot: telegram.Bot, groups: FakeTelegram
):
    groups.user_sends(100, "/start")
    (update,) = await ptb_bot.get_updates()
    assert update.message.chat.type == "private"
    assert update.message.from_user.id == 100
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await ptb_bot.send_message(-999, "nobody")


async def test_groups_over_http(http_bot: telegram.Bot, groups: FakeTelegram):
    sent = await http_bot.send_message(SUPERGROUP, "Hallo <b>Forum</b>", parse_mode="HTML")
    assert (sent.chat.id, sent.chat.type) == (SUPERGROUP, "supergroup")
    groups.user_sends_in_group(100, SUPERGROUP, "/myballot")
    (update,) = await http_bot.get_updates()
    assert (update.message.chat.id, update.message.from_user.id) == (SUPERGROUP, 100)


async def test_a_user_joining_is_a_service_message(ptb_bot: telegram.Bot, groups: FakeTelegram):
    groups.user_joins_group(200, SUPERGROUP)
    (update,) = await ptb_bot.get_updates()
    message = update.message
    assert [u.id for u in message.new_chat_members] == [200]
    assert message.text is None
    assert message.from_user.id == 200
    assert 200 in groups.chat(SUPERGROUP).members
    with pytest.raises(ValueError, match="already"):
        groups.user_joins_group(200, SUPERGROUP)
