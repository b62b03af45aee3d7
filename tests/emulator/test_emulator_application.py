"""A whole python-telegram-bot Application polling the emulator, as the demo and tests do."""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.emulator import EmulatorRequest, FakeTelegram

TOKEN = "123456:TEST"


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    payload = " ".join(context.args or [])
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Weiter", callback_data="next")]])
    await update.effective_message.reply_html(f"<b>Willkommen</b> {payload}", reply_markup=markup)


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer("ok")
    await query.edit_message_text(f"gewählt: {query.data}")


async def test_application_polls_and_answers(fake: FakeTelegram):
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .request(EmulatorRequest(fake))
        .get_updates_request(EmulatorRequest(fake))
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(pressed))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=10)
        fake.user_sends(100, "/start field-health")
        await fake.wait_for(lambda: fake.last_bot_message(100) is not None)
        assert fake.last_bot_message(100).plain_text == "Willkommen field-health"
        fake.press(100, "Weiter")
        await fake.wait_for(lambda: fake.last_bot_message(100).edit_count == 1)
        assert fake.last_bot_message(100).plain_text == "gewählt: next"
        assert [a.text for a in fake.answered_callbacks.values()] == ["ok"]
        await app.updater.stop()
        await app.stop()
    assert fake.unconfirmed_updates() == 0
