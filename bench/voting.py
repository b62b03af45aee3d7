"""Benchmark: residents complete a full ballot through the emulator, many at once.

Prints updates per second and p50/p95/p99 latency per update for the real bot (real SQLite
file, real catalogs, the shipped procedure, top_n) and, in the same run on the same emulator,
for a minimal python-telegram-bot application that only answers each button press (answer the
callback and edit the message), and the ratio of the two. Two settings: no added latency, and
50 ms added to every Bot API call. Not a test: it prints figures and asserts nothing.

    python bench/voting.py                 # 1,000 residents, both settings
    python bench/voting.py --residents 200 --latency 0.05
"""

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.chat.buttons import ButtonData, markup
from bot.config import Settings
from bot.emulated import DEMO_TOKEN, EmulatedBot
from bot.emulator import EmulatorRequest, FakeTelegram
from bot.i18n import Catalogs
from bot.procedure import Procedure, load_procedure
from bot.resources import example_procedure, locales_dir
from bot.voting.ballot import ballot_screen
from bot.voting.buttons import Consent, FieldBallot, Pick, Vote
from bot.voting.window import open_for
from storage.ballots import Ballot

FIRST_USER = 100_000


def label(latency: float) -> str:
    return f" +{latency * 1000:.0f} ms" if latency else ""


async def in_turns(count: int, concurrent: int, one: Callable[[int], Awaitable[None]]) -> None:
    """Residents arrive as a stream: at most `concurrent` of them are busy at any moment."""
    gate = asyncio.Semaphore(concurrent)

    async def gated(n: int) -> None:
        async with gate:
            await one(FIRST_USER + n)

    await asyncio.gather(*(gated(n) for n in range(count)))


@dataclass
class Run:
    """Figures of one run."""

    name: str
    updates: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    out_of_order: int = 0

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    def line(self) -> str:
        return (
            f"{self.name:<22} {self.updates:>7} updates in {self.seconds:6.1f} s = "
            f"{self.rate:7.0f} updates/s   p50 {self.pct(50):6.1f} ms   p95 {self.pct(95):6.1f} ms"
            f"   p99 {self.pct(99):6.1f} ms   out of order: {self.out_of_order}"
        )


async def resident(bot: EmulatedBot, procedure: Procedure, user_id: int, run: Run) -> None:
    """One resident: agree, then in every field open it and tap three sub-goals in a burst."""
    fake = bot.fake
    fake.add_user(user_id, language_code="de")
    await bot.send(user_id, "/start")

    async def press(button: ButtonData) -> None:
        message = fake.last_bot_message(user_id).message_id
        started = time.perf_counter()
        await bot.handled(fake.user_presses(user_id, message, button.pack()))
        run.latencies.append(time.perf_counter() - started)
        run.updates += 1

    await press(Vote())
    await press(Consent(True))
    for f in procedure.fields:
        await press(FieldBallot(f))
        message = fake.last_bot_message(user_id).message_id
        # Three quick taps before the first answer arrives: they must be handled in order.
        started = time.perf_counter()
        taps = [fake.user_presses(user_id, message, Pick(f, g, True).pack()) for g in f.goals[:3]]
        for tap in taps:
            await bot.handled(tap)
            run.latencies.append(time.perf_counter() - started)
            run.updates += 1


async def bench_bot(
    procedure: Procedure, residents: int, concurrent: int, latency: float, folder: Path
) -> Run:
    settings = Settings(
        token=DEMO_TOKEN,
        database=folder / f"bench-{latency}.db",
        procedure=procedure.source,
        secret="benchmark-secret-0123456789",
    )
    order: dict[int, list[int]] = {}

    def record(update: object) -> None:
        if isinstance(update, Update) and update.effective_user:
            order.setdefault(update.effective_user.id, []).append(update.update_id)

    fake = FakeTelegram(token=DEMO_TOKEN, latency=latency)
    bot = EmulatedBot(settings, procedure, fake, observer=record)
    run = Run(f"participation-bot{label(latency)}")
    async with bot:
        await open_for(bot.services.database, 1, "bench")
        started = time.perf_counter()
        await in_turns(residents, concurrent, lambda uid: resident(bot, procedure, uid, run))
        run.seconds = time.perf_counter() - started
    run.out_of_order = sum(ids != sorted(ids) for ids in order.values())
    return run


