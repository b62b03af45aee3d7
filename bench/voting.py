"""Benchmark: residents tap sub-goals, the bot answers over real HTTP; a minimal
python-telegram-bot app is measured the same way in the same run.

The emulator runs in this process behind its HTTP front door (bot/emulator/server.py), as a
stand-in for Telegram; the bot runs in a process of its own, built as `participation-bot run`
builds it (its default request class, base_url pointing at the front door), so that the CPU
it spends can be measured apart from the emulator's. Residents play in a closed loop: each
taps a sub-goal, waits until the press is answered and the screen edited, taps the next;
every tenth round a resident double-taps (two sub-goals before the first answer), which the
bot must handle in order.

The baseline is the smallest python-telegram-bot application that answers each press and then
edits the message with a screen of the same size (PTB's defaults: HTTPXRequest, one update at
a time), against the same emulator.

Printed per setting: presses per second, p50/p95/p99 latency of a press (from the tap until
both the answer and the edit reached the emulator), the ratio of the two apps, the bot
process's CPU per handled press (user + system time over the measured taps, divided by the
presses), and how busy the emulator's process was (if it is near 100 %, the emulator limits
the figures). Checks: each resident's presses handled in order (reported by the bot process),
every press's answer reaching the emulator only after its vote is in the database (read at
that moment), and each final ballot as the taps left it. Not a test: it prints figures.

    python bench/voting.py                        # 50 and 20 residents on loopback, 50 at +50 ms
    python bench/voting.py --residents 50 --latency 0.05 --taps 60
    python bench/voting.py --profile /tmp/bot.prof --only bot   # cProfile of the bot process
    python bench/voting.py --storage              # the database alone: taps written per second

Latency (`--latency`) is added by the emulator to every Bot API call, getUpdates included,
on the server side of each request (FakeTelegram(latency=...)).
"""

