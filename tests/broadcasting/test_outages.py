"""A broadcast through Telegram outages, unknown outcomes and a full disk.

Every fault is injected into the emulator (errors, timeouts, refused connections, answers lost
after delivery) or into SQLite itself (a full disk: SQLITE_FULL), never into the worker. Each
test counts, from the recipients' side, who got the message once, twice or not at all, and
what the outbox says; `-s` prints the figures.

Policy (docs/DESIGN-NOTES.md, Broadcasts): a network error or a 5xx pauses the whole broadcast
until Telegram answers again; a send whose outcome is unknown (a timeout or a 5xx once the
request left) is 'uncertain' and never sent again on its own; a request that never left
(connection refused) is sent after the pause; a failed write pauses the worker until the
database takes it.
"""

import asyncio
import itertools
import logging
import sqlite3
from contextlib import closing
from typing import Any

import pytest

from bot.broadcasting import publishing
from bot.broadcasting.buttons import ResendUncertain
from bot.broadcasting.worker import Backoff
from bot.emulated import EmulatedBot
from storage import outbox, participants
from tests.conftest import STAFF, add_subscribers, alert, buttons, finished, last, received, rows

QUICK = Backoff(first=0.05, factor=2.0, most=0.2)  # a test's outage lasts a few hundred ms
LONG = 3600.0  # an outage that lasts until the test lifts it


@pytest.fixture
async def quick(running: EmulatedBot) -> EmulatedBot:
    """The running bot with short pauses, and the staff member who writes the broadcasts.

    Every version of the messages the bot sends or edits is kept in `seen` (the progress
    message is edited in place, so its earlier texts are gone by the end)."""
    running.worker.backoff = QUICK
    running.fake.add_user(STAFF, language_code="en")
    await participants.set_language(running.services.database, STAFF, STAFF, "en")
    seen: list[tuple[int, str]] = []

    def on_message(event: str, record: Any) -> None:
        if event in ("sent", "edited"):
            seen.append((record.chat_id, record.plain_text or ""))

    running.fake.subscribe(on_message)
    running.seen = seen  # type: ignore[attr-defined]
    return running


async def queue(bot: EmulatedBot) -> int:
    broadcast_id = await publishing.queue(
        bot.services.database, bot.services.procedure, author_id=STAFF,
        texts={"de": "Die Workshops beginnen.", "en": "The workshops begin."}, kind="news",
    )  # fmt: skip
    bot.services.wake_outbox()
    return broadcast_id


def tally(bot: EmulatedBot, users: list[int], broadcast_ids: tuple[int, ...]) -> dict[str, int]:
    """What the recipients got, and what the outbox says about it.

    delivered: recipients who have the message; duplicated: copies beyond the first; lost:
    recipients without it whose delivery is not reported as uncertain (nobody was told);
    uncertain: deliveries marked uncertain (of them, `uncertain_arrived` did arrive).
    """
    copies = {user: len(received(bot, user)) for user in users}
    marks = ",".join("?" * len(broadcast_ids))
    uncertain = {
        chat
        for (chat,) in rows(
            bot.database_path,
            f"SELECT chat_id FROM deliveries WHERE state = 'uncertain' "
            f"AND broadcast_id IN ({marks})",
            broadcast_ids,
        )
    }
    return {
        "recipients": len(users),
        "delivered": sum(1 for n in copies.values() if n >= 1),
        "duplicated": sum(n - 1 for n in copies.values() if n > 1),
        "lost": sum(1 for u, n in copies.items() if n == 0 and u not in uncertain),
        "uncertain": len(uncertain),
        "uncertain_arrived": sum(1 for u in uncertain if copies[u] >= 1),
        "failed": sum(
            n for (n,) in rows(
                bot.database_path,
                f"SELECT COUNT(*) FROM deliveries WHERE state = 'failed' "
                f"AND broadcast_id IN ({marks})",
                broadcast_ids,
            )
        ),
    }  # fmt: skip


def progress_texts(bot: EmulatedBot) -> list[str]:
    """Every text the author's progress message showed, oldest first."""
    return [text for chat, text in bot.seen if chat == STAFF]


async def final_report(bot: EmulatedBot, broadcast_id: int) -> Any:
    """The author's final report (written just after the broadcast is marked done)."""

    def report() -> Any:
        message = last(bot, STAFF)
        return message if f"#{broadcast_id} finished" in (message.plain_text or "") else None

    await bot.fake.wait_for(lambda: report() is not None, timeout=5)
    return report()


