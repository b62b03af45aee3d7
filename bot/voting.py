"""The voting rules in force: the window (file + staff changes), voter keys, frozen rules."""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path

from bot.procedure import Procedure
from storage import runtime
from storage.db import Database

OPENS, CLOSES, WINDOW = "voting.opens", "voting.closes", "voting.window"


def voter_key(secret: str, user_id: int) -> str:
    """The pseudonym ballots are stored under: HMAC-SHA256(secret, user id)."""
    return hmac.new(secret.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()


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
    key = (stored.get(OPENS), stored.get(CLOSES))
    cached = db.memo.get(WINDOW)
    if cached is not None and cached[0] == key:
        return cached[1]  # read on every vote: parse the stored times once
    opens = datetime.fromisoformat(key[0]) if key[0] else procedure.voting.opens
    closes = datetime.fromisoformat(key[1]) if key[1] else procedure.voting.closes
    db.memo[WINDOW] = (key, Window(opens, closes))
    return db.memo[WINDOW][1]


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


class RulesChangedError(RuntimeError):
    """The procedure file changed rules that voters were given, after votes exist."""

    def __init__(self, path: Path, changes: list[str]) -> None:
        self.changes = changes
        lines = "\n".join(f"  {path}: {change}" for change in changes)
        super().__init__(
            "votes exist, and the procedure file changed the rules voters were given; the bot "
            f"will not start (restore the previous file, or use a new database):\n{lines}"
        )


async def open_for(db: Database, days: int, action: str, actor_id: int | None = None) -> None:
    """Open voting now for `days` days (the demo, tests and benchmarks need an open window)."""
    now = datetime.now(UTC)
    await change_window(
        db, actor_id, action, opens=now - timedelta(minutes=1), closes=now + timedelta(days=days)
    )


def rules_of(procedure: Procedure) -> dict[str, object]:
    """The rules voters rely on: method, its number, field ranking, fields and their goals."""
    voting = procedure.voting
    rules: dict[str, object] = {"method": voting.method, "rank_fields": voting.rank_fields}
    if voting.method == "top_n":
        rules["top_n"] = voting.top_n
    else:
        rules["points"] = voting.points
    rules["fields"] = {f.id: [g.id for g in f.goals] for f in procedure.fields}
    return rules


def rules_json(procedure: Procedure) -> str:
    """The rules as stored with the first ballot."""
    return json.dumps(rules_of(procedure), sort_keys=True, separators=(",", ":"))


def rule_changes(frozen: str, procedure: Procedure) -> list[str]:
    """What a procedure file changed in the rules voters were given (empty: nothing)."""
    old, new = json.loads(frozen), rules_of(procedure)
    changes = []
    for key in ("method", "top_n", "points", "rank_fields"):
        if old.get(key) != new.get(key):
            changes.append(f"voting.{key} changed from {old.get(key)!r} to {new.get(key)!r}")
    new_fields: dict[str, list[str]] = new["fields"]  # type: ignore[assignment]
    for field_id, goals in old["fields"].items():
        if field_id not in new_fields:
            changes.append(f"action field {field_id!r} was removed or renamed")
            continue
        for goal_id in goals:
            if goal_id not in new_fields[field_id]:
                changes.append(f"sub-goal {goal_id!r} of field {field_id!r} was removed or renamed")
    return changes
