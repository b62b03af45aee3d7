"""Sending and editing through a real python-telegram-bot Bot, in process."""

import pytest
import telegram
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest, Forbidden, InvalidToken

from bot.emulator import EmulatorRequest, FakeTelegram


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.upper(), callback_data=d)] for d in data])


async def test_get_me(ptb_bot: telegram.Bot):
    me = await ptb_bot.get_me()
    assert me.is_bot
    assert me.id == 123456
    assert me.username == "participation_demo_bot"
    assert me.can_join_groups is True


async def test_wrong_token_is_unauthorized(fake: FakeTelegram):
    ptb_bot = telegram.Bot("999:WRONG", request=EmulatorRequest(fake))
    with pytest.raises(InvalidToken):
        await ptb_bot.get_me()


async def test_unknown_method_is_not_found(fake: FakeTelegram):
    status, body = await fake.call("123456:TEST", "sendTelepathy", {})
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_send_message_is_stored_and_returned(ptb_bot: telegram.Bot, fake: FakeTelegram):
    sent = await ptb_bot.send_message(
        100, "<b>Hallo</b> &lt;Welt&gt;", parse_mode="HTML", reply_markup=keyboard("a", "b")
    )
    assert sent.text == "Hallo <Welt>"
    assert sent.entities[0].type == "bold"
    assert sent.from_user.is_bot
    assert sent.chat.id == 100
    assert sent.reply_markup.inline_keyboard[1][0].callback_data == "b"
    record = fake.last_bot_message(100)
    assert record.message_id == sent.message_id
    assert record.text == "<b>Hallo</b> &lt;Welt&gt;"
    assert record.plain_text == "Hallo <Welt>"
    assert record.parse_mode == "HTML"
    assert record.callback_data == ["a", "b"]
    assert fake.calls("sendMessage")[0].params["chat_id"] == 100


async def test_message_ids_increase_per_chat(ptb_bot: telegram.Bot, fake: FakeTelegram):
    fake.user_sends(100, "hi")
    first = await ptb_bot.send_message(100, "one")
    second = await ptb_bot.send_message(100, "two")
    assert (first.message_id, second.message_id) == (2, 3)
    assert [m.plain_text for m in fake.bot_messages(100)] == ["one", "two"]


async def test_edit_text_and_markup(ptb_bot: telegram.Bot, fake: FakeTelegram):
    sent = await ptb_bot.send_message(100, "first", reply_markup=keyboard("a"))
    edited = await ptb_bot.edit_message_text(
        "second", 100, sent.message_id, reply_markup=keyboard("b")
    )
    assert edited.text == "second"
    assert edited.edit_date is not None
    record = fake.last_bot_message(100)
    assert (record.plain_text, record.edit_count, record.callback_data) == ("second", 1, ["b"])
    await ptb_bot.edit_message_reply_markup(100, sent.message_id, reply_markup=keyboard("c"))
    assert record.callback_data == ["c"]
    # Like Telegram, an edit of the text without reply_markup drops the keyboard.
    await ptb_bot.edit_message_text("third", 100, sent.message_id)
    assert record.reply_markup is None


async def test_identical_edit_is_not_modified(ptb_bot: telegram.Bot):
    sent = await ptb_bot.send_message(
        100, "<i>same</i>", parse_mode="HTML", reply_markup=keyboard("a")
    )
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await ptb_bot.edit_message_text(
            "<i>same</i>", 100, sent.message_id, parse_mode="HTML", reply_markup=keyboard("a")
        )
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await ptb_bot.edit_message_reply_markup(100, sent.message_id, reply_markup=keyboard("a"))
    # Same text, other formatting: that is a modification.
    await ptb_bot.edit_message_text("same", 100, sent.message_id, reply_markup=keyboard("a"))


