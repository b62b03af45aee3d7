"""Updates as they really arrive: one the library cannot read, the same one twice, a burst cut
short by a crash, an answer lost after a vote, forged numbers. Each through the real
application on the emulator."""

import asyncio
import itertools
import logging
from dataclasses import fields

from bot.chat.buttons import MAX_NUMBER, ButtonData
from bot.chat.fallback import stale_text
from bot.emulated import EmulatedBot
from bot.procedure import load_procedure
from bot.voting.buttons import FieldBallot, Pick
from tests.conftest import (
    RESIDENT,
    STAFF,
    agree,
    alert,
    data,
    last,
    open_window,
    publish_news,
    raw,
    received,
    rows,
)

# --- 7: an update python-telegram-bot cannot read -----------------------------------------


async def test_an_update_the_library_cannot_read_is_skipped_once_and_the_bot_goes_on(
    running, caplog
):
    fake = running.fake
    fake.add_user(RESIDENT, "Anastasia", language_code="en")
    polls_before = len(fake.calls("getUpdates"))
    with caplog.at_level(logging.INFO):
        # As an older self-hosted Bot API server sends it: python-telegram-bot 22.8 refuses
        # the poll's options without persistent_id, and with them the whole batch.
        poll = fake.user_sends_poll(RESIDENT, "Ist die Mühlenstraße 7 laut?", ["ja", "nein"])
        help_id = fake.user_sends(RESIDENT, "/help")
        await running.handled(help_id, timeout=3)
        await fake.wait_for(lambda: fake.unconfirmed_updates() == 0)
    assert "/privacy" in last(running).text
    # A handful of polls, not hundreds per second.
    assert len(fake.calls("getUpdates")) - polls_before <= 4
    skipped = [r for r in caplog.records if f"update {poll}" in r.getMessage()]
    assert len(skipped) == 1 and skipped[0].levelno == logging.WARNING
    for personal in ("Anastasia", "Mühlenstraße", "nein", str(RESIDENT)):
        assert personal not in caplog.text
    # The resident goes on as if nothing had happened.
    await running.send(RESIDENT, "/start")
    assert len(received(running, RESIDENT)) == 2


async def test_a_batch_that_ends_with_an_unreadable_update_is_confirmed_whole(running, caplog):
    fake = running.fake
    fake.add_user(RESIDENT, language_code="en")
    help_id = fake.user_sends(RESIDENT, "/help")
    fake.user_sends_poll(RESIDENT, "?", ["a", "b"])
    await running.handled(help_id, timeout=3)
    await fake.wait_for(lambda: fake.unconfirmed_updates() == 0)
    await running.send(RESIDENT, "/start")
    assert len(received(running, RESIDENT)) == 2


# --- 8: the same update twice -------------------------------------------------------------


async def test_a_news_item_delivered_twice_is_published_once(running):
    running.fake.add_user(STAFF, language_code="en")
    command = "/news Street festival | On Saturday in the park."
    news = await running.send(STAFF, command)
    answers = len(received(running, STAFF))
    await running.redeliver(news, restarted=False)  # the same process gets it again: skipped
    assert len(received(running, STAFF)) == answers
    await running.redeliver(news)  # a restarted process, which never saw it: the same preview
    assert rows(running.database_path, "SELECT COUNT(*) FROM news") == [(0,)]
    press = await publish_news(running, command)
    await running.redeliver(press, restarted=False)
    await running.redeliver(press)  # the press again, after a crash: published already
    assert rows(running.database_path, "SELECT COUNT(*) FROM news") == [(1,)]
    audit = "SELECT COUNT(*) FROM audit_log WHERE action = 'news.publish'"
    assert rows(running.database_path, audit) == [(1,)]
    assert "news item 1 " in last(running, STAFF).plain_text
    # Another text is another news item.
    await publish_news(running, "/news Street festival | Moved to Sunday.")
    assert rows(running.database_path, "SELECT COUNT(*) FROM news") == [(2,)]


async def test_a_phase_change_delivered_again_is_not_audited_twice(running, example):
    running.fake.add_user(STAFF, language_code="en")
    phase = example.phases[1].id
    for command in (f"/phase set {phase}", f"/phase postpone {phase} No room", "/phase auto"):
        update = await running.send(STAFF, command)
        await running.redeliver(update)
    actions = rows(running.database_path, "SELECT action FROM audit_log ORDER BY id")
    assert actions == [("phase.set",), ("phase.postpone",), ("phase.auto",)]


# --- 9: a crash in the middle of a burst ------------------------------------------------------


