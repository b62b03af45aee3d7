"""getUpdates pipelined: the next batch is fetched while an update is still being handled, and
still nothing is confirmed before it was handled (bot/chat/updates.py, `Deliveries`).

One resident's update is held inside "Telegram" (its answer waits on a gate the test opens),
so it stays in hand as long as the test wants, without any timing: the others' updates must
be fetched and handled meanwhile, every getUpdates' offset must stay at or below the held
one, and an update handled while the held one was in hand (which Telegram sends again) must
not be handled twice. Then the same with a crash while it is held.
"""

import asyncio
from typing import Any

from bot.emulated import DEMO_TOKEN, EmulatedBot
from bot.emulator import FakeTelegram
from bot.procedure import load_procedure
from bot.voting.buttons import FieldBallot, Pick
from tests.conftest import RESIDENT, agree, open_window, rows

HELD = RESIDENT + 1  # the resident whose answer "Telegram" holds


class Held(FakeTelegram):
    """The emulator, holding every sendMessage to one chat until `gate` is set."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(token=DEMO_TOKEN, **kwargs)
        self.gate = asyncio.Event()
        self.holding = asyncio.Event()  # a sendMessage to HELD is waiting at the gate

    async def _answer(self, token: str, method: str, params: dict[str, Any]) -> Any:
        if method.lower() == "sendmessage" and params.get("chat_id") == HELD:
            self.holding.set()
            await self.gate.wait()
        return await super()._answer(token, method, params)


def offsets(fake: FakeTelegram) -> list[int]:
    return [r.params.get("offset") or 0 for r in fake.calls("getUpdates")]


async def test_others_are_handled_while_one_update_is_held_and_it_is_never_confirmed(settings):
    fake = Held()
    seen: list[int] = []
    bot = EmulatedBot(settings, load_procedure(settings.procedure), fake, observer=_ids(seen))
    async with bot:
        fake.add_user(RESIDENT, language_code="en")
        fake.add_user(HELD, language_code="en")
        await bot.send(RESIDENT, "/start")
        held = fake.user_sends(HELD, "/help")
        await asyncio.wait_for(fake.holding.wait(), 10)
        calls_before = len(fake.calls("getUpdates"))
        # The other resident goes on, one message after the other, while /help is held.
        others = [await bot.send(RESIDENT, text) for text in ("/help", "/status", "/privacy")]
        assert held not in seen and all(update in seen for update in others)
        # Fetched with offsets that never passed the held update.
        assert len(fake.calls("getUpdates")) > calls_before
        assert max(offsets(fake)) <= held
        assert held in [u["update_id"] for u in fake.updates.pending]
        fake.gate.set()
        await bot.handled(held)
        await fake.wait_for(lambda: fake.unconfirmed_updates() == 0)
    # Telegram sent the later updates again while /help was held (its offset kept them):
    # each was handled once all the same.
    assert sorted(seen) == sorted(set(seen))
    assert "/help" in " ".join(m.text for m in fake.bot_messages(HELD))


async def test_a_crash_while_an_update_is_held_loses_nothing_and_repeats_nothing(settings):
    procedure = load_procedure(settings.procedure)
    field = procedure.fields[0]
    fake = Held()
    first = EmulatedBot(settings, procedure, fake)
    await first.start()
    await open_window(first)
    await agree(first, RESIDENT)
    await first.press(RESIDENT, FieldBallot(field))
    fake.add_user(HELD, language_code="en")
    held = fake.user_sends(HELD, "/start")
    await asyncio.wait_for(fake.holding.wait(), 10)
    # Taps handled after the held update: done, but not confirmed (the offset stays at it).
    taps = [await first.press(RESIDENT, Pick(field, goal, True)) for goal in field.goals[:2]]
    assert max(offsets(fake)) <= held
    await first.crash()
    pending = [u["update_id"] for u in fake.updates.pending]
    assert held in pending and all(tap in pending for tap in taps)  # Telegram has them all

    fake.gate.set()
    second = EmulatedBot(settings, procedure, fake=fake)
    async with second:
        await second.handled(held)
        for tap in taps:
            await second.handled(tap)  # delivered again: handled again, changing nothing
        await fake.wait_for(lambda: fake.unconfirmed_updates() == 0)
    assert fake.last_bot_message(HELD) is not None  # the held /start was answered after all
    chosen = rows(settings.database, "SELECT goal_id FROM ballots WHERE field_id = ?", (field.id,))
    assert sorted(goal for (goal,) in chosen) == sorted(g.id for g in field.goals[:2])


def _ids(seen: list[int]) -> Any:
    def record(update: object) -> None:
        update_id = getattr(update, "update_id", None)
        if isinstance(update_id, int):
            seen.append(update_id)

    return record
