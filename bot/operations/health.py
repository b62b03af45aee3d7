"""The health check: does the database take writes, and does the outbox make progress?

`/healthz` (webhook mode) answers with it; `participation-bot stats` applies the same outbox
rule in polling mode, where there is no HTTP port. The database check is a real write in a
transaction (a bot_state key is rewritten), so a read-only file, a disk that is full or a
lock another process holds longer than the busy timeout (5 s) all show. The outbox is stalled
when deliveries are due and nothing got an outcome for `stalled_after` (storage/monitoring.py
says why a delivery's own time is no measure). Only states and times: nothing personal.
"""

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from storage import monitoring
from storage.db import Database

# A broadcast goes out at 25 messages a second and waits out a 429 for seconds to a minute;
# a quarter of an hour without a single outcome means the worker is stuck or Telegram is
# unreachable, and is still soon enough for a broadcast about an event the same day.
STALLED_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class Health:
    """The answer of one check."""

    database_problem: str | None  # None: the write went through
    outbox: monitoring.OutboxProgress | None  # None: could not be read
    stalled: bool
    last_update: datetime | None

    @property
    def failing(self) -> list[str]:
        """The names of the failing parts ("database", "outbox"); empty when healthy."""
        parts = []
        if self.database_problem is not None:
            parts.append("database")
        if self.stalled:
            parts.append("outbox")
        return parts

    def as_json(self) -> dict[str, Any]:
        """A short JSON status for a monitoring probe."""
        idle = self.outbox.idle_since() if self.outbox else None
        return {
            "status": "failing" if self.failing else "ok",
            "failing": self.failing,
            "database": self.database_problem or "writable",
            "outbox": {
                "waiting": self.outbox.waiting if self.outbox else None,
                "progressing": None if self.outbox is None else not self.stalled,
                "idle_since": _iso(idle),
            },
            "last_update": _iso(self.last_update),
        }


def is_stalled(
    progress: monitoring.OutboxProgress, moment: datetime, stalled_after: timedelta
) -> bool:
    """Deliveries wait and nothing went out for longer than `stalled_after`."""
    idle = progress.idle_since()
    return progress.waiting > 0 and (idle is None or moment - idle > stalled_after)


async def check(
    db: Database, stalled_after: timedelta = STALLED_AFTER, moment: datetime | None = None
) -> Health:
    """Write to the database, then read the outbox's progress; never raises for a database
    that fails (that is what it reports)."""
    moment = moment or datetime.now(UTC)
    problem = None
    try:
        await monitoring.touch(db)
    except (sqlite3.Error, OSError) as error:
        problem = f"not writable ({error})"
    try:
        progress: monitoring.OutboxProgress | None = await monitoring.outbox_progress(
            db, moment.isoformat(timespec="seconds")
        )
        last = await monitoring.last_update(db)
    except (sqlite3.Error, OSError) as error:
        problem = problem or f"not readable ({error})"
        progress, last = None, None
    stalled = progress is not None and is_stalled(progress, moment, stalled_after)
    return Health(database_problem=problem, outbox=progress, stalled=stalled, last_update=last)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None