async def test_a_crash_in_the_middle_of_a_burst_loses_no_tap(settings):
    procedure = load_procedure(settings.procedure)
    field = procedure.fields[0]
    goals = field.goals
    # Eight residents tap five times each, quickly: choose 1.1, 1.2, 1.3, take 1.1 away,
    # choose 1.4. One resident's taps are handled one after the other.
    sequence = [Pick(field, goals[0], True), Pick(field, goals[1], True),
                Pick(field, goals[2], True), Pick(field, goals[0], False),
                Pick(field, goals[3], True)]  # fmt: skip
    residents = range(RESIDENT, RESIDENT + 8)
    taps: set[int] = set()
    done_before_crash: set[int] = set()
    enough = asyncio.Event()

    def seen(update: object) -> None:
        done_before_crash.add(getattr(update, "update_id", 0))
        if taps and len(taps & done_before_crash) >= 10:
            enough.set()

    first = EmulatedBot(settings, procedure, observer=seen)
    fake = first.fake
    await first.start()
    await open_window(first)

    async def ready(user: int) -> None:
        await agree(first, user)
        await first.press(user, FieldBallot(field))

    await asyncio.gather(*(ready(user) for user in residents))
    fake.latency = 0.01  # every Bot API call takes a moment: the burst is still being handled
    for button in sequence:
        for user in residents:
            message = fake.last_bot_message(user).message_id
            taps.add(fake.user_sends_callback(user, message, button.pack()))
    assert len(taps) == 40
    await asyncio.wait_for(enough.wait(), 10)
    await first.crash()
    handled_first = taps & done_before_crash
    assert 10 <= len(handled_first) < len(taps)  # the process died with taps still in hand
    # Nothing that was not handled has been confirmed: Telegram still holds it.
    assert fake.unconfirmed_updates() >= len(taps - handled_first)

    fake.latency = 0.0
    second = EmulatedBot(settings, procedure, fake=fake)
    async with second:
        missing = set()
        for tap in sorted(taps - handled_first):
            try:
                await second.handled(tap, timeout=3)
            except TimeoutError:
                missing.add(tap)
        assert missing == set()  # no tap lost
    ballots = "SELECT goal_id FROM ballots WHERE field_id = ? ORDER BY goal_id"
    expected = sorted([g.id for g in goals[1:4]] * len(residents))
    assert sorted(goal for (goal,) in rows(settings.database, ballots, (field.id,))) == expected


async def test_a_graceful_stop_confirms_everything_it_handled(settings):
    bot = EmulatedBot(settings, load_procedure(settings.procedure))
    async with bot:
        bot.fake.add_user(RESIDENT, language_code="en")
        for text in ("/start", "/help", "/status"):
            bot.fake.user_sends(RESIDENT, text)
        await bot.send(RESIDENT, "/privacy")
    assert bot.fake.unconfirmed_updates() == 0
    assert len(received(bot, RESIDENT)) == 4


async def test_getupdates_confirms_an_update_only_once_it_was_handled(running):
    fake = running.fake
    fake.add_user(RESIDENT, language_code="en")
    await running.send(RESIDENT, "/start")
    fake.latency = 0.05  # the answer takes a while
    start = len(fake.requests)
    help_id = fake.user_sends(RESIDENT, "/help")
    await fake.wait_for(lambda: any(r.method == "sendMessage" for r in fake.requests[start:]))
    # The bot got /help and is answering it; no getUpdates has confirmed it meanwhile.
    offsets = [r.params.get("offset") or 0 for r in fake.calls("getUpdates")]
    assert max(offsets) <= help_id
    await running.handled(help_id)
    await fake.wait_for(lambda: fake.unconfirmed_updates() == 0)  # and then it is confirmed


async def test_on_shutdown_an_update_still_being_handled_is_left_to_telegram(settings):
    bot = EmulatedBot(settings, load_procedure(settings.procedure))
    await bot.start()
    deliveries = bot.application.bot.deliveries
    deliveries.farewell = 0.05  # how long the last getUpdates waits for it
    bot.fake.add_user(RESIDENT, language_code="en")
    bot.fake.latency = 0.5  # answering takes longer than that
    slow = bot.fake.user_sends(RESIDENT, "/help")
    await bot.fake.wait_for(lambda: slow in deliveries.open)
    await bot.stop()
    # Handled all the same (stopping waits for the handlers), but not confirmed: a restart
    # would answer it again rather than lose it.
    assert "/privacy" in last(bot).text
    assert [update["update_id"] for update in bot.fake.updates.pending] == [slow]


async def test_an_update_that_takes_far_too_long_does_not_make_the_bot_deaf(running, caplog):
    fake, deliveries = running.fake, running.application.bot.deliveries
    deliveries.patience = 0.1
    fake.add_user(RESIDENT, language_code="en")
    fake.latency = 0.5  # this answer takes longer than the patience
    with caplog.at_level(logging.WARNING):
        slow = fake.user_sends(RESIDENT, "/help")
        await fake.wait_for(lambda: slow in deliveries.open)
        await fake.wait_for(
            lambda: any((r.params.get("offset") or 0) > slow for r in fake.calls("getUpdates"))
        )
        # Confirmed while the answer is still on its way.
        answers = [r for r in fake.calls("sendMessage") if r.params["chat_id"] == RESIDENT]
        assert all(r.status is None for r in answers)
        await running.handled(slow)
    assert any("still running" in r.getMessage() for r in caplog.records)
    fake.latency = 0.0
    await running.send(RESIDENT, "/start")