async def test_edit_unknown_or_deleted_message(ptb_bot: telegram.Bot):
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await ptb_bot.edit_message_text("x", 100, 999)
    sent = await ptb_bot.send_message(100, "bye")
    assert await ptb_bot.delete_message(100, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await ptb_bot.edit_message_text("x", 100, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await ptb_bot.delete_message(100, sent.message_id)


async def test_cannot_edit_user_message(ptb_bot: telegram.Bot, fake: FakeTelegram):
    fake.user_sends(100, "mine")
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await ptb_bot.edit_message_text("x", 100, 1)


@pytest.mark.parametrize("length", [0, 4097])
async def test_text_length_refused(ptb_bot: telegram.Bot, length: int):
    expected = "message text is empty" if length == 0 else "message is too long"
    with pytest.raises(BadRequest, match=r"(?i)" + expected):
        await ptb_bot.send_message(100, "x" * length)


async def test_text_limits_count_after_html_and_in_utf16(ptb_bot: telegram.Bot):
    await ptb_bot.send_message(100, "x" * 4096)
    # Tags and entity escapes are not counted: 4096 visible characters pass.
    await ptb_bot.send_message(100, "<b>" + "&amp;" * 4096 + "</b>", parse_mode="HTML")
    # An emoji outside the BMP is two UTF-16 units.
    await ptb_bot.send_message(100, "😀" * 2048)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await ptb_bot.send_message(100, "😀" * 2048 + "x")
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await ptb_bot.send_message(100, "<b> </b>", parse_mode="HTML")


async def test_malformed_html_refused(ptb_bot: telegram.Bot):
    with pytest.raises(BadRequest, match=r'(?i)can\'t parse entities: Unsupported start tag "div"'):
        await ptb_bot.send_message(100, "<div>x</div>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities: Can't find end tag"):
        await ptb_bot.send_message(100, "<b>open", parse_mode="HTML")


async def test_oversized_callback_data_refused(ptb_bot: telegram.Bot, fake: FakeTelegram):
    await ptb_bot.send_message(100, "ok", reply_markup=keyboard("x" * 64))
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await ptb_bot.send_message(100, "no", reply_markup=keyboard("x" * 65))
    # 64 bytes, not characters: 33 two-byte characters are too many.
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await ptb_bot.send_message(100, "no", reply_markup=keyboard("ä" * 33))
    assert [m.plain_text for m in fake.bot_messages(100)] == ["ok"]


async def test_unknown_chat(ptb_bot: telegram.Bot):
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await ptb_bot.send_message(4242, "hello?")


async def test_chat_by_username(ptb_bot: telegram.Bot, fake: FakeTelegram):
    await ptb_bot.send_message("@bob", "hi Bob")
    assert fake.last_bot_message(200).plain_text == "hi Bob"


async def test_blocked_user_is_forbidden(ptb_bot: telegram.Bot, fake: FakeTelegram):
    sent = await ptb_bot.send_message(100, "before")
    fake.user_blocks(100)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await ptb_bot.send_message(100, "after")
    with pytest.raises(Forbidden):
        await ptb_bot.edit_message_text("edit", 100, sent.message_id)
    fake.user_unblocks(100)
    await ptb_bot.send_message(100, "again")


async def test_reply_keyboard_belongs_to_chat(ptb_bot: telegram.Bot, fake: FakeTelegram):
    markup = ReplyKeyboardMarkup([[KeyboardButton("Deutsch"), KeyboardButton("English")]])
    sent = await ptb_bot.send_message(100, "Sprache?", reply_markup=markup)
    assert sent.reply_markup is None  # Telegram only returns inline keyboards
    assert fake.chat(100).reply_keyboard["keyboard"][0][1]["text"] == "English"
    await ptb_bot.send_message(100, "ok", reply_markup=ReplyKeyboardRemove())
    assert fake.chat(100).reply_keyboard is None


async def test_commands_per_scope_and_language(ptb_bot: telegram.Bot, fake: FakeTelegram):
    await ptb_bot.set_my_commands([("start", "Beginnen")], language_code="de")
    await ptb_bot.set_my_commands(
        [("broadcast", "Send news")], scope=telegram.BotCommandScopeChat(100)
    )
    assert fake.commands("de") == [{"command": "start", "description": "Beginnen"}]
    assert fake.commands() == []
    assert fake.commands(scope={"type": "chat", "chat_id": 100})[0]["command"] == "broadcast"
    got = await ptb_bot.get_my_commands(language_code="de")
    assert got[0].command == "start"
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await ptb_bot.set_my_commands([("Start-Now", "x")])
    await ptb_bot.delete_my_commands(language_code="de")
    assert fake.commands("de") == []


async def test_menu_button_and_chat_action(ptb_bot: telegram.Bot, fake: FakeTelegram):
    await ptb_bot.set_chat_menu_button(100, telegram.MenuButtonCommands())
    assert fake.chat(100).menu_button == {"type": "commands"}
    assert await ptb_bot.send_chat_action(100, "typing")
    assert await ptb_bot.close()


async def test_copy_message_and_reply(ptb_bot: telegram.Bot, fake: FakeTelegram):
    sent = await ptb_bot.send_message(100, "<b>news</b>", parse_mode="HTML")
    copied = await ptb_bot.copy_message(200, 100, sent.message_id)
    assert fake.chat(200).find(copied.message_id).plain_text == "news"
    reply = await ptb_bot.send_message(
        100, "re", reply_parameters=telegram.ReplyParameters(sent.message_id)
    )
    assert reply.reply_to_message.message_id == sent.message_id