import argparse
import asyncio
import contextlib
import json
import logging
import os
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python bench/voting.py` from anywhere
    sys.path.insert(0, str(ROOT))

from telegram import InlineKeyboardMarkup, Update  # noqa: E402
from telegram.ext import Application, CallbackQueryHandler, ContextTypes  # noqa: E402

from bot.chat.buttons import markup  # noqa: E402
from bot.emulated import DEMO_TOKEN  # noqa: E402
from bot.emulator import FakeTelegram, start_http  # noqa: E402
from bot.i18n import Catalogs  # noqa: E402
from bot.procedure import Field, Procedure, load_procedure  # noqa: E402
from bot.resources import example_procedure, locales_dir  # noqa: E402
from bot.voting.ballot import ballot_screen  # noqa: E402
from bot.voting.buttons import Consent, FieldBallot, Pick, Vote  # noqa: E402
from bot.voting.voter import voter_key  # noqa: E402
from storage.ballots import Ballot  # noqa: E402

FIRST_USER = 100_000
SECRET = "benchmark-secret-0123456789"
BURST_EVERY = 10  # every tenth round a resident double-taps
SETUP_TIMEOUT = 60.0


# --- the emulator side ----------------------------------------------------------------------


class Watched(FakeTelegram):
    """The emulator, telling the bench what each call did once it took effect."""

    def __init__(self, latency: float) -> None:
        super().__init__(token=DEMO_TOKEN, latency=latency)
        self.on_call: Callable[[str, dict[str, Any], int], None] = lambda *_: None

    async def call(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        status, body = await super().call(token, method, params)
        self.on_call(method.lower(), params, status)
        return status, body


@dataclass
class Chat:
    """What the bench saw happen in one resident's chat."""

    sent: int = 0
    edits: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def poke(self) -> None:
        event, self.changed = self.changed, asyncio.Event()
        event.set()


@dataclass
class Expectation:
    """A press of a Pick button: the vote it must have stored before it is answered."""

    key: str
    field_id: str
    goal_id: str
    chosen: bool


class Observer:
    """Counts answers and edits per chat, and checks each vote's commit at its answer."""

    def __init__(self, fake: Watched) -> None:
        self.fake = fake
        self.chats: dict[int, Chat] = {}
        self.answered: set[str] = set()
        self.expected: dict[str, Expectation] = {}
        self.database: sqlite3.Connection | None = None
        self.acknowledged_early = 0
        self.checked = 0
        fake.on_call = self._seen

    def chat(self, user_id: int) -> Chat:
        return self.chats.setdefault(user_id, Chat())

    def _seen(self, method: str, params: dict[str, Any], status: int) -> None:
        if status != 200:
            return
        if method == "answercallbackquery":
            query_id = str(params.get("callback_query_id"))
            self.answered.add(query_id)
            self._check_commit(query_id)
            record = self.fake.callbacks.get(query_id)
            if record is not None:
                self.chat(record.user_id).poke()
            return
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            with contextlib.suppress(TypeError, ValueError):
                chat_id = int(str(chat_id))
        if not isinstance(chat_id, int) or chat_id not in self.chats:
            return
        chat = self.chats[chat_id]
        if method.startswith("edit"):
            chat.edits += 1
        elif method.startswith("send"):
            chat.sent += 1
        chat.poke()

    def _check_commit(self, query_id: str) -> None:
        # Read synchronously, at the moment the answer reaches "Telegram": an async read
        # would happen later and could see a commit that came after the answer.
        wanted = self.expected.pop(query_id, None)
        if wanted is None or self.database is None:
            return
        row = self.database.execute(
            "SELECT weight FROM ballots WHERE voter_key = ? AND field_id = ? AND goal_id = ?",
            (wanted.key, wanted.field_id, wanted.goal_id),
        ).fetchone()
        self.checked += 1
        if (row is not None and row[0] > 0) != wanted.chosen:
            self.acknowledged_early += 1

    async def until(self, user_id: int, ready: Callable[[], bool]) -> None:
        chat = self.chat(user_id)
        async with asyncio.timeout(SETUP_TIMEOUT):
            while not ready():
                await chat.changed.wait()


# --- one run --------------------------------------------------------------------------------


@dataclass
class Run:
    """Figures of one run."""

    name: str
    presses: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    bot_cpu: float = 0.0
    emulator_cpu: float = 0.0
    out_of_order: int = 0
    early: int = 0
    checked: int = 0
    wrong_ballots: int = 0

    @property
    def rate(self) -> float:
        return self.presses / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000

    def line(self) -> str:
        cpu = self.bot_cpu / self.presses * 1000 if self.presses else 0.0
        busy = self.emulator_cpu / self.seconds * 100 if self.seconds else 0.0
        return (
            f"{self.name:<24} {self.presses:>6} presses {self.seconds:6.1f} s "
            f"{self.rate:6.0f}/s  p50 {self.pct(50):6.1f}  p95 {self.pct(95):6.1f}  "
            f"p99 {self.pct(99):6.1f} ms  bot CPU {cpu:5.2f} ms/press  emulator {busy:3.0f} %"
        )

    def checks(self) -> str:
        return (
            f"{'':<24} out of order: {self.out_of_order}  answered before commit: "
            f"{self.early} of {self.checked}  wrong final ballots: {self.wrong_ballots}"
        )


class Child:
    """The bot (or the minimal app) in a process of its own, driven by lines on stdin."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls, args: list[str]) -> "Child":
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        child = cls(process)
        await child._read()  # "ready"
        return child

    async def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = await self.process.stdout.readline()
        if not line:
            raise RuntimeError("the bench's bot process ended early (see its errors above)")
        found = json.loads(line)
        assert isinstance(found, dict)
        return found

    async def ask(self, command: str) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{command}\n".encode())
        await self.process.stdin.drain()
        return await self._read()

    async def stop(self) -> dict[str, Any]:
        answer = await self.ask("stop")
        await self.process.wait()
        return answer


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def everyone(residents: int, one: Callable[[int], Awaitable[None]]) -> None:
    await asyncio.gather(*(one(FIRST_USER + n) for n in range(residents)))


async def measure(
    kind: str,
    procedure: Procedure,
    residents: int,
    taps: int,
    latency: float,
    folder: Path,
    profile: str | None,
) -> Run:
    """One app, one setting: set the residents up, then time their taps."""
    fake = Watched(latency)
    observer = Observer(fake)
    door = await start_http(fake)
    database = folder / f"{kind}-{residents}-{latency}-{time.monotonic_ns()}.db"
    args = ["--serve", kind, "--base-url", door.base_url, "--database", str(database)]
    if profile:
        args += ["--profile", profile]
    child = await Child.start(args)
    name = "participation-bot" if kind == "bot" else "minimal PTB app"
    run = Run(f"{name}{label(latency)}")
    try:
        field_ = procedure.fields[0]
        goals = field_.goals[:3]
        screens: dict[int, int] = {}  # user -> the message with the buttons
        if kind == "bot":
            observer.database = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
            await everyone(residents, lambda uid: open_field(fake, observer, field_, uid, screens))
        else:
            await everyone(residents, lambda uid: minimal_screen(fake, observer, uid, screens))
        chosen: dict[int, dict[str, bool]] = {}
        before = await child.ask("cpu")
        emulator_before = cpu_seconds()
        started = time.perf_counter()

        async def taps_of(uid: int) -> None:
            mine = chosen.setdefault(uid, {})
            await tapping(fake, observer, kind, field_, goals, uid, screens[uid], taps, run, mine)

        await everyone(residents, taps_of)
        run.seconds = time.perf_counter() - started
        run.emulator_cpu = cpu_seconds() - emulator_before
        after = await child.ask("cpu")
        run.bot_cpu = after["cpu"] - before["cpu"]
        run.out_of_order = (await child.stop())["out_of_order"]
        run.early, run.checked = observer.acknowledged_early, observer.checked
        if kind == "bot":
            run.wrong_ballots = wrong_ballots(observer, field_, chosen)
    finally:
        if child.process.returncode is None:
            child.process.kill()
            await child.process.wait()
        if observer.database is not None:
            observer.database.close()
        await door.stop()
    return run


def wrong_ballots(observer: Observer, field_: Field, chosen: dict[int, dict[str, bool]]) -> int:
    """Residents whose stored choices differ from what their taps left."""
    assert observer.database is not None
    wrong = 0
    for user_id, goals in chosen.items():
        rows = observer.database.execute(
            "SELECT goal_id FROM ballots WHERE voter_key = ? AND field_id = ? AND weight > 0",
            (voter_key(SECRET, user_id), field_.id),
        ).fetchall()
        if {row[0] for row in rows} != {goal for goal, on in goals.items() if on}:
            wrong += 1
    return wrong


async def open_field(
    fake: Watched, observer: Observer, field_: Field, user_id: int, screens: dict[int, int]
) -> None:
    """A resident starts the bot, agrees and opens the first field (not timed)."""
    fake.add_user(user_id, language_code="de")
    chat = observer.chat(user_id)
    fake.user_sends(user_id, "/start")
    await observer.until(user_id, lambda: chat.sent >= 1)

    async def press(data: str) -> None:
        message = fake.last_bot_message(user_id)
        assert message is not None
        edits = chat.edits
        fake.user_presses(user_id, message.message_id, data)
        query = next(reversed(fake.callbacks))
        await observer.until(user_id, lambda: query in observer.answered and chat.edits > edits)

    await press(Vote().pack())
    await press(Consent(True).pack())
    await press(FieldBallot(field_).pack())
    message = fake.last_bot_message(user_id)
    assert message is not None
    screens[user_id] = message.message_id


async def minimal_screen(
    fake: Watched, observer: Observer, user_id: int, screens: dict[int, int]
) -> None:
    """The message with the minimal app's buttons (sent by the bench, not timed)."""
    fake.add_user(user_id, language_code="de")
    observer.chat(user_id)
    _, body = await fake.call(
        DEMO_TOKEN,
        "sendMessage",
        {"chat_id": user_id, "text": "start", "reply_markup": MINIMAL_KEYBOARD[0]},
    )
    screens[user_id] = body["result"]["message_id"]


async def tapping(fake: Watched, observer: Observer, kind: str, field_: Field, goals: list[Any],
                  user_id: int, message: int, taps: int, run: Run,
                  chosen: dict[str, bool]) -> None:  # fmt: skip
    """A resident's closed loop: tap, wait for answer and edit, tap again; now and then two
    taps before the first answer (their order is the bot's to keep)."""
    chat = observer.chat(user_id)
    key = voter_key(SECRET, user_id)
    done = 0
    round_ = 0
    while done < taps:
        burst = 2 if round_ % BURST_EVERY == BURST_EVERY - 1 and taps - done >= 2 else 1
        pending = []
        for n in range(burst):
            goal = goals[(round_ + n) % len(goals)]
            if kind == "bot":
                on = not chosen.get(goal.id, False)
                chosen[goal.id] = on
                data = Pick(field_, goal, on).pack()
            else:
                data = MINIMAL_KEYBOARD[1][(round_ + n) % len(MINIMAL_KEYBOARD[1])]
            edits = chat.edits
            started = time.perf_counter()
            fake.user_presses(user_id, message, data)
            query = next(reversed(fake.callbacks))
            if kind == "bot":
                observer.expected[query] = Expectation(key, field_.id, goal.id, on)
            pending.append((query, edits + 1 + n, started))
        for query, edits, started in pending:
            await observer.until(
                user_id, lambda q=query, e=edits: q in observer.answered and chat.edits >= e
            )
            run.latencies.append(time.perf_counter() - started)
            run.presses += 1
        done += burst
        round_ += 1


def label(latency: float) -> str:
    return f" +{latency * 1000:.0f} ms" if latency else " loopback"


# --- the minimal app ------------------------------------------------------------------------

MINIMAL_KEYBOARD: tuple[dict[str, Any], list[str]] = ({}, [])


def same_size_screen(procedure: Procedure) -> tuple[str, InlineKeyboardMarkup]:
    """The text and keyboard of a ballot screen, so that both applications move the same bytes
    through python-telegram-bot and the emulator and the ratio measures our own work."""
    catalogs = Catalogs.load(locales_dir(), procedure.languages, procedure.timezone)
    t = catalogs.translator("de")
    screen = ballot_screen(t, procedure, procedure.fields[0], Ballot())
    return screen.text, markup(screen.rows)


def minimal_application(base_url: str, text: str, keyboard: InlineKeyboardMarkup) -> Any:
    """python-telegram-bot's defaults: HTTPXRequest, updates handled one at a time; each press
    answered, then the message edited."""
    counter = {"n": 0}

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        counter["n"] += 1
        await query.answer()
        await query.edit_message_text(
            f"{text}\n{counter['n']}", parse_mode="HTML", reply_markup=keyboard
        )

    application = Application.builder().token(DEMO_TOKEN).base_url(base_url).build()
    application.add_handler(CallbackQueryHandler(button))
    return application


# --- the bot's process ----------------------------------------------------------------------


async def serve(kind: str, base_url: str, database: Path, profile: str | None) -> None:
    """Run the bot (or the minimal app) against base_url; answer "cpu" and "stop" on stdin."""
    from bot.app import ALLOWED_UPDATES, build_application
    from bot.chat.context import services_of
    from bot.config import Settings
    from bot.voting.window import open_for

    # Errors only: the example procedure's dates are long past (voting is opened for the
    # bench at run time), and its retention warning is not news here.
    logging.basicConfig(level=logging.ERROR)
    procedure = load_procedure(example_procedure())
    order: dict[int, list[int]] = {}

    def record(update: object) -> None:
        if isinstance(update, Update) and update.effective_user:
            order.setdefault(update.effective_user.id, []).append(update.update_id)

    if kind == "bot":
        settings = Settings(
            token=DEMO_TOKEN,
            api_url=base_url,
            database=database,
            procedure=procedure.source,
            secret=SECRET,
            log_level="WARNING",
        )
        application: Any = build_application(settings, procedure, on_update_done=record)
        allowed: list[str] | None = ALLOWED_UPDATES
    else:
        text, keyboard = same_size_screen(procedure)
        application = minimal_application(base_url, text, keyboard)
        allowed = None
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    if kind == "bot":
        await open_for(services_of(application).database, 1, "bench")
    # As run_polling starts it (its defaults: poll_interval 0, timeout 10 s).
    await application.updater.start_polling(allowed_updates=allowed)
    await application.start()

    loop = asyncio.get_running_loop()
    commands = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(commands), sys.stdin)
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()

    def say(answer: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()

    say({"ready": True})
    asked = 0
    while line := (await commands.readline()).decode().strip():
        if line == "cpu":
            asked += 1
            if profiler is not None:  # the measured taps run between the first two "cpu"
                profiler.enable() if asked == 1 else profiler.disable()
            say({"cpu": cpu_seconds()})
        elif line == "stop":
            break
    if profiler is not None and profile:
        profiler.dump_stats(profile)
    await application.updater.stop()
    await application.stop()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)
    await application.shutdown()
    out_of_order = sum(ids != sorted(ids) for ids in order.values())
    say({"out_of_order": out_of_order})


# --- the database alone --------------------------------------------------------------------


async def storage_ceiling(procedure: Procedure, voters: int, seconds: float, folder: Path) -> str:
    """Taps written straight through storage/ (no Telegram, no handlers), `voters` at once:
    what SQLite's single writer takes in this process, one transaction per tap."""
    from storage import ballots
    from storage.db import Database

    db = await Database.open(folder / "storage-only.db")
    field_ = procedure.fields[0]
    goals = field_.goals[:3]
    rules = procedure.voter_rules_json
    done = 0
    before = cpu_seconds()
    started = time.perf_counter()

    async def voter(n: int) -> None:
        nonlocal done
        key = voter_key(SECRET, FIRST_USER + n)
        chosen: dict[str, bool] = {}
        while time.perf_counter() - started < seconds:
            goal = goals[done % len(goals)]
            chosen[goal.id] = not chosen.get(goal.id, False)
            weight = int(chosen[goal.id])
            await ballots.set_weight(db, key, rules, field_.id, goal.id, weight, max_goals=3)
            done += 1

    try:
        await asyncio.gather(*(voter(n) for n in range(voters)))
    finally:
        await db.close()
    wall = time.perf_counter() - started
    cpu = (cpu_seconds() - before) / done * 1000
    return (
        f"storage only, {voters} voters at once: {done / wall:,.0f} taps/s written "
        f"(a read and a write each), CPU {cpu:.2f} ms per tap"
    )


# --- main -----------------------------------------------------------------------------------


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--residents", type=int, action="append", help="residents tapping at once; repeatable"
    )
    parser.add_argument("--latency", type=float, action="append", help="seconds; repeatable")
    parser.add_argument("--taps", type=int, default=40, help="taps per resident (default 40)")
    parser.add_argument(
        "--baseline-taps-with-latency",
        type=int,
        default=4,
        help="taps per resident for the minimal app with latency (it handles one at a time)",
    )
    parser.add_argument("--only", choices=("bot", "minimal"), help="measure one app only")
    parser.add_argument("--profile", help="cProfile the bot process's taps into this file")
    parser.add_argument(
        "--storage", action="store_true", help="only the database: taps written via storage/"
    )
    parser.add_argument("--serve", choices=("bot", "minimal"), help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        await serve(args.serve, args.base_url, args.database, args.profile)
        return

    # A connection the bot drops as it stops (its last long poll) is no news either.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    procedure = load_procedure(example_procedure())
    _, keyboard = same_size_screen(procedure)
    MINIMAL_KEYBOARD[0].update(keyboard.to_dict())
    MINIMAL_KEYBOARD[1].extend(
        b["callback_data"] for row in keyboard.to_dict()["inline_keyboard"] for b in row
    )
    del MINIMAL_KEYBOARD[1][3:]
    if args.latency or args.residents:
        settings = [(r, lat) for lat in (args.latency or [0.0]) for r in (args.residents or [50])]
    else:
        settings = [(50, 0.0), (20, 0.0), (50, 0.05)]
    if args.storage:
        with tempfile.TemporaryDirectory() as folder:
            print(await storage_ceiling(procedure, 50, 5.0, Path(folder)))
        return
    python = sys.version.split()[0]
    print(
        f"{args.taps} taps per resident in a closed loop (a double tap every {BURST_EVERY}th "
        f"round), Python {python}, {os.cpu_count()} CPUs; latencies in ms"
    )
    with tempfile.TemporaryDirectory() as folder:
        for residents, latency in settings:
            print(f"{residents} residents{label(latency)}")
            ours = minimal = None
            if args.only != "minimal":
                ours = await measure(
                    "bot", procedure, residents, args.taps, latency, Path(folder), args.profile
                )
                print(ours.line())
                print(ours.checks())
            if args.only != "bot":
                taps = args.baseline_taps_with_latency if latency else args.taps
                minimal = await measure(
                    "minimal", procedure, residents, taps, latency, Path(folder), None
                )
                print(minimal.line())
            if ours and minimal:
                cpu = (ours.bot_cpu / ours.presses) / (minimal.bot_cpu / minimal.presses)
                print(
                    f"{'ratio to minimal':<24} presses/s {ours.rate / minimal.rate:.2f}   "
                    f"CPU per press {cpu:.2f}"
                )
            print()


if __name__ == "__main__":
    asyncio.run(main())