# --- 10: the answer to the edit after a vote is lost ------------------------------------------


async def test_a_timeout_on_the_edit_after_a_vote_shows_the_screen_again(voting, example):
    await agree(voting)
    field = example.fields[0]
    await voting.press(RESIDENT, FieldBallot(field))
    voting.fake.inject_timeout("editMessageText", times=1)
    await voting.press(RESIDENT, Pick(field, field.goals[0], True))
    assert rows(voting.database_path, "SELECT goal_id FROM ballots") == [(field.goals[0].id,)]
    assert "Chosen: 1 of 3" in last(voting).plain_text
    assert not any("went wrong" in text for text in received(voting, RESIDENT))


async def test_a_timeout_after_the_edit_was_made_is_no_error_either(voting, example):
    await agree(voting)
    field = example.fields[0]
    await voting.press(RESIDENT, FieldBallot(field))
    voting.fake.inject_timeout("editMessageText", times=1, performed=True)
    await voting.press(RESIDENT, Pick(field, field.goals[0], True))
    assert "Chosen: 1 of 3" in last(voting).plain_text
    assert not any("went wrong" in text for text in received(voting, RESIDENT))


async def test_when_both_edits_after_a_vote_time_out_the_resident_hears_it_was_saved(
    voting, example
):
    await agree(voting)
    field = example.fields[0]
    await voting.press(RESIDENT, FieldBallot(field))
    voting.fake.inject_timeout("editMessageText", times=2)
    await voting.press(RESIDENT, Pick(field, field.goals[0], True))
    assert rows(voting.database_path, "SELECT goal_id FROM ballots") == [(field.goals[0].id,)]
    answer = received(voting, RESIDENT)[-1]
    assert "Your change was saved." in answer and "went wrong" not in answer


async def test_when_the_answer_is_lost_after_a_change_staff_hear_it_was_saved(running):
    running.fake.add_user(STAFF, language_code="en")
    await running.send(STAFF, "/start")
    await running.send(STAFF, "/news Street festival | On Saturday in the park.")
    running.fake.inject_timeout("editMessageText", times=2)
    await running.press(STAFF, next(d for d in data(last(running, STAFF)) if d.endswith(":yes")))
    assert rows(running.database_path, "SELECT COUNT(*) FROM news") == [(1,)]
    answer = received(running, STAFF)[-1]
    assert "Your change was saved." in answer
    assert "went wrong" not in answer


async def test_when_the_answer_is_lost_without_a_change_the_apology_stays(running):
    running.fake.add_user(RESIDENT, language_code="en")
    running.fake.inject_timeout("sendMessage", times=1, chat_id=RESIDENT)
    await running.send(RESIDENT, "/help")
    assert "went wrong" in received(running, RESIDENT)[-1]


# --- 11: forged numbers -------------------------------------------------------------------


async def test_a_forged_staff_button_with_a_huge_number_is_out_of_date(running, caplog):
    running.fake.add_user(STAFF, language_code="en")
    await running.send(STAFF, "/broadcasts")
    with caplog.at_level(logging.WARNING):
        await running.press_forged(STAFF, raw("bccancel", "9" * 24))
    assert alert(running).text == stale_text_en(running)
    assert not [r for r in caplog.records if "failed" in r.getMessage()]


def stale_text_en(bot: EmulatedBot) -> str:
    return stale_text(bot.services.catalogs.translator("en"))


def test_no_button_takes_a_number_beyond_what_sqlite_stores(example):
    # Every kind, every argument a number of 24 digits (the longest the codec lets through),
    # the other arguments from what the procedure's buttons carry: nothing unpacks to a number
    # out of range.
    field, phase = example.fields[0], example.phases[0]
    plausible = [
        field.id, field.goals[0].id, phase.id, "1", "0", "yes", "no", "on", "off", "en", "csv",
        "send", "1.1",
    ]  # fmt: skip
    huge = "9" * 24
    for kind in ButtonData._kinds.values():
        arity = kind.arity()
        for position in range(arity):
            for others in itertools.product(plausible, repeat=arity - 1):
                args = list(others)
                args.insert(position, huge)
                button = kind.unpack(":".join(("v1", kind.KIND, *args)), example)
                if button is None:
                    continue
                for spec in fields(button):
                    value = getattr(button, spec.name)
                    if isinstance(value, int) and not isinstance(value, bool):
                        assert value <= MAX_NUMBER, f"{kind.__name__} took {args}"
