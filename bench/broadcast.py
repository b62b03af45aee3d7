"""Benchmark: a broadcast to many subscribers at Telegram's pace, while residents use the bot.

The emulator enforces 30 messages/s in all, adds 50 ms to every request, blocks ~1 % of the
subscribers (403) and throws a 429 now and then. Prints the achieved messages/s against the
configured rate, duplicates, lost messages, and the p95 latency of residents' replies measured
while the broadcast runs. Then a paid broadcast at 1000/s against Telegram's paid limit, and
the worker's own ceiling: the emulator's limits off and the worker's pacing off, so that only
the worker's own work and the 50 ms round trips bound it. Not a test: it prints figures and
asserts nothing.

    python bench/broadcast.py                    # 10,000 subscribers (about 7 minutes)
    python bench/broadcast.py --subscribers 2000 --overhead-messages 5000
"""

import argparse
import asyncio
import random
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.broadcasting import publishing
from bot.broadcasting.send_budget import SendBudget
from bot.chat.menu import ToMenu
from bot.config import Settings
from bot.emulated import DEMO_TOKEN, EmulatedBot
from bot.emulator import FakeTelegram
from bot.languages import SUPPORTED_LANGUAGES
from bot.procedure import load_procedure
from bot.resources import example_procedure
from bot.voting.buttons import FieldList
from storage import outbox

FIRST = 1_000_000
RESIDENTS = 10
STORM = "Too Many Requests: retry after 1 (injected)"
UNPACED = 1_000_000.0  # messages/s no worker reaches: pacing off, for the ceiling


def prepare(path: Path, count: int) -> list[tuple[int, str]]:
    """Subscribers in eight languages, written straight into a migrated database."""
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    people = [(FIRST + n, SUPPORTED_LANGUAGES[n % len(SUPPORTED_LANGUAGES)]) for n in range(count)]
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO participants (user_id, chat_id, language, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [(user, user, language, stamp, stamp) for user, language in people],
        )
        connection.executemany(
            "INSERT INTO subscriptions (chat_id, user_id, subscribed_at) VALUES (?, ?, ?)",
            [(user, user, stamp) for user, _ in people],
        )
    return people


async def residents_while(bot: EmulatedBot, running: asyncio.Event, latencies: list[float]) -> None:
    """Residents who are not subscribers tap through the menu and ask for /help meanwhile."""

    async def one(user: int) -> None:
        jitter = random.Random(user)  # people do not act in step
        bot.fake.add_user(user, language_code="en")
        await asyncio.sleep(jitter.uniform(0, 2))
        await bot.send(user, "/start")
        step = 0
        while running.is_set():
            started = time.perf_counter()
            if step % 5 == 4:
                await bot.send(user, "/help")
            else:
                offered = bot.fake.last_bot_message(user).callback_data
                if not offered:  # an apology without buttons: start again (counted as a reply)
                    await bot.send(user, "/start")
                else:
                    wanted = (
                        FieldList().pack() if FieldList().pack() in offered else ToMenu().pack()
                    )
                    await bot.press(user, wanted)
            latencies.append(time.perf_counter() - started)
            step += 1
            await asyncio.sleep(jitter.uniform(0.5, 1.5))

    await asyncio.gather(*(one(FIRST - 1 - n) for n in range(RESIDENTS)))


async def storms(fake: FakeTelegram, running: asyncio.Event) -> None:
    """A 429 (retry after 1 s) now and then, as a busy Telegram sends them."""
    while running.is_set():
        await asyncio.sleep(60.0)
        fake.inject_error("sendMessage", 429, STORM, retry_after=1)