def after_arrivals(bot: EmulatedBot, users: list[int], count: int, then: Any) -> list[int]:
    """Call `then()` when the `count`-th recipient got the message; the arrivals, in order."""
    arrived: list[int] = []

    def on_message(event: str, record: Any) -> None:
        if event == "sent" and record.chat_id in users:
            arrived.append(record.chat_id)
            if len(arrived) == count:
                then()

    bot.fake.subscribe(on_message)
    return arrived


def to_recipients(bot: EmulatedBot, users: list[int]) -> list[Any]:
    """The sendMessage requests to the recipients (not the probes, not the progress)."""
    return [r for r in bot.fake.calls("sendMessage") if r.params.get("chat_id") in users]


# --- 1. an outage pauses the whole broadcast -------------------------------------------------


async def test_an_outage_pauses_the_whole_broadcast_and_it_continues_where_it_stopped(quick):
    """Telegram answers 500 to every sendMessage for a while (in production ~20 s): one
    message was with Telegram when it began; the broadcast waits with growing pauses, says so
    to its author, and continues when Telegram answers again. Nobody is skipped."""
    users = await add_subscribers(quick, ["de", "en"] * 10)
    after_arrivals(
        quick, users, 6,
        lambda: quick.fake.inject_error("sendMessage", 500, "Internal Server Error", seconds=LONG),
    )  # fmt: skip
    broadcast_id = await queue(quick)
    await quick.fake.wait_for(
        lambda: any("waiting for telegram" in t.lower() for t in progress_texts(quick)), timeout=8
    )
    await asyncio.sleep(0.5)  # a few probes with growing pauses
    during = [r for r in to_recipients(quick, users) if r.status == 500]
    bot_itself = quick.application.bot.id
    probes = [r for r in quick.fake.calls("sendMessage") if r.params["chat_id"] == bot_itself]
    quick.fake.faults.clear()  # Telegram is back
    done = await finished(quick, broadcast_id, timeout=10)
    figures = tally(quick, users, (broadcast_id,))
    print("\noutage (500 before delivery):", figures)
    assert done.state == "done"
    # Only the message in flight when the outage began met it; the rest waited.
    assert len(during) == 1
    assert figures == {
        "recipients": 20, "delivered": 19, "duplicated": 0, "lost": 0, "uncertain": 1,
        "uncertain_arrived": 0, "failed": 0,
    }  # fmt: skip
    # The probes cannot deliver anything (not HTML, to the bot itself); their pauses grow.
    assert len(probes) >= 3 and all(r.status == 500 for r in probes)
    gaps = [b.timestamp - a.timestamp for a, b in itertools.pairwise(probes)]
    assert gaps[-1] > gaps[0]
    assert "Uncertain: 1" in (await final_report(quick, broadcast_id)).plain_text


async def test_an_unreachable_api_is_waited_for_and_nothing_is_lost_or_uncertain(quick):
    """Connection refused: the request never left, so those messages are simply sent after
    the pause; every recipient gets exactly one, nothing is uncertain."""
    users = await add_subscribers(quick, ["de"] * 15)
    after_arrivals(
        quick, users, 4, lambda: quick.fake.inject_unreachable("sendMessage", seconds=LONG)
    )
    broadcast_id = await queue(quick)
    await quick.fake.wait_for(
        lambda: any("waiting for telegram" in t.lower() for t in progress_texts(quick)), timeout=8
    )
    await asyncio.sleep(0.3)
    quick.fake.faults.clear()
    done = await finished(quick, broadcast_id, timeout=10)
    figures = tally(quick, users, (broadcast_id,))
    print("\noutage (connection refused):", figures)
    assert done.state == "done"
    assert figures == {
        "recipients": 15, "delivered": 15, "duplicated": 0, "lost": 0, "uncertain": 0,
        "uncertain_arrived": 0, "failed": 0,
    }  # fmt: skip


async def test_a_broadcast_cancelled_while_it_waits_for_telegram_sends_nothing_more(quick):
    users = await add_subscribers(quick, ["de"] * 15)
    arrived = after_arrivals(
        quick, users, 4, lambda: quick.fake.inject_unreachable("sendMessage", seconds=LONG)
    )
    broadcast_id = await queue(quick)
    await quick.fake.wait_for(
        lambda: any("waiting for telegram" in t.lower() for t in progress_texts(quick)), timeout=8
    )
    assert await outbox.cancel(quick.services.database, broadcast_id, STAFF)
    await asyncio.sleep(0.3)  # the outage's next report notices it
    quick.fake.faults.clear()

    def settled() -> bool:
        left = rows(
            quick.database_path,
            "SELECT COUNT(*) FROM deliveries WHERE state IN ('pending', 'sending')",
        )
        return left == [(0,)]

    await quick.fake.wait_for(settled, timeout=5)
    await asyncio.sleep(0.2)
    assert len(arrived) == 4
    counts = await outbox.counts(quick.services.database, broadcast_id)
    assert (counts["sent"], counts["cancelled"]) == (4, 11)


