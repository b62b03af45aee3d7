"""Updates from residents: long polling, callback queries, my_chat_member, conflicts."""

import asyncio

import pytest
import telegram
from telegram import CallbackQuery, ChatMemberUpdated, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Conflict

from bot.emulator import FakeTelegram

TOKEN = "123456:TEST"


async def test_long_poll_wakes_up_on_user_message(ptb_bot: telegram.Bot, fake: FakeTelegram):
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(ptb_bot.get_updates(timeout=10))
    await fake.wait_for(lambda: len(fake.calls("getUpdates")) == 1)
    fake.user_sends(100, "/start field-health")
    updates = await asyncio.wait_for(poll, 2)
    assert loop.time() - started < 1
    message = updates[0].message
    assert updates[0].update_id == 1
    assert message.text == "/start field-health"
    assert message.entities[0].type == "bot_command"
    assert (message.entities[0].offset, message.entities[0].length) == (0, 6)
    assert message.from_user.language_code == "de"
    assert message.chat.type == "private"


async def test_long_poll_times_out_empty(ptb_bot: telegram.Bot):
    assert await ptb_bot.get_updates(timeout=0.1) == ()


async def test_offset_confirms_updates(ptb_bot: telegram.Bot, fake: FakeTelegram):
    for text in ("a", "b", "c"):
        fake.user_sends(100, text)
    first = await ptb_bot.get_updates(limit=2)
    assert [u.update_id for u in first] == [1, 2]
    rest = await ptb_bot.get_updates(offset=3)
    assert [u.message.text for u in rest] == ["c"]
    assert fake.unconfirmed_updates() == 1
    assert await ptb_bot.get_updates(offset=4) == ()
    assert fake.unconfirmed_updates() == 0


async def test_allowed_updates_filter(ptb_bot: telegram.Bot, fake: FakeTelegram):
    fake.user_sends(100, "text")
    fake.user_blocks(100)
    updates = await ptb_bot.get_updates(allowed_updates=["my_chat_member"])
    assert len(updates) == 1
    assert updates[0].my_chat_member is not None


async def test_language_code_absent(ptb_bot: telegram.Bot, fake: FakeTelegram):
    fake.user_sends(200, "hi")
    (update,) = await ptb_bot.get_updates()
    assert update.effective_user.language_code is None
    assert "language_code" not in fake.updates.pending[0]["message"]["from"]


async def test_second_poller_conflict(ptb_bot: telegram.Bot, fake: FakeTelegram):
    first = asyncio.create_task(ptb_bot.get_updates(timeout=5))
    await fake.wait_for(lambda: len(fake.calls("getUpdates")) == 1)
    second = asyncio.create_task(ptb_bot.get_updates(timeout=0.2))
    # As on Telegram, the newer request terminates the older one.
    with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates request"):
        await first
    assert await second == ()


async def test_callback_query_round_trip(ptb_bot: telegram.Bot, fake: FakeTelegram):
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Gesundheit", callback_data="v1:g:3.2")],
            [InlineKeyboardButton("Web", url="https://example.org")],
        ]
    )
    sent = await ptb_bot.send_message(100, "Wähle", reply_markup=markup)
    update_id = fake.user_presses(100, sent.message_id, "v1:g:3.2")
    (update,) = await ptb_bot.get_updates()
    query = update.callback_query
    assert isinstance(query, CallbackQuery)
    assert query.data == "v1:g:3.2"
    assert query.from_user.id == 100
    assert query.message.message_id == sent.message_id
    assert query.message.reply_markup.inline_keyboard[0][0].text == "Gesundheit"
    assert await query.answer("Gespeichert", show_alert=True)
    answer = fake.answered_callbacks[query.id]
    assert (answer.text, answer.show_alert) == ("Gespeichert", True)
    assert fake.callback_for_update(update_id).answer is answer
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await query.answer("twice")


async def test_pressing_a_missing_button_is_impossible(ptb_bot: telegram.Bot, fake: FakeTelegram):
    sent = await ptb_bot.send_message(100, "no buttons")
    with pytest.raises(ValueError, match=r"no button"):
        fake.user_presses(100, sent.message_id, "anything")
    # A forged callback is possible on purpose, and a gone message arrives as inaccessible.
    fake.user_sends_callback(100, sent.message_id, "forged" * 20)
    fake.user_sends_callback(100, 999, "stale")
    forged, stale = await ptb_bot.get_updates()
    assert forged.callback_query.data == "forged" * 20
    assert not stale.callback_query.message.is_accessible


async def test_press_by_label_and_index(ptb_bot: telegram.Bot, fake: FakeTelegram):
    rows = [
        [
            InlineKeyboardButton("Ja", callback_data="yes"),
            InlineKeyboardButton("Nein", callback_data="no"),
        ],
        [InlineKeyboardButton("Vielleicht", callback_data="maybe")],
    ]
    await ptb_bot.send_message(100, "?", reply_markup=InlineKeyboardMarkup(rows))
    fake.press(100, "Viel")
    fake.press(100, index=1)
    fake.user_presses_button(100, "Ja")
    updates = await ptb_bot.get_updates()
    assert [u.callback_query.data for u in updates] == ["maybe", "no", "yes"]
    with pytest.raises(ValueError):
        fake.press(100, "e")  # ambiguous: "Nein", "Vielleicht"


async def test_answer_text_limit(ptb_bot: telegram.Bot, fake: FakeTelegram):
    fake.user_sends_callback(100, 1, "x")
    (update,) = await ptb_bot.get_updates()
    with pytest.raises(BadRequest):
        await update.callback_query.answer("x" * 201)


async def test_my_chat_member_parses(ptb_bot: telegram.Bot, fake: FakeTelegram):
    fake.user_blocks(100)
    fake.user_unblocks(100)
    blocked, unblocked = await ptb_bot.get_updates()
    member = blocked.my_chat_member
    assert isinstance(member, ChatMemberUpdated)
    assert member.old_chat_member.status == "member"
    assert member.new_chat_member.status == "kicked"
    assert member.new_chat_member.user.id == 123456
    assert member.from_user.id == 100
    assert unblocked.my_chat_member.new_chat_member.status == "member"


async def test_user_message_restarts_blocked_chat(ptb_bot: telegram.Bot, fake: FakeTelegram):
    fake.user_blocks(100)
    fake.user_sends(100, "/start")
    kinds = ["message" if u.message else "my_chat_member" for u in await ptb_bot.get_updates()]
    assert kinds == ["my_chat_member", "my_chat_member", "message"]
    assert not fake.chat(100).blocked


async def test_user_deletes_chat(ptb_bot: telegram.Bot, fake: FakeTelegram):
    sent = await ptb_bot.send_message(100, "old")
    fake.user_deletes_chat(100)
    assert fake.last_bot_message(100) is None
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await ptb_bot.edit_message_text("new", 100, sent.message_id)
    await ptb_bot.send_message(100, "fresh")


async def test_webhook_blocks_polling(ptb_bot: telegram.Bot, fake: FakeTelegram):
    await ptb_bot.set_webhook("https://example.org/hook")
    assert (await ptb_bot.get_webhook_info()).url == "https://example.org/hook"
    with pytest.raises(Conflict, match=r"(?i)webhook is active"):
        await ptb_bot.get_updates()
    fake.user_sends(100, "x")
    await ptb_bot.delete_webhook(drop_pending_updates=True)
    assert await ptb_bot.get_updates() == ()


async def test_wait_for_times_out_helpfully(fake: FakeTelegram):
    def never() -> bool:
        return False

    with pytest.raises(TimeoutError, match=r"never still false"):
        await fake.wait_for(never, timeout=0.1)
