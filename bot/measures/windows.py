"""The two windows of the measures round in force: proposals, then choosing within the budget.
The procedure file's times, unless staff changed them at run time (stored, audited, as the
prioritisation's window in bot/voting/window.py, whose Window and WindowState they reuse)."""

from datetime import UTC, datetime, timedelta
from typing import Literal

from bot.procedure import Procedure
from bot.voting.window import Window, WindowState, cached_window
from storage import runtime
from storage.db import Database

Round = Literal["proposals", "voting"]
ROUNDS: tuple[Round, ...] = ("proposals", "voting")


def _keys(which: Round) -> tuple[str, str]:
    return f"measures.{which}.opens", f"measures.{which}.closes"


async def measures_window(db: Database, procedure: Procedure, which: Round) -> Window | None:
    """The proposal or the budget-voting window in force; None without a measures round."""
    measures = procedure.measures
    if measures is None:
        return None
    stored = await runtime.get_all(db, f"measures.{which}.")
    opens_key, closes_key = _keys(which)
    if which == "proposals":
        file_opens, file_closes = measures.proposals_open, measures.proposals_close
    else:
        file_opens, file_closes = measures.voting_opens, measures.voting_closes
    return cached_window(stored.get(opens_key), stored.get(closes_key), file_opens, file_closes)


async def is_open(db: Database, procedure: Procedure, which: Round) -> bool:
    """True while that window is open."""
    current = await measures_window(db, procedure, which)
    return current is not None and current.state() is WindowState.OPEN


async def change_measures_window(
    db: Database,
    actor_id: int | None,
    which: Round,
    action: str,
    *,
    opens: datetime | None = None,
    closes: datetime | None = None,
) -> None:
    """Store a new opening and/or closing time of one window, audited, surviving restarts."""
    opens_key, closes_key = _keys(which)
    values = {}
    if opens is not None:
        values[opens_key] = opens.isoformat()
    if closes is not None:
        values[closes_key] = closes.isoformat()
    detail = " ".join(f"{k}={v}" for k, v in values.items())
    await runtime.set_many(db, values, actor_id, action, detail)


async def open_measures_for(
    db: Database, which: Round, days: int, action: str, actor_id: int | None = None
) -> None:
    """Open a window now for `days` days (the demo and tests need an open window)."""
    now = datetime.now(UTC)
    await change_measures_window(
        db,
        actor_id,
        which,
        action,
        opens=now - timedelta(minutes=1),
        closes=now + timedelta(days=days),
    )
