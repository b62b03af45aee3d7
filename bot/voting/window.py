"""The voting window in force: the procedure file's, unless staff changed it at run time."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from functools import lru_cache

from bot.procedure import Procedure
from storage import runtime
from storage.db import Database

OPENS, CLOSES = "voting.opens", "voting.closes"  # runtime_settings keys


class WindowState(Enum):
    """Where the voting window stands."""

    BEFORE = "before"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class Window:
    """Opening and closing time in force (timezone-aware)."""

    opens: datetime
    closes: datetime

    def state(self, moment: datetime | None = None) -> WindowState:
        """Before, open or closed at `moment` (default: now)."""
        moment = moment or datetime.now(UTC)
        if moment < self.opens:
            return WindowState.BEFORE
        return WindowState.OPEN if moment < self.closes else WindowState.CLOSED


async def window(db: Database, procedure: Procedure) -> Window:
    """The window from the procedure file, with the changes staff made at run time."""
    stored = await runtime.get_all(db, "voting.")
    return cached_window(
        stored.get(OPENS), stored.get(CLOSES), procedure.voting.opens, procedure.voting.closes
    )


@lru_cache(maxsize=16)
def cached_window(opens: str | None, closes: str | None, file_opens: datetime,
                  file_closes: datetime) -> Window:  # fmt: skip
    """The window from stored times (ISO text, None: the file's), parsed once per value:
    it is read on every vote."""
    return Window(
        datetime.fromisoformat(opens) if opens else file_opens,
        datetime.fromisoformat(closes) if closes else file_closes,
    )


async def change_window(
    db: Database,
    actor_id: int | None,
    action: str,
    *,
    opens: datetime | None = None,
    closes: datetime | None = None,
) -> None:
    """Store a new opening and/or closing time, audited, surviving restarts."""
    values = {}
    if opens is not None:
        values[OPENS] = opens.isoformat()
    if closes is not None:
        values[CLOSES] = closes.isoformat()
    detail = " ".join(f"{k}={v}" for k, v in values.items())
    await runtime.set_many(db, values, actor_id, action, detail)


async def open_for(db: Database, days: int, action: str, actor_id: int | None = None) -> None:
    """Open voting now for `days` days (the demo, tests and benchmarks need an open window)."""
    now = datetime.now(UTC)
    await change_window(
        db, actor_id, action, opens=now - timedelta(minutes=1), closes=now + timedelta(days=days)
    )