async def test_only_a_per_recipient_error_fails_one_delivery(quick):
    users = await add_subscribers(quick, ["de"] * 6)
    quick.fake.inject_error("sendMessage", 400, "Bad Request: chat not found", chat_id=users[1])
    quick.fake.inject_error("sendMessage", 400, "Bad Request: something odd", chat_id=users[2])
    quick.fake.user_blocks(users[3])
    broadcast_id = await queue(quick)
    await finished(quick, broadcast_id)
    counts = await outbox.counts(quick.services.database, broadcast_id)
    assert (counts["sent"], counts["blocked"], counts["failed"]) == (3, 2, 1)
    # No pause: a refusal of one recipient says nothing about Telegram.
    assert not any("waiting for telegram" in t.lower() for t in progress_texts(quick))


# --- 2. unknown outcomes are never sent twice ---------------------------------------------


async def test_sends_with_an_unknown_outcome_are_not_sent_again_and_can_be_resent_on_request(quick):
    """Five sends whose answer never came back (timeout, 5xx; delivered or not: the bot cannot
    tell) are marked uncertain, not sent again; the author is told and may send them again."""
    users = await add_subscribers(quick, ["de", "en"] * 5)
    quick.fake.inject_timeout("sendMessage", chat_id=users[1], performed=True)  # arrived
    quick.fake.inject_timeout("sendMessage", chat_id=users[3], performed=True)  # arrived
    quick.fake.inject_error("sendMessage", 500, "Internal Server Error", chat_id=users[5],
                            performed=True)  # fmt: skip
    quick.fake.inject_error("sendMessage", 500, "Internal Server Error", chat_id=users[7])
    quick.fake.inject_timeout("sendMessage", chat_id=users[9])  # did not arrive
    broadcast_id = await queue(quick)
    done = await finished(quick, broadcast_id, timeout=10)
    figures = tally(quick, users, (broadcast_id,))
    print("\nunknown outcomes:", figures)
    assert done.state == "done"
    assert figures == {
        "recipients": 10, "delivered": 8, "duplicated": 0, "lost": 0, "uncertain": 5,
        "uncertain_arrived": 3, "failed": 0,
    }  # fmt: skip
    report = await final_report(quick, broadcast_id)
    assert "Uncertain: 5" in report.plain_text
    (label, data), *_ = buttons(report)
    assert label == "Send again to the 5 uncertain"
    assert data == ResendUncertain(broadcast_id).pack()

    # The author sends those five again: a new broadcast to exactly them.
    await quick.press(STAFF, ResendUncertain(broadcast_id), report.message_id)
    again = broadcast_id + 1
    assert (await finished(quick, again)).state == "done"
    assert sorted(chat for (chat,) in rows(
        quick.database_path, "SELECT chat_id FROM deliveries WHERE broadcast_id = ?", (again,)
    )) == [users[1], users[3], users[5], users[7], users[9]]  # fmt: skip
    figures = tally(quick, users, (again,))
    print("after sending the uncertain again:", figures)
    assert figures["delivered"] == 10 and figures["duplicated"] == 3 and figures["uncertain"] == 0
    # Not a second time; and the resend did not archive the news again.
    await quick.press(STAFF, ResendUncertain(broadcast_id), report.message_id)
    assert f"#{again}" in alert(quick).text
    assert rows(quick.database_path, "SELECT COUNT(*) FROM broadcasts") == [(2,)]
    assert rows(quick.database_path, "SELECT COUNT(*) FROM news") == [(1,)]


async def test_five_answers_lost_after_delivery_arrive_once(quick):
    """The issue's case: the answer to five sends is lost after Telegram delivered them."""
    users = await add_subscribers(quick, ["de"] * 5)
    for user in users:
        quick.fake.inject_timeout("sendMessage", chat_id=user, performed=True)
    broadcast_id = await queue(quick)
    await finished(quick, broadcast_id, timeout=10)
    figures = tally(quick, users, (broadcast_id,))
    print("\nanswers lost after delivery:", figures)
    assert figures["duplicated"] == 0 and figures["delivered"] == 5 and figures["uncertain"] == 5


