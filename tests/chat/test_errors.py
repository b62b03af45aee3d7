"""No update can crash the bot; the log names the update, never the token or the text."""

import asyncio
import logging

from bot.voting.buttons import FieldList
from tests.conftest import RESIDENT, rows


async def test_a_failing_handler_gets_an_apology_and_the_bot_keeps_working(running, caplog):
    running.fake.add_user(RESIDENT, language_code="en")
    running.fake.inject_error("sendMessage", 400, "Bad Request: something unexpected", times=1)
    with caplog.at_level(logging.ERROR):
        update_id = await running.send(RESIDENT, "/help my secret words")
    messages = running.fake.bot_messages(RESIDENT)
    assert messages[-1].text.endswith("Sorry, something went wrong. Please try again.")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"update {update_id} failed" in logged
    assert "secret words" not in caplog.text
    assert running.settings.token not in caplog.text

    await running.send(RESIDENT, "/start")
    await running.press(RESIDENT, FieldList())
    assert "Action fields" in running.fake.last_bot_message(RESIDENT).text


async def test_a_failing_button_gets_an_apology(running):
    running.fake.add_user(RESIDENT, language_code="de")
    await running.send(RESIDENT, "/start")
    running.fake.inject_error("editMessageText", 400, "Bad Request: something unexpected", times=1)
    await running.press(RESIDENT, FieldList())
    # The press was answered together with the edit that failed: the apology is a message.
    assert (
        "Bitte versuchen Sie es noch einmal" in running.fake.last_bot_message(RESIDENT).plain_text
    )


async def test_when_even_the_apology_fails_the_bot_survives(running):
    running.fake.add_user(RESIDENT, language_code="en")
    running.fake.inject_error("sendMessage", 400, "Bad Request: something unexpected", times=2)
    await running.send(RESIDENT, "/help")
    await running.send(RESIDENT, "/help")
    assert "/privacy" in running.fake.last_bot_message(RESIDENT).text


async def test_when_reading_the_resident_fails_the_update_is_reported_once(running, caplog):
    # The participants table goes away under the running bot (a broken database file): the
    # reader cannot be read ahead of the handlers, so no handler may run on that update.
    # In a thread: the bot may be in a transaction on the event loop.
    gone = "ALTER TABLE participants RENAME TO participants_gone"
    await asyncio.to_thread(rows, running.database_path, gone)
    running.fake.add_user(RESIDENT, language_code="en")
    with caplog.at_level(logging.WARNING):
        update_id = await running.send(RESIDENT, "/help")
    failed = [r for r in caplog.records if r.getMessage().startswith(f"update {update_id} failed")]
    assert len(failed) == 1
    assert running.fake.bot_messages(RESIDENT) == []  # no help, and no apology it cannot word

    back = "ALTER TABLE participants_gone RENAME TO participants"
    await asyncio.to_thread(rows, running.database_path, back)
    await running.send(RESIDENT, "/help")
    assert "/privacy" in running.fake.last_bot_message(RESIDENT).text
