"""`participation-bot stats [--json] [--stalled-after 15m] [--silent-after 24h]`: a one-screen
summary for a cron mail or a monitoring probe, beside the running bot.

It opens the database read-only and takes no lock (like `results`): participants, ballots,
subscribers, broadcasts and deliveries per state, the file's size and schema version, and
when the bot last handled an update. Its exit status says whether something needs a person
(README, "Commands"): 0 all well; 2 the database is missing or cannot be read; 3 the outbox
is stalled (deliveries due, nothing sent for --stalled-after); 4 the bot is silent (no update
handled for --silent-after); 5 both. In polling mode this is the health check that webhook
mode answers at /healthz.
"""

import argparse
import asyncio
import json
import re
import sqlite3
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.config import ConfigError, Settings
from bot.operations.health import STALLED_AFTER, is_stalled
from storage import monitoring
from storage.db import Database, NotADatabaseError, check_version

EXIT_OK, EXIT_STALLED, EXIT_SILENT, EXIT_BOTH = 0, 3, 4, 5
# A procedure has quiet stretches: nights, the weeks before voting opens. A day without a
# single update while residents are invited to use the bot means it is deaf (the webhook no
# longer reaches it, the token was revoked, it is not running); fewer hours would mail the
# city's IT every quiet night. `--silent-after 0` turns the check off (after the procedure).
SILENT_AFTER = timedelta(hours=24)
_DURATION = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def duration(raw: str) -> timedelta:
    """'15m', '24h', '2d', '90s' or '0' as a timedelta (argparse type)."""
    text = raw.strip().lower()
    if text == "0":
        return timedelta(0)
    found = _DURATION.match(text)
    if found is None:
        raise argparse.ArgumentTypeError(
            f"{raw!r}: expected a number and a unit, e.g. 15m, 24h, 2d, 90s (or 0: no check)"
        )
    return timedelta(**{_UNITS[found.group(2)]: float(found.group(1))})


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The stats command's own options."""
    parser.add_argument("--json", action="store_true", help="one JSON object, for machines")
    parser.add_argument(
        "--stalled-after", type=duration, default=STALLED_AFTER, metavar="DURATION",
        help="exit 3 when deliveries are due and none went out for this long (default 15m)",
    )  # fmt: skip
    parser.add_argument(
        "--silent-after", type=duration, default=SILENT_AFTER, metavar="DURATION",
        help="exit 4 when no update was handled for this long (default 24h; 0: no check)",
    )  # fmt: skip


@dataclass(frozen=True)
class Summary:
    """Everything the command prints."""

    path: Path
    size: int
    schema_version: int
    counts: monitoring.Counts
    outbox: monitoring.OutboxProgress
    last_update: datetime | None
    stalled: bool
    silent: bool

    @property
    def exit_code(self) -> int:
        """0, 3 (stalled), 4 (silent) or 5 (both)."""
        if self.stalled and self.silent:
            return EXIT_BOTH
        return EXIT_STALLED if self.stalled else EXIT_SILENT if self.silent else EXIT_OK

    @property
    def problems(self) -> list[str]:
        """What needs a person, in words."""
        found = []
        if self.stalled:
            found.append("outbox stalled")
        if self.silent:
            found.append("no update handled lately")
        return found


def database_size(path: Path) -> int:
    """The database with its -wal file (what a copy of it takes), in bytes."""
    total = 0
    for part in (path, path.with_name(path.name + "-wal")):
        try:
            total += part.stat().st_size
        except FileNotFoundError:
            pass
    return total


async def summarise(
    path: Path, stalled_after: timedelta, silent_after: timedelta, moment: datetime, size: int
) -> Summary:
    """Read the figures from the file (read-only, one committed state per query)."""
    db = await Database.open_read_only(path)
    try:
        counts = await monitoring.counts(db)
        outbox = await monitoring.outbox_progress(db, moment.isoformat(timespec="seconds"))
        last = await monitoring.last_update(db)
        version = await monitoring.schema_version(db)
    finally:
        await db.close()
    silent = bool(silent_after) and last is not None and moment - last > silent_after
    return Summary(
        path=path,
        size=size,
        schema_version=version,
        counts=counts,
        outbox=outbox,
        last_update=last,
        stalled=is_stalled(outbox, moment, stalled_after),
        silent=silent,
    )