def same_size_screen(procedure: Procedure) -> tuple[str, InlineKeyboardMarkup]:
    """The text and keyboard of a ballot screen, so that both applications move the same bytes
    through python-telegram-bot and the emulator and the ratio measures our own work."""
    catalogs = Catalogs.load(locales_dir(), procedure.languages, procedure.timezone)
    t = catalogs.translator(procedure.default_language)
    screen = ballot_screen(t, procedure, procedure.fields[0], Ballot())
    return screen.text, markup(screen.rows)


async def bench_minimal(
    procedure: Procedure, residents: int, concurrent: int, latency: float
) -> Run:
    """A python-telegram-bot application that only answers each press and edits the message."""
    text, keyboard_markup = same_size_screen(procedure)
    fake = FakeTelegram(token=DEMO_TOKEN, latency=latency)
    done: dict[int, asyncio.Future[None]] = {}
    counter = {"n": 0}

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        counter["n"] += 1
        await query.answer()
        await query.edit_message_text(
            f"{text}\n{counter['n']}", parse_mode="HTML", reply_markup=keyboard_markup
        )
        future = done.pop(update.update_id, None)
        if future is not None:
            future.set_result(None)

    application = (
        Application.builder()
        .token(DEMO_TOKEN)
        .request(EmulatorRequest(fake))
        .get_updates_request(EmulatorRequest(fake))
        .build()
    )
    application.add_handler(CallbackQueryHandler(button))
    run = Run(f"minimal PTB app{label(latency)}")
    async with application:
        await application.updater.start_polling(poll_interval=0.0, timeout=10)
        await application.start()
        keyboard = keyboard_markup.to_dict()
        data = [b["callback_data"] for row in keyboard["inline_keyboard"] for b in row][:3]

        async def one(user_id: int) -> None:
            fake.add_user(user_id)
            _, body = await fake.call(
                DEMO_TOKEN,
                "sendMessage",
                {"chat_id": user_id, "text": "start", "reply_markup": keyboard},
            )
            message = body["result"]["message_id"]
            presses = 2 + len(procedure.fields) * 4
            for n in range(presses):
                started = time.perf_counter()
                future = asyncio.get_running_loop().create_future()
                update_id = fake.user_presses(user_id, message, data[n % 3])
                done[update_id] = future
                await future
                run.latencies.append(time.perf_counter() - started)
                run.updates += 1

        started = time.perf_counter()
        await in_turns(residents, concurrent, one)
        run.seconds = time.perf_counter() - started
        await application.updater.stop()
        await application.stop()
    return run


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=1000)
    parser.add_argument(
        "--concurrent",
        type=int,
        help="residents busy at the same moment (default: 5 without latency, 20 with)",
    )
    parser.add_argument("--latency", type=float, action="append", help="seconds; repeatable")
    parser.add_argument(
        "--minimal-residents-with-latency",
        type=int,
        default=20,
        help="the minimal app handles one update at a time: fewer residents keep it short",
    )
    args = parser.parse_args()
    procedure = load_procedure(example_procedure())
    latencies = args.latency or [0.0, 0.05]
    python = sys.version.split()[0]
    print(f"{args.residents} residents, {len(procedure.fields)} fields, top_n, Python {python}")
    with tempfile.TemporaryDirectory() as folder:
        for latency in latencies:
            concurrent = args.concurrent or (20 if latency else 5)
            ours = await bench_bot(procedure, args.residents, concurrent, latency, Path(folder))
            baseline = args.minimal_residents_with_latency if latency else args.residents
            minimal = await bench_minimal(procedure, baseline, concurrent, latency)
            print(f"{concurrent} residents at a time")
            print(ours.line())
            print(minimal.line())
            print(f"{'ratio to minimal':<22} {ours.rate / minimal.rate:.2f}\n")


if __name__ == "__main__":
    asyncio.run(main())
