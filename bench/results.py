"""Benchmark: the results at 100,000 residents (about two million ballot rows).

Builds a SQLite file with the shipped procedure (7 fields, top_n 3: about 20 ballot rows per
resident, some "no preference" answers, eight languages), through the migrations so that the
triggers of 0005_results.sql keep the counters, and caches it under /tmp by size. Then prints:
the tally read from the kept counters against the same counts grouped from the raw rows
(plain, and with a covering index on ballots), the cost per vote of the triggers (and of the
index), /results for staff while residents keep voting (in-process, and through the real bot
on the emulator), the CSV and JSON exports in-process and through the command line, peak
memory, and the chart rendering time. Not a test: it prints figures and asserts nothing.

    python bench/results.py                    # 100,000 residents (~75 s, 2 cores, build included)
    python bench/results.py --residents 10000  # quicker
    python bench/results.py --rebuild          # build the cached file again
"""

import argparse
import asyncio
import itertools
import os
import random
import resource
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from bot.config import Settings
from bot.emulated import EmulatedBot
from bot.i18n import Catalogs, Translator
from bot.procedure import Procedure, load_procedure
from bot.resources import example_procedure, locales_dir
from bot.results.buttons import ResultsPage
from bot.results.exports import to_csv, to_json
from bot.results.reading import current_outcome
from bot.results.screens import field_chart, overview_chart, staff_field, staff_overview
from bot.voting.voter import voter_key
from storage import ballots
from storage.db import Database, latest_version, migrations
from storage.tally import counted_again, tally

SECRET = "benchmark-secret-0123456789"
FIRST = 1_000_000  # user id of the first resident in the file
NEWCOMERS = 50_000_000  # user ids of residents who vote for the first time during the run
STAFF = 999
BUILD = 2  # the cached files' name carries it: change it when build() makes other rows
# Share of the voters per language (the procedure's languages, in its order).
LANGUAGE_SHARES = {"de": 60, "en": 8, "tr": 8, "ar": 8, "ru": 5, "uk": 5, "fa": 3, "pl": 3}
ABSTAIN, SKIP = 0.03, 0.03  # per resident and field: "no preference", field left out
GOAL_QUERY = (
    "SELECT field_id, goal_id, COUNT(*), SUM(weight) FROM ballots GROUP BY field_id, goal_id"
)
ANSWERED_QUERY = (  # counted_again's second query: voters who answered each field
    "SELECT field_id, COUNT(*) FROM (SELECT DISTINCT voter_key, field_id FROM ballots "
    "UNION SELECT voter_key, field_id FROM abstentions) GROUP BY field_id"
)
COVERING = "CREATE INDEX ballots_by_goal ON ballots (field_id, goal_id, weight)"
TIME = "/usr/bin/time"  # GNU time: the peak RSS of the command-line export
WARM_UP = 50  # calls not counted in the write cost: the connections warm up
TARGET_RESULTS_MS, TARGET_CSV_S, TARGET_MB = 200.0, 3.0, 300.0


def language_of(user_id: int) -> str:
    """A resident's language, fixed by the user id (so the writer knows it without a read)."""
    bucket = user_id * 7919 % 100
    for language, share in LANGUAGE_SHARES.items():
        if bucket < share:
            return language
        bucket -= share
    return "de"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0.0


def ms(values: list[float]) -> str:
    """p50/p95/max of durations in seconds, in milliseconds."""
    return (
        f"p50 {pct(values, 50) * 1000:7.1f} ms   p95 {pct(values, 95) * 1000:7.1f} ms   "
        f"max {max(values) * 1000:7.1f} ms   (n={len(values)})"
    )


def rss_mb(usage: resource.struct_rusage) -> float:
    return usage.ru_maxrss / 1024  # kilobytes on Linux