async def test_a_pool_timeout_never_left_and_is_sent_after_the_pause(quick, monkeypatch):
    """python-telegram-bot's own word: a pool timeout was *not* sent to Telegram."""
    import httpx
    from telegram.error import TimedOut

    users = await add_subscribers(quick, ["de"] * 3)
    request = quick.application.bot.request
    original = request.do_request
    left = {"times": 2}

    async def crowded(*args: Any, **kwargs: Any) -> Any:
        if "sendMessage" in kwargs["url"] and left["times"] > 0:
            left["times"] -= 1
            raise TimedOut("Pool timeout") from httpx.PoolTimeout("pool")
        return await original(*args, **kwargs)

    monkeypatch.setattr(request, "do_request", crowded)
    broadcast_id = await queue(quick)
    await finished(quick, broadcast_id, timeout=10)
    assert tally(quick, users, (broadcast_id,))["delivered"] == 3
    assert (await outbox.counts(quick.services.database, broadcast_id))["sent"] == 3


# --- 3. a full disk pauses the worker -----------------------------------------------------


async def fill_the_disk(bot: EmulatedBot) -> None:
    """A real SQLITE_FULL on the bot's own connection: every change of a delivery now needs a
    new page, and the file may not grow."""
    # In a thread: the bot may be in the middle of a transaction on the event loop.
    await asyncio.to_thread(_ballast, bot.database_path)
    async with bot.services.database.transaction() as connection:
        (pages,) = next(iter(await connection.execute_fetchall("PRAGMA page_count")))
        await connection.execute(f"PRAGMA max_page_count = {int(pages)}")


def _ballast(path: Any) -> None:
    with closing(sqlite3.connect(path, timeout=10)) as connection:
        connection.execute("CREATE TABLE IF NOT EXISTS ballast (b BLOB)")
        connection.execute(
            "CREATE TRIGGER IF NOT EXISTS ballast AFTER UPDATE ON deliveries "
            "BEGIN INSERT INTO ballast VALUES (zeroblob(8192)); END"
        )
        connection.commit()


async def make_room(bot: EmulatedBot) -> None:
    async with bot.services.database.transaction() as connection:
        await connection.execute("PRAGMA max_page_count = 1073741823")


async def test_a_full_disk_pauses_the_worker_and_the_broadcast_finishes_once_there_is_room(
    quick, caplog
):
    users = await add_subscribers(quick, ["de", "en"] * 10)
    full = asyncio.Event()
    arrived = after_arrivals(quick, users, 5, full.set)
    caplog.set_level(logging.WARNING, logger="bot.broadcasting.worker")
    broadcast_id = await queue(quick)
    await asyncio.wait_for(full.wait(), 10)
    await fill_the_disk(quick)
    await quick.fake.wait_for(lambda: "disk is full" in caplog.text, timeout=8)
    at_full = len(arrived)
    await asyncio.sleep(0.5)
    # Paused: while no outcome can be written, no further message goes out.
    assert len(arrived) - at_full <= 1
    await make_room(quick)
    done = await finished(quick, broadcast_id, timeout=10)
    figures = tally(quick, users, (broadcast_id,))
    print("\ndisk full, then room:", figures)
    assert done.state == "done"
    assert figures == {
        "recipients": 20, "delivered": 20, "duplicated": 0, "lost": 0, "uncertain": 0,
        "uncertain_arrived": 0, "failed": 0,
    }  # fmt: skip
    assert "database or disk is full" in caplog.text
    assert any("cannot write to its database" in t for t in progress_texts(quick))
    assert rows(quick.database_path, "SELECT COUNT(*) FROM deliveries WHERE state = 'sending'") == [
        (0,)
    ]


async def test_a_restart_while_the_disk_is_full_doubles_at_most_the_documented_window(
    settings, example
):
    first = EmulatedBot(settings, example)
    async with first:
        first.worker.backoff = QUICK
        users = await add_subscribers(first, ["de"] * 20)
        full = asyncio.Event()
        after_arrivals(first, users, 5, full.set)
        broadcast_id = await queue(first)
        await asyncio.wait_for(full.wait(), 10)
        await fill_the_disk(first)
        await asyncio.sleep(0.5)  # the worker is paused, outcomes waiting in memory
        before = {user: len(received(first, user)) for user in users}
    # The bot stopped while the disk was full; it starts again once there is room.
    second = EmulatedBot(settings, example)
    for user in users:
        second.fake.add_user(user)
    async with second:
        await finished(second, broadcast_id, timeout=10)
        after = {user: len(received(second, user)) for user in users}
    copies = [before[user] + after[user] for user in users]
    figures = {
        "recipients": len(users),
        "delivered": sum(1 for n in copies if n >= 1),
        "duplicated": sum(n - 1 for n in copies if n > 1),
        "lost": sum(1 for n in copies if n == 0),
    }
    print("\ndisk full, stopped, restarted:", figures)
    assert figures["delivered"] == 20 and figures["lost"] == 0
    assert figures["duplicated"] <= 1  # the one message whose outcome could not be written