def stats_command(settings: Settings, args: argparse.Namespace) -> int:
    """Print the summary; the exit status says whether something needs a person."""
    path = settings.database
    if not path.is_file():
        raise ConfigError(f"the database {path} does not exist (BOT_DATABASE)")
    check_version(path)
    moment, size = datetime.now(UTC), database_size(path)
    try:
        summary = asyncio.run(summarise(path, args.stalled_after, args.silent_after, moment, size))
    except sqlite3.Error as exc:
        raise NotADatabaseError(
            f"the database {path} cannot be read ({exc}); check BOT_DATABASE"
        ) from exc
    if args.json:
        print(json.dumps(as_json(summary, moment), indent=2))
    else:
        sys.stdout.write(as_text(summary, moment, args.stalled_after, args.silent_after))
    return summary.exit_code


def as_json(summary: Summary, moment: datetime) -> dict[str, Any]:
    """The summary as one JSON object."""
    counts, outbox = summary.counts, summary.outbox
    return {
        "status": "failing" if summary.problems else "ok",
        "problems": summary.problems,
        "exit_code": summary.exit_code,
        "checked_at": _iso(moment),
        "database": {
            "path": str(summary.path),
            "size_bytes": summary.size,
            "schema_version": summary.schema_version,
        },
        "participants": counts.participants,
        "ballots": counts.voters,
        "subscribers": {
            "active": counts.subscribers_active,
            "inactive": counts.subscribers_inactive,
        },
        "broadcasts": counts.broadcasts,
        "deliveries": counts.deliveries,
        "outbox": {
            "waiting": outbox.waiting,
            "idle_since": _iso(outbox.idle_since()),
            "stalled": summary.stalled,
        },
        "last_update": _iso(summary.last_update),
        "silent": summary.silent,
    }


def as_text(
    summary: Summary, moment: datetime, stalled_after: timedelta, silent_after: timedelta
) -> str:
    """The one-screen summary."""
    counts, outbox = summary.counts, summary.outbox
    broadcasts = ", ".join(f"{n:,} {state}" for state, n in counts.broadcasts.items())
    deliveries = ", ".join(f"{n:,} {state}" for state, n in counts.deliveries.items())
    rows = [
        ("database", str(summary.path)),
        ("size", f"{_size(summary.size)}, schema version {summary.schema_version}"),
        ("participants", f"{counts.participants:,}"),
        ("ballots", f"{counts.voters:,}"),
        ("subscribers", f"{counts.subscribers_active:,} active, "
                        f"{counts.subscribers_inactive:,} inactive"),
        ("broadcasts", broadcasts),
        ("deliveries", deliveries),
        ("outbox", _outbox_text(outbox, summary.stalled, moment, stalled_after)),
        ("last update", _last_text(summary, moment, silent_after)),
        ("status", "ok" if not summary.problems else
                   f"NEEDS A LOOK: {'; '.join(summary.problems)} (exit {summary.exit_code})"),
    ]  # fmt: skip
    return "".join(f"{label:<14}{value}\n" for label, value in rows)


def _outbox_text(
    outbox: monitoring.OutboxProgress, stalled: bool, moment: datetime, after: timedelta
) -> str:
    if not outbox.waiting:
        return "nothing waiting"
    idle = outbox.idle_since()
    since = f"nothing went out for {_ago(moment, idle)}" if idle else "nothing went out yet"
    if stalled:
        return f"STALLED: {outbox.waiting:,} deliveries due, {since} (limit {_span(after)})"
    return f"{outbox.waiting:,} deliveries due, going out (last progress {_ago(moment, idle)} ago)"


def _last_text(summary: Summary, moment: datetime, after: timedelta) -> str:
    last = summary.last_update
    if last is None:
        return "none recorded yet"
    text = f"{_iso(last)} ({_ago(moment, last)} ago)"
    if summary.silent:
        text = f"SILENT: {text}, longer than {_span(after)}"
    return text


def _ago(moment: datetime, then: datetime | None) -> str:
    return _span(moment - then) if then is not None else "?"


def _span(span: timedelta) -> str:
    seconds = max(0, int(span.total_seconds()))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def _size(size: int) -> str:
    for unit, step in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= step:
            return f"{size / step:.1f} {unit}"
    return f"{size} bytes"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None