def reset_peak() -> bool:
    """Start this process's peak RSS (VmHWM) afresh from its current RSS (Linux 4.0+)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def status_mb(name: str) -> float:
    """VmRSS or VmHWM of this process in MB (0 where /proc is not there)."""
    try:
        lines = Path("/proc/self/status").read_text().splitlines()
    except OSError:
        return 0.0
    found = [line.split()[1] for line in lines if line.startswith(f"{name}:")]
    return int(found[0]) / 1024 if found else 0.0


# --- the database ------------------------------------------------------------------------------


def trigger_names() -> list[str]:
    """The triggers that keep the counters (from 0005_results.sql)."""
    script = next(sql for number, _, sql in migrations() if number == 5)
    return [line.split()[2] for line in script.splitlines() if line.startswith("CREATE TRIGGER")]


def popularity(procedure: Procedure, rng: random.Random) -> dict[str, list[tuple[str, float]]]:
    """Per field its goals with a weight: some sub-goals are much more popular than others."""
    table = {}
    for f in procedure.fields:
        weights = [6.0, 4.0, 3.0, 2.0, 1.5, 1.0][: len(f.goals)]
        rng.shuffle(weights)
        table[f.id] = [(g.id, w) for g, w in zip(f.goals, weights, strict=True)]
    return table


def build(path: Path, residents: int, procedure: Procedure) -> float:
    """A migrated file with `residents` residents' ballots; returns the seconds it took."""
    started = time.perf_counter()

    async def migrate() -> None:
        await (await Database.open(path)).close()

    asyncio.run(migrate())
    rng = random.Random(2020)
    goals = popularity(procedure, rng)
    top_n = procedure.voting.top_n
    people = sorted((voter_key(SECRET, FIRST + n), FIRST + n) for n in range(residents))
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA cache_size = -65536")
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    connection.execute(
        "INSERT INTO frozen_rules (id, rules, frozen_at) VALUES (1, ?, ?)",
        (procedure.voter_rules_json, stamp),
    )
    for start in range(0, residents, 10_000):
        voters, rows, abstentions = [], [], []
        for key, _user in people[start : start + 10_000]:
            voters.append((key,))
            for field_id, weighted in goals.items():
                roll = rng.random()
                if roll < ABSTAIN:
                    abstentions.append((key, field_id))
                elif roll >= ABSTAIN + SKIP:
                    # Weighted choice of top_n goals without repeats (Efraimidis-Spirakis).
                    picked = sorted(weighted, key=lambda gw: rng.random() ** (1 / gw[1]))
                    rows += sorted((key, field_id, g, 1) for g, _ in picked[-top_n:])
        connection.execute("BEGIN")
        connection.executemany(
            "INSERT INTO participants (user_id, chat_id, language, created_at, updated_at, "
            "consent_at, voted) VALUES (?1, ?1, ?2, ?3, ?3, ?3, 1)",
            [(user, language_of(user), stamp) for _, user in people[start : start + 10_000]],
        )
        # The voter's key alone (no language beside a ballot); participation per language
        # counts the participants' "voted" mark.
        connection.executemany("INSERT INTO voters (voter_key) VALUES (?)", voters)
        connection.executemany(
            "INSERT INTO ballots (voter_key, field_id, goal_id, weight) VALUES (?, ?, ?, ?)", rows
        )
        connection.executemany(
            "INSERT INTO abstentions (voter_key, field_id) VALUES (?, ?)", abstentions
        )
        connection.execute("COMMIT")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return time.perf_counter() - started


def counts(path: Path) -> tuple[int, int, int]:
    """Ballot rows, abstentions and voters, read from the kept counters."""
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT SUM(voters) FROM goal_tally").fetchone()[0] or 0
        abstained = connection.execute("SELECT SUM(abstained) FROM field_tally").fetchone()[0]
        voters = connection.execute("SELECT SUM(voters) FROM language_tally").fetchone()[0]
    connection.close()
    return rows, abstained or 0, voters or 0


def cache_paths(residents: int) -> tuple[Path, Path]:
    """The cached file for this size and schema, and the note of when it was built."""
    cached = Path(tempfile.gettempdir()) / (
        f"participation-bench-results-{residents}-v{latest_version()}-b{BUILD}.db"
    )
    return cached, cached.with_suffix(".built")


def build_cached(residents: int, procedure: Procedure) -> None:
    """Build the cached file (run in a child process: its memory is not this run's)."""
    cached, note = cache_paths(residents)
    partial = cached.with_suffix(".building")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    seconds = build(partial, residents, procedure)
    partial.rename(cached)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    note.write_text(f"built in {seconds:.1f} s at {stamp}\n")


def cached_file(residents: int, rebuild: bool) -> Path:
    cached, note = cache_paths(residents)
    if cached.exists() and note.exists() and not rebuild:
        print(f"database: {cached} (cached, {note.read_text().strip()}; --rebuild to build again)")
        return cached
    command = [sys.executable, __file__, "--residents", str(residents), "--build-only"]
    subprocess.run(command, check=True)
    print(f"database: {cached} {note.read_text().strip()} (in a child process)")
    return cached


