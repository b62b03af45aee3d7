"""A resident's poll, as an older self-hosted Bot API server sends it and as Telegram does."""

import pytest
import telegram

from bot.emulator import FakeTelegram


async def test_an_older_server_sends_poll_options_the_library_cannot_read(
    ptb_bot: telegram.Bot, fake: FakeTelegram
):
    update_id = fake.user_sends_poll(100, "Lunch?", ["soup", "salad"])
    raw = fake.updates.pending[0]
    assert raw["update_id"] == update_id
    assert raw["message"]["poll"]["options"][0] == {"text": "soup", "voter_count": 0}
    with pytest.raises(TypeError, match="persistent_id"):
        await ptb_bot.get_updates()


async def test_a_current_server_sends_a_poll_the_library_reads(
    ptb_bot: telegram.Bot, fake: FakeTelegram
):
    fake.user_sends_poll(100, "Lunch?", ["soup", "salad"], older_server=False)
    (update,) = await ptb_bot.get_updates()
    assert update.message is not None and update.message.poll is not None
    assert [option.text for option in update.message.poll.options] == ["soup", "salad"]
    assert update.message.chat.id == 100
