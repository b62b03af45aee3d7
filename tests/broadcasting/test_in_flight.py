"""The crash window: how many broadcast messages may be with Telegram before their outcome is
written. One while the link is fast enough for the rate, more only to keep a slower link at
the configured rate."""

import asyncio

import pytest

from bot.broadcasting.in_flight import MOST, InFlight


async def test_one_message_at_a_time_until_a_round_trip_is_measured():
    gate = InFlight(rate=1000.0)
    await gate.enter()
    second = asyncio.create_task(gate.enter())
    await asyncio.sleep(0)
    assert not second.done()  # the window is one message
    await gate.leave(None)  # e.g. a retry: no round trip to learn from, still one
    await second
    assert gate.limit == 1 and gate.busy == 1


@pytest.mark.parametrize(
    ("rate", "round_trip", "limit"),
    [
        (25.0, 0.030, 1),  # 25/s over a 30 ms round trip: one at a time keeps the rate
        (20.0, 0.040, 1),  # exactly enough: 40 ms x 20/s x 1.25 = 1
        (25.0, 0.055, 2),  # the benchmark's 50 ms link: two
        (1000.0, 0.060, 75),  # paid broadcasts: as many as the round trip needs
        (1_000_000.0, 0.060, MOST),  # never more than MOST
    ],
)
async def test_the_window_follows_rate_times_round_trip(rate, round_trip, limit):
    gate = InFlight(rate)
    for _ in range(3):
        await gate.enter()
        await gate.leave(round_trip)
    assert gate.limit == limit


async def test_a_slower_link_widens_the_window_and_a_faster_one_narrows_it():
    gate = InFlight(rate=25.0)
    await gate.enter()
    await gate.leave(0.030)
    assert gate.limit == 1
    for _ in range(20):
        await gate.enter()
        await gate.leave(0.200)
    assert gate.limit == 7  # ceil(25 x 0.2 x 1.25)
    for _ in range(40):
        await gate.enter()
        await gate.leave(0.020)
    assert gate.limit == 1


async def test_waiting_messages_go_in_as_room_frees():
    gate = InFlight(rate=100.0)
    await gate.enter()
    await gate.leave(0.05)  # 100/s over 50 ms: 7 at a time
    entered = [asyncio.create_task(gate.enter()) for _ in range(10)]
    await asyncio.sleep(0)
    assert sum(task.done() for task in entered) == 7
    for _ in range(3):
        await gate.leave(0.05)
    await asyncio.gather(*entered)
    assert gate.busy == 7