def variant(source: Path, target: Path, *, triggers: bool, index: bool) -> float:
    """A copy of the file without the triggers and/or with the covering index; returns the
    seconds the index took to create (0 without)."""
    shutil.copyfile(source, target)
    connection = sqlite3.connect(target, isolation_level=None)
    if not triggers:
        # Later migrations drop some of them: only the ones the file has.
        for name in trigger_names():
            connection.execute(f"DROP TRIGGER IF EXISTS {name}")
    started = time.perf_counter()
    if index:
        connection.execute(COVERING)
        connection.execute("ANALYZE")
    seconds = time.perf_counter() - started if index else 0.0
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return seconds


def plan_of(path: Path, sql: str) -> str:
    with sqlite3.connect(path) as connection:
        plan = "; ".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}"))
    connection.close()
    return plan


# --- votes -------------------------------------------------------------------------------------


@dataclass
class Call:
    """One storage call as a tap makes it: set a weight (0 removes) or "no preference"."""

    kind: str  # "first" (a newcomer's first vote), "change", "abstain"
    key: str
    language: str
    field_id: str
    goal_id: str = ""
    weight: int = 1


async def make(db: Database, procedure: Procedure, call: Call) -> ballots.Outcome:
    rules = procedure.voter_rules_json
    if call.kind == "abstain":
        done, _ = await ballots.abstain(db, call.key, rules, call.field_id)
    else:
        done, _ = await ballots.set_weight(
            db, call.key, rules, call.field_id, call.goal_id, call.weight,
            max_goals=procedure.voting.top_n,
        )  # fmt: skip
    return done


def newcomer(procedure: Procedure, rng: random.Random, fresh: itertools.count) -> Call:
    """A resident's first vote: one sub-goal in one field."""
    f = rng.choice(procedure.fields)
    user = next(fresh)
    return Call("first", voter_key(SECRET, user), language_of(user), f.id, rng.choice(f.goals).id)


async def next_calls(
    db: Database, procedure: Procedure, rng: random.Random, residents: int,
    fresh: itertools.count, voter: int | None = None, abstain: float = 0.0,
) -> list[Call]:  # fmt: skip
    """What one resident taps next: a newcomer's first vote (one in five), else a resident of
    the file changes a field (reads their ballot first, as the screen does): "no preference"
    now and then, else remove a chosen sub-goal and choose another."""
    if voter is None and rng.random() < 0.2:
        return [newcomer(procedure, rng, fresh)]
    f = rng.choice(procedure.fields)
    user = FIRST + (voter if voter is not None else rng.randrange(residents))
    key, language = voter_key(SECRET, user), language_of(user)
    current = await ballots.ballot(db, key)
    if rng.random() < abstain and f.id not in current.abstained:
        return [Call("abstain", key, language, f.id)]
    chosen = current.chosen(f.id)
    others = [g.id for g in f.goals if g.id not in chosen]
    calls = []
    if chosen:
        calls.append(Call("change", key, language, f.id, rng.choice(sorted(chosen)), 0))
    calls.append(Call("change", key, language, f.id, rng.choice(others)))
    return calls


@dataclass
class WriteRun:
    """Per-call durations of one file's votes."""

    name: str
    seconds: dict[str, list[float]] = field(default_factory=dict)
    refused: int = 0
    wal_pages: float = 0.0  # pages written to the WAL per call

    def all(self) -> list[float]:
        return [s for values in self.seconds.values() for s in values]

    def mean_us(self, kind: str | None = None) -> float:
        values = self.all() if kind is None else self.seconds.get(kind, [])
        return statistics.fmean(values) * 1e6 if values else 0.0

    def median_us(self, kind: str | None = None) -> float:
        values = self.all() if kind is None else self.seconds.get(kind, [])
        return statistics.median(values) * 1e6 if values else 0.0


async def planned(
    db: Database, procedure: Procedure, rng: random.Random, residents: int,
    fresh: itertools.count, count: int,
) -> list[Call]:  # fmt: skip
    """About `count` calls of distinct residents: one in three a newcomer's first vote, else a
    resident of the file changes a field (planned on `db`'s ballots)."""
    calls: list[Call] = []
    for voter in rng.sample(range(residents), k=min(residents, count)):
        if len(calls) >= count:
            break
        if rng.random() < 1 / 3:
            calls.append(newcomer(procedure, rng, fresh))
        else:
            calls += await next_calls(db, procedure, rng, residents, fresh, voter)
    return calls