async def run(subscribers: int, rate: float, folder: Path, *, paid: bool = False,
              limit: float | None = None, paid_limit: float | None = None,
              residents: bool = False) -> dict[str, float]:  # fmt: skip
    """Broadcast to `subscribers` at `rate` (None: unpaced) with 50 ms per request; the
    emulator allows `limit` messages/s (`paid_limit` for paid broadcasts; None: no limit)."""
    procedure = load_procedure(example_procedure())
    settings = Settings(
        token=DEMO_TOKEN, database=folder / f"bench-{rate}.db", procedure=procedure.source,
        secret="benchmark-secret-0123456789", broadcast_rate=rate, paid_broadcast=paid,
    )  # fmt: skip
    fake = FakeTelegram(
        token=DEMO_TOKEN, latency=0.05, rate_limit=limit, paid_rate_limit=paid_limit
    )
    bot = EmulatedBot(settings, procedure, fake)
    latencies: list[float] = []
    async with bot:
        await bot.worker.stop()  # queue first, then deliver from a clean start
        if rate >= UNPACED:
            bot.worker.budget = SendBudget(UNPACED, UNPACED)
        people = await asyncio.to_thread(prepare, settings.database, subscribers)
        blocked = set(random.Random(7).sample([u for u, _ in people], k=subscribers // 100))
        for user, language in people:
            fake.add_user(user, language_code=language)
            if user in blocked:
                fake.chat(user).blocked = True
        broadcast_id = await publishing.queue(
            bot.services.database, procedure, author_id=None,
            texts={"de": "<b>Neu</b> im Verfahren.", "en": "<b>News</b> of the procedure."},
            kind="news",
        )  # fmt: skip
        running = asyncio.Event()
        running.set()
        side = [asyncio.create_task(storms(fake, running))] if limit else []
        if residents:
            side.append(asyncio.create_task(residents_while(bot, running, latencies)))
        started = time.perf_counter()
        bot.worker.start()
        db = bot.services.database
        while (await outbox.get(db, broadcast_id)).state != "done":  # noqa: ASYNC110
            await asyncio.sleep(0.2)
        seconds = time.perf_counter() - started
        running.clear()
        await asyncio.gather(*side)
        counts = await outbox.counts(db, broadcast_id)
    per_chat: dict[int, int] = {}
    for record in fake.calls("sendMessage"):
        chat = record.params.get("chat_id")
        if record.ok and isinstance(chat, int) and chat >= FIRST:
            per_chat[chat] = per_chat.get(chat, 0) + 1
    expected = {u for u, _ in people} - blocked
    floods = [r for r in fake.calls("sendMessage") if r.status == 429]
    injected = sum(1 for r in floods if (r.response or {}).get("description") == STORM)
    ordered = sorted(latencies)
    return {
        "rate": counts["sent"] / seconds,
        "handled": (counts["sent"] + counts["blocked"] + counts["failed"]) / seconds,
        "seconds": seconds,
        "sent": counts["sent"],
        "blocked": counts["blocked"],
        "duplicates": sum(n - 1 for n in per_chat.values()),
        "lost": len(expected - set(per_chat)),
        "p95": ordered[int(0.95 * len(ordered))] * 1000 if ordered else 0.0,
        "replies": len(ordered),
        "limit_429s": len(floods) - injected,
        "injected": injected,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--overhead-messages", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        paced = await run(args.subscribers, args.rate, Path(folder), limit=30.0, residents=True)
        print(
            f"{args.subscribers} subscribers, 8 languages, emulator 30 msg/s + 50 ms, 1 % blocked,"
            f" a 429 every 60 s, {RESIDENTS} residents using the bot meanwhile"
        )
        print(
            f"  achieved {paced['rate']:.1f} msg/s of {args.rate:g} configured "
            f"({100 * paced['rate'] / args.rate:.1f} %; with the 403s "
            f"{100 * paced['handled'] / args.rate:.1f} %), {paced['sent']:.0f} sent, "
            f"{paced['blocked']:.0f} blocked, duplicates {paced['duplicates']:.0f}, "
            f"lost {paced['lost']:.0f}, in {paced['seconds']:.0f} s"
        )
        print(
            f"  429 answers: {paced['injected']:.0f} injected, {paced['limit_429s']:.0f} from the "
            "emulator's limit (the worker should provoke none)"
        )
        print(
            f"  residents' replies meanwhile: p95 {paced['p95']:.0f} ms over {paced['replies']:.0f}"
        )
        paid = await run(args.overhead_messages, 1000.0, Path(folder), paid=True, paid_limit=1000.0)
        most = SendBudget(1000.0, ceiling=1000.0).most_in_a_second
        print(
            f"paid broadcast at 1000/s, emulator enforcing Telegram's 1000/s, 50 ms latency: "
            f"{paid['rate']:.0f} msg/s (the worker keeps under the limit: at most {most:.0f} in "
            f"any second), 429 answers {paid['limit_429s']:.0f}, "
            f"duplicates {paid['duplicates']:.0f}, lost {paid['lost']:.0f}"
        )
        raw = await run(args.overhead_messages, UNPACED, Path(folder), paid=True)
        print(
            f"worker ceiling (emulator limits off, pacing off, 50 ms latency): "
            f"{raw['rate']:.0f} msg/s over {raw['sent']:.0f} messages, duplicates "
            f"{raw['duplicates']:.0f}, lost {raw['lost']:.0f}"
        )


if __name__ == "__main__":
    asyncio.run(main())