async def write_cost(
    files: dict[str, Path], procedure: Procedure, residents: int, votes: int, rounds: int
) -> list[WriteRun]:
    """The same calls on each file, each call on every file in turn (the machine's noise falls
    on every file alike); every call timed but the first WARM_UP. Then, untimed, the WAL pages
    a call writes: with the automatic checkpoint off, the WAL's length after more calls."""
    dbs = {name: await Database.open(path) for name, path in files.items()}
    runs = {name: WriteRun(name) for name in files}
    rng = random.Random(7)
    fresh = itertools.count(NEWCOMERS)
    first_db = next(iter(dbs.values()))
    names = list(dbs)
    try:
        for number in range(rounds):
            # Distinct residents per round, planned on one file: every file holds the same
            # ballots before each round, so the same calls change the same rows everywhere.
            calls = await planned(first_db, procedure, rng, residents, fresh, votes // rounds)
            for index, call in enumerate(calls):
                # Each call on every file in turn, the first file changing from call to call.
                shift = index % len(names)
                for name in names[shift:] + names[:shift]:
                    started = time.perf_counter()
                    done = await make(dbs[name], procedure, call)
                    seconds = time.perf_counter() - started
                    if number or index >= WARM_UP:
                        runs[name].seconds.setdefault(call.kind, []).append(seconds)
                    runs[name].refused += done is not ballots.Outcome.CHANGED
        calls = await planned(first_db, procedure, rng, residents, fresh, 300)
        for name, db in dbs.items():
            await db.write("PRAGMA wal_autocheckpoint = 0")
            await db.write_returning("PRAGMA wal_checkpoint(TRUNCATE)")
            for call in calls:
                await make(db, procedure, call)
            _, frames, _ = (await db.write_returning("PRAGMA wal_checkpoint(PASSIVE)"))[0]
            await db.write("PRAGMA wal_autocheckpoint = 1000")
            runs[name].wal_pages = frames / len(calls)
    finally:
        for db in dbs.values():
            await db.close()
    return list(runs.values())


@dataclass
class Writer:
    """Residents who keep voting: `rate` storage calls a second, or as fast as they can (0)."""

    db: Database
    procedure: Procedure
    residents: int
    rate: float
    calls: int = 0
    seconds: float = 0.0
    _running: bool = True
    # Shared by every writer of the run: newcomers stay new, residents differ from run to run.
    fresh: ClassVar[itertools.count] = itertools.count(NEWCOMERS + 10_000_000)
    rng: ClassVar[random.Random] = random.Random(11)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        started = due = loop.time()
        while self._running:
            for call in await next_calls(
                self.db, self.procedure, self.rng, self.residents, self.fresh, abstain=0.1
            ):
                await make(self.db, self.procedure, call)
                self.calls += 1
                if self.rate:
                    due = max(due + 1 / self.rate, loop.time() - 0.1)  # no catching up in bursts
                    await asyncio.sleep(max(0.0, due - loop.time()))
                else:
                    await asyncio.sleep(0)  # let the other tasks in between, as handlers do
        self.seconds = loop.time() - started

    def stop(self) -> None:
        self._running = False

    def label(self) -> str:
        return f"{self.rate:.0f} votes/s" if self.rate else "as fast as it can"

    def achieved(self) -> str:
        return f"{self.calls / self.seconds:.0f} votes/s" if self.seconds else "-"


async def while_voting(
    db: Database, procedure: Procedure, residents: int, rate: float | None,
    step: Callable[[int], Awaitable[None]], reads: int,
) -> tuple[list[float], Writer | None]:  # fmt: skip
    """Time `step` `reads` times (a pause of 10 ms between: staff do not hammer), while a
    writer votes at `rate` (None: nobody votes)."""
    writer = task = None
    if rate is not None:
        writer = Writer(db, procedure, residents, rate)
        task = asyncio.create_task(writer.run())
        await asyncio.sleep(0.5)  # the writer is under way
    durations = []
    for n in range(reads):
        started = time.perf_counter()
        await step(n)
        durations.append(time.perf_counter() - started)
        await asyncio.sleep(0.01)
    if writer is not None and task is not None:
        writer.stop()
        await task
    return durations, writer


def setting_label(writer: Writer | None, rate: float | None) -> str:
    if rate is None:
        return "nobody voting"
    assert writer is not None
    return f"writer {writer.label()} (achieved {writer.achieved()})"


# --- the steps ---------------------------------------------------------------------------------


async def timed(runs: int, work: Callable[[], Awaitable[object]]) -> list[float]:
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        await work()
        durations.append(time.perf_counter() - started)
    return durations


def stats(durations: list[float]) -> str:
    return (
        f"median {statistics.median(durations) * 1000:8.1f} ms   "
        f"p95 {pct(durations, 95) * 1000:8.1f} ms   (n={len(durations)})"
    )


async def reading(main: Path, indexed: Path, runs: int) -> dict[str, float]:
    print("\n== tally: kept counters against grouping the raw rows ==")
    db, db_indexed = await Database.open(main), await Database.open(indexed)
    figures = {}
    try:
        await tally(db)  # warm: the first read after opening pays for the schema
        kept = await timed(max(50, runs * 10), lambda: tally(db))
        again = await timed(runs, lambda: counted_again(db))
        covered = await timed(runs, lambda: counted_again(db_indexed))
        goals_plain = await timed(runs, lambda: db.fetchall(GOAL_QUERY))
        goals_covered = await timed(runs, lambda: db_indexed.fetchall(GOAL_QUERY))
    finally:
        await db.close()
        await db_indexed.close()
    print(f"  (a) kept counters, tally(db)               {stats(kept)}")
    print(f"  (b) counted_again(db), no extra index      {stats(again)}")
    print(f"  (c) counted_again(db), covering index      {stats(covered)}")
    print(f"      of (b): the goal GROUP BY alone        {stats(goals_plain)}")
    print(f"      of (c): the goal GROUP BY alone        {stats(goals_covered)}")
    print(f"  goal GROUP BY, plan (b): {plan_of(main, GOAL_QUERY)}")
    print(f"                 plan (c): {plan_of(indexed, GOAL_QUERY)}")
    print(f"  answered per field, plan (b): {plan_of(main, ANSWERED_QUERY)}")
    print(f"                      plan (c): {plan_of(indexed, ANSWERED_QUERY)}")
    figures["kept"] = statistics.median(kept)
    figures["again"] = statistics.median(again)
    figures["covered"] = statistics.median(covered)
    return figures


async def writing(
    files: dict[str, Path], procedure: Procedure, residents: int, votes: int
) -> dict[str, float]:
    print("\n== cost per vote: storage.ballots calls on each file ==")
    runs = await write_cost(files, procedure, residents, votes, rounds=4)
    print(
        "  the same calls on each file, each call on every file in turn; one in three a newcomer's "
        "first vote (a transaction), else a resident removes a sub-goal and chooses another "
        "(one statement each)"
    )
    print(
        f"  {'µs per call, mean / median':<30}{'all calls':>16}{'first votes':>16}"
        f"{'changes':>16}{'p99':>8}{'WAL pages':>11}"
    )
    for run in runs:
        figures = "".join(
            f"{run.mean_us(kind):9.0f} /{run.median_us(kind):5.0f}"
            for kind in (None, "first", "change")
        )
        print(
            f"  {run.name:<30}{figures}   {pct(run.all(), 99) * 1e6:5.0f}{run.wal_pages:11.1f}"
            f"   (n={len(run.all())}, refused {run.refused})"
        )
    print(
        "  WAL pages: written per call (checkpoint off, 300 more calls); SQLite copies them to "
        "the file at each checkpoint (every 1000 pages), so the mean carries the checkpoints "
        "and the median does not"
    )
    base, base_median = runs[1].mean_us(), runs[1].median_us()
    for run in (runs[0], runs[2]):
        extra, typical = run.mean_us() - base, run.median_us() - base_median
        print(
            f"  {run.name}: {extra:+.0f} µs per call on average ({100 * extra / base:+.1f} %), "
            f"{typical:+.0f} µs in the median, against no triggers"
        )
    return {
        "base": base,
        "triggers": runs[0].mean_us() - base,
        "index": runs[2].mean_us() - base,
        "base_median": base_median,
        "triggers_median": runs[0].median_us() - base_median,
        "index_median": runs[2].median_us() - base_median,
    }


async def check_counters(path: Path) -> str:
    db = await Database.open(path)
    try:
        same = await tally(db) == await counted_again(db)
    finally:
        await db.close()
    return "yes" if same else "NO (the counters differ from the recount)"


async def staff_in_process(
    path: Path, procedure: Procedure, t: Translator, residents: int, rates: list[float | None],
    reads: int,
) -> list[float]:  # fmt: skip
    """p95 in seconds per writer setting, in the order of `rates`."""
    print("\n== /results for staff, in-process: current_outcome + staff_overview + staff_field ==")
    print(
        "  meanwhile a writer on the same Database: a vote is one storage call (set_weight or "
        "abstain; first votes, changes, no preference), each after reading the ballot"
    )
    db = await Database.open(path)
    p95s = []

    async def step(n: int) -> None:
        outcome = await current_outcome(db, procedure)
        staff_overview(t, procedure, outcome)
        found = outcome.fields[n % len(outcome.fields)]
        staff_field(t, procedure, outcome, found, 1)

    try:
        await step(0)
        for rate in rates:
            durations, writer = await while_voting(db, procedure, residents, rate, step, reads)
            print(f"  {setting_label(writer, rate):<50} {ms(durations)}")
            p95s.append(pct(durations, 95))
    finally:
        await db.close()
    return p95s


async def staff_through_bot(
    path: Path, procedure: Procedure, residents: int, rates: list[float | None], reads: int
) -> list[float]:
    """A staff member types /results and waits for the answer, then opens a field's page;
    p95 of /results in seconds per writer setting, in the order of `rates`."""
    print("\n== /results through the real bot on the emulator (no added latency) ==")
    settings = Settings(
        database=path, procedure=procedure.source, admins=frozenset({STAFF}), secret=SECRET
    )
    bot = EmulatedBot(settings, procedure)
    p95s = []
    async with bot:
        bot.fake.add_user(STAFF, language_code="de")
        db = bot.services.database
        await bot.send(STAFF, "/results")
        for rate in rates:
            overview: list[float] = []
            pages: list[float] = []

            async def step(n: int, overview: list[float] = overview,
                           pages: list[float] = pages) -> None:  # fmt: skip
                started = time.perf_counter()
                await bot.send(STAFF, "/results")
                overview.append(time.perf_counter() - started)
                started = time.perf_counter()
                await bot.press(STAFF, ResultsPage(procedure.fields[n % len(procedure.fields)], 1))
                pages.append(time.perf_counter() - started)

            _, writer = await while_voting(db, procedure, residents, rate, step, reads)
            label = setting_label(writer, rate)
            print(f"  {label:<50} /results    {ms(overview)}")
            print(f"  {'':<50} field page  {ms(pages)}")
            p95s.append(pct(overview, 95))
        answer = bot.fake.last_bot_message(STAFF)
        shown = (answer.plain_text or "").splitlines()[0] if answer else "?"
    print(f"  (the last answer, a field page, begins: {shown!r})")
    return p95s


def cli_prefix() -> list[str]:
    script = Path(sys.executable).parent / "participation-bot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def cli_export(path: Path, procedure: Procedure, fmt: str, output: Path) -> tuple[float, float]:
    """`participation-bot results --format FMT --output FILE` as a subprocess: wall seconds and
    its peak RSS in MB. Measured by /usr/bin/time (it forks a small process that then runs
    the command): the child of a big process started by vfork would report that process's
    peak as its own."""
    command = [
        *cli_prefix(), "results", "--database", str(path), "--procedure", str(procedure.source),
        "--format", fmt, "--output", str(output),
    ]  # fmt: skip
    memory = output.with_suffix(".maxrss")
    env = {name: value for name, value in os.environ.items() if not name.startswith("BOT_")}
    started = time.perf_counter()
    timed = Path(TIME).exists()  # GNU time is Debian's package "time"; without it, no RSS
    prefix = [TIME, "-f", "%M", "-o", str(memory)] if timed else []
    done = subprocess.run([*prefix, *command], env=env, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(
            f"{shlex.join(command)} failed ({done.returncode}):\n{done.stderr.decode()}"
        )
    return seconds, int(memory.read_text().split()[-1]) / 1024 if timed else float("nan")


def startup_seconds(runs: int) -> float:
    """How long `participation-bot --help` takes: starting Python and importing the bot."""
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*cli_prefix(), "--help"], check=True, stdout=subprocess.DEVNULL)
        durations.append(time.perf_counter() - started)
    return statistics.median(durations)


def exports_cli(path: Path, procedure: Procedure, folder: Path, runs: int) -> dict[str, float]:
    print("\n== exports through the command line (a subprocess each: wall time, peak RSS) ==")
    figures = {}
    for fmt in ("csv", "json"):
        output = folder / f"results.{fmt}"
        measured = [cli_export(path, procedure, fmt, output) for _ in range(runs)]
        walls = [seconds for seconds, _ in measured]
        peak = max(mb for _, mb in measured)
        size = output.stat().st_size
        middle = statistics.median(walls)
        print(
            f"  participation-bot results --format {fmt:<4} median {middle:5.2f} s"
            f"   max {max(walls):5.2f} s   peak RSS {peak:5.0f} MB   ({size:,} bytes, n={runs})"
        )
        figures[f"{fmt}_s"], figures[f"{fmt}_mb"] = statistics.median(walls), peak
    print(
        f"  of which starting the command (participation-bot --help, median): "
        f"{startup_seconds(runs):.2f} s"
    )
    return figures


async def exports_in_process(path: Path, procedure: Procedure, runs: int) -> None:
    print("\n== exports in-process (read-only database, as the command line opens it) ==")
    db = await Database.open_read_only(path)
    try:
        outcome = await current_outcome(db, procedure)
        reads = await timed(runs, lambda: current_outcome(db, procedure))
    finally:
        await db.close()
    csv_times, json_times = [], []
    for _ in range(runs):
        started = time.perf_counter()
        to_csv(outcome, procedure)
        csv_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        to_json(outcome, procedure)
        json_times.append(time.perf_counter() - started)
    print(f"  current_outcome(db)     {stats(reads)}")
    print(f"  to_csv(outcome)         {stats(csv_times)}")
    print(f"  to_json(outcome)        {stats(json_times)}")


async def charts_time(path: Path, procedure: Procedure, t: Translator, runs: int) -> str:
    print("\n== charts: charts.render (PNG) ==")
    try:
        from bot.results import charts

        db = await Database.open_read_only(path)
        try:
            outcome = await current_outcome(db, procedure)
        finally:
            await db.close()
        field_one = field_chart(t, procedure, outcome, outcome.fields[0])
        overview = overview_chart(t, procedure, outcome)
        charts.render(field_one)  # warm: fonts load once
        for name, chart in (("field chart", field_one), ("overview chart", overview)):
            durations = []
            for _ in range(runs):
                started = time.perf_counter()
                image = charts.render(chart)
                durations.append(time.perf_counter() - started)
            print(f"  {name:<16} {stats(durations)}   {len(image):,} bytes PNG")
        return "rendered"
    except Exception as exc:  # charts.py is in the works: a note, not a failure
        print(f"  skipped: charts.render does not work yet ({type(exc).__name__}: {exc})")
        return "skipped"


def verdict(value: float, limit: float) -> str:
    return "within" if value < limit else "OVER"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--rebuild", action="store_true", help="build the cached file again")
    parser.add_argument("--runs", type=int, default=5, help="runs of each slow measurement")
    parser.add_argument("--reads", type=int, default=200, help="/results per writer setting")
    parser.add_argument("--votes", type=int, default=6000, help="calls per file, write cost")
    parser.add_argument(
        "--rate", type=float, default=200.0, help="the paced writer's votes/s (default 200)"
    )
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        build_cached(args.residents, load_procedure(example_procedure()))
        return
    command = shlex.join(["python", *sys.argv])
    procedure = load_procedure(example_procedure())
    catalogs = Catalogs.load(locales_dir(), procedure.languages, procedure.timezone)
    t = catalogs.translator("de")
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"$ {command}")
    print(
        f"{args.residents:,} residents, {procedure.id}: {len(procedure.fields)} fields, "
        f"{procedure.voting.method} {procedure.voting.top_n}; Python {sys.version.split()[0]}, "
        f"SQLite {sqlite3.sqlite_version}, {os.cpu_count()} cores, load average {load}"
    )
    cached = cached_file(args.residents, args.rebuild)
    rows, abstained, voters = counts(cached)
    size = cached.stat().st_size / 2**20
    print(
        f"  {rows:,} ballot rows ({rows / max(voters, 1):.1f} per resident), {abstained:,} "
        f"abstentions, {voters:,} voters; {size:.0f} MB"
    )
    rates: list[float | None] = [None, args.rate, 0.0]
    with tempfile.TemporaryDirectory(prefix="bench-results-") as name:
        folder = Path(name)
        main_file = folder / "triggers.db"
        files = {
            "triggers (as shipped)": main_file,
            "no triggers": folder / "plain.db",
            "no triggers + covering index": folder / "indexed.db",
        }
        variant(cached, main_file, triggers=True, index=False)
        variant(cached, files["no triggers"], triggers=False, index=False)
        seconds = variant(cached, files["no triggers + covering index"], triggers=False, index=True)
        grown = files["no triggers + covering index"].stat().st_size / 2**20 - size
        print(f"  covering index: created in {seconds:.1f} s, the file grew by {grown:.0f} MB")
        read = asyncio.run(reading(main_file, files["no triggers + covering index"], args.runs))
        write = asyncio.run(writing(files, procedure, args.residents, args.votes))
        print(f"  kept counters equal the recount after these votes: "
              f"{asyncio.run(check_counters(main_file))}")  # fmt: skip
        for path in files.values():
            if path != main_file:
                path.unlink()
        inside = asyncio.run(
            staff_in_process(main_file, procedure, t, args.residents, rates, args.reads)
        )
        before, fresh_peak = status_mb("VmRSS"), reset_peak()
        through = asyncio.run(
            staff_through_bot(main_file, procedure, args.residents, rates, args.reads // 2)
        )
        bot_peak = status_mb("VmHWM") if fresh_peak else 0.0
        asyncio.run(exports_in_process(main_file, procedure, args.runs))
        cli = exports_cli(main_file, procedure, folder, max(3, args.runs // 2))
        charted = asyncio.run(charts_time(main_file, procedure, t, args.runs))
        peak_self = rss_mb(resource.getrusage(resource.RUSAGE_SELF))
    print("\n== peak memory (RSS) ==")
    print(f"  command-line export (CSV, JSON): {max(cli['csv_mb'], cli['json_mb']):.0f} MB")
    if bot_peak:
        print(
            f"  this process while the bot ran on the emulator (residents voting, staff reading "
            f"/results): {bot_peak:.0f} MB (it held {before:.0f} MB when the bot started)"
        )
    print(
        f"  this process, whole run (copies, recounts, write cost, bot, exports, charts; the "
        f"build ran in a child): {peak_self:.0f} MB"
    )

    print("\n== summary ==")
    print(f"  {'target':<58} {'measured':>12} {'limit':>8}")
    paced, fast = f"writer {args.rate:.0f} votes/s", "writer as fast as it can"
    lines = [
        (f"/results in-process, p95, {paced}", inside[1] * 1000, "ms", TARGET_RESULTS_MS),
        (f"/results in-process, p95, {fast}", inside[2] * 1000, "ms", TARGET_RESULTS_MS),
        (f"/results through the bot, p95, {paced}", through[1] * 1000, "ms", TARGET_RESULTS_MS),
        (f"/results through the bot, p95, {fast}", through[2] * 1000, "ms", TARGET_RESULTS_MS),
        ("CSV export, participation-bot results (wall, median)", cli["csv_s"], "s", TARGET_CSV_S),
        ("JSON export, participation-bot results (wall, median)", cli["json_s"], "s",
         TARGET_CSV_S),
        ("peak RSS, command-line export", max(cli["csv_mb"], cli["json_mb"]), "MB", TARGET_MB),
        ("peak RSS, this process while the bot ran", bot_peak, "MB", TARGET_MB),
        ("peak RSS, this process, whole run", peak_self, "MB", TARGET_MB),
    ]  # fmt: skip
    lines = [line for line in lines if line[1]]  # no VmHWM figure without /proc
    for label, value, unit, limit in lines:
        print(
            f"  {label:<58} {value:>9.1f} {unit:<2} {limit:>5g} {unit:<2} {verdict(value, limit)}"
        )
    print(
        f"  tally read (median): kept counters {read['kept'] * 1000:.1f} ms, counted again "
        f"{read['again'] * 1000:.0f} ms, counted again with covering index "
        f"{read['covered'] * 1000:.0f} ms"
    )
    print(
        f"  cost per storage call, mean (median): {write['base']:.0f} ({write['base_median']:.0f})"
        f" µs without triggers; triggers {write['triggers']:+.0f} ({write['triggers_median']:+.0f})"
        f" µs, covering index instead {write['index']:+.0f} ({write['index_median']:+.0f}) µs"
    )
    print(f"  charts: {charted}")
    print(f"  {rows:,} ballot rows, {voters:,} voters")
    print(f"$ {command}")


if __name__ == "__main__":
    main()
