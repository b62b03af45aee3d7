"""Where the procedure stands: the current phase from the dates and the clock, unless staff set
it, and the phases staff marked postponed. No Telegram here.

The rule (docs/DESIGN-NOTES.md): a phase runs from 00:00 on its `starts` day until the end of
its `ends` day, in the procedure's timezone (a date with a time means exactly that moment). A
phase without `ends` runs until the next phase starts; the last one runs on. The current phase
is the running phase that started last. Between phases none is current and /status names the
next step instead. A postponed phase never runs by its dates, and the phases around it behave
as if it were not there. Staff can set the current phase (`/phase set`); that wins over the
dates until `/phase auto`.

Every function takes the moment to judge (`now`) explicitly, so the boundaries can be tested
exactly; the handlers pass the real clock.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from bot.procedure import Phase
from storage import runtime
from storage.db import Database

CURRENT, POSTPONED = "phase.current", "phase.postponed."  # runtime_settings keys
CANCELLED = "phase.cancelled."  # runtime_settings key prefix: phases staff cancelled


class PhaseState(Enum):
    """A phase as /status marks it."""

    DONE = "done"
    CURRENT = "current"
    COMING = "coming"
    POSTPONED = "postponed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Overrides:
    """What staff decided: an explicit current phase, postponed phases with their reason."""

    current: str | None = None
    postponed: Mapping[str, str] = field(default_factory=dict)
    cancelled: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PhaseStatus:
    """One phase of the timeline with its state (and the reason when postponed or cancelled, as
    stored: see `reason_in`)."""

    phase: Phase
    state: PhaseState
    reason: str = ""


@dataclass(frozen=True)
class Timeline:
    """The phases in file order with their states; the current phase or, between phases, the
    next one; `explicit` when staff set the current phase."""

    phases: tuple[PhaseStatus, ...]
    current: Phase | None
    next: Phase | None
    explicit: bool


def reasons(languages: Mapping[str, str]) -> str:
    """A reason in several languages as stored: one language is the plain text, more are JSON."""
    if len(languages) == 1:
        return next(iter(languages.values()))
    return json.dumps(dict(languages), ensure_ascii=False, sort_keys=True)


def reason_in(stored: str, language: str, default: str) -> str:
    """A stored reason in the reader's language, else the default language, else any."""
    try:
        value = json.loads(stored) if stored.startswith("{") else None
    except ValueError:
        value = None
    if not isinstance(value, dict) or not value:
        return stored
    return str(value.get(language) or value.get(default) or next(iter(value.values())))


def moment(value: date | datetime, timezone: ZoneInfo, *, day_after: bool = False) -> datetime:
    """A phase date as a moment: a day starts at 00:00 local time (`day_after`: the 00:00 that
    ends it); a time without an offset is local time."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone)
    day = value + timedelta(days=1) if day_after else value
    # combine() with a ZoneInfo picks the offset valid on that day: across the daylight-saving
    # changes a day is 23 or 25 hours long, and its end is still the next local midnight.
    return datetime.combine(day, time(0), tzinfo=timezone)


def days(phase: Phase, timezone: ZoneInfo) -> tuple[date, date | None]:
    """The first and the last day of a phase as written (the last is None when open)."""

    def local(value: date | datetime) -> date:
        if isinstance(value, datetime):
            return value.astimezone(timezone).date() if value.tzinfo else value.date()
        return value

    return local(phase.starts), local(phase.ends) if phase.ends is not None else None


def _runs(
    phases: Sequence[Phase], timezone: ZoneInfo, skipped: Mapping[str, str]
) -> dict[str, tuple[datetime, datetime | None]]:
    # Start and (exclusive) end of every phase that is not postponed, in UTC: aware datetimes
    # with the same tzinfo compare by wall time, which the October hour makes ambiguous.
    starts = {p.id: moment(p.starts, timezone).astimezone(UTC) for p in phases}
    runs: dict[str, tuple[datetime, datetime | None]] = {}
    for phase in phases:
        if phase.id in skipped:
            continue
        start = starts[phase.id]
        end: datetime | None
        if phase.ends is not None:
            end = moment(phase.ends, timezone, day_after=True).astimezone(UTC)
        else:
            later = [s for i, s in starts.items() if s > start and i not in skipped]
            end = min(later, default=None)
        runs[phase.id] = (start, end)
    return runs


def timeline(
    phases: Sequence[Phase], timezone: ZoneInfo, overrides: Overrides, now: datetime
) -> Timeline:
    """Every phase's state at `now` (timezone-aware), the current phase and the next one."""
    known = {p.id for p in phases}
    postponed = {k: v for k, v in overrides.postponed.items() if k in known}
    cancelled = {p.id: reasons(p.cancelled) for p in phases if p.cancelled is not None}
    cancelled.update({k: v for k, v in overrides.cancelled.items() if k in known})
    explicit = overrides.current if overrides.current in known else None
    if explicit is not None:
        postponed.pop(explicit, None)  # a phase staff made current is happening after all
        cancelled.pop(explicit, None)
        return _explicit(phases, postponed, cancelled, explicit)
    runs = _runs(phases, timezone, {**postponed, **cancelled})
    statuses, running = [], []
    for phase in phases:
        if phase.id in cancelled:  # cancelled wins over postponed
            statuses.append(PhaseStatus(phase, PhaseState.CANCELLED, cancelled[phase.id]))
            continue
        if phase.id in postponed:
            statuses.append(PhaseStatus(phase, PhaseState.POSTPONED, postponed[phase.id]))
            continue
        start, end = runs[phase.id]
        if now < start:
            state = PhaseState.COMING
        elif end is not None and end <= now:
            state = PhaseState.DONE
        else:
            state = PhaseState.CURRENT
            running.append(phase)
        statuses.append(PhaseStatus(phase, state))
    # Overlapping phases: the one that started last is where the procedure stands.
    current = max(running, key=lambda p: runs[p.id][0], default=None)
    coming = [p for p in phases if p.id in runs and now < runs[p.id][0]]
    following = min(coming, key=lambda p: runs[p.id][0], default=None)
    return Timeline(tuple(statuses), current, None if current else following, False)


def _explicit(
    phases: Sequence[Phase],
    postponed: Mapping[str, str],
    cancelled: Mapping[str, str],
    current: str,
) -> Timeline:
    # Set by staff: the phases before it in the timeline are done, those after it are coming.
    index = next(i for i, p in enumerate(phases) if p.id == current)
    statuses = []
    for i, phase in enumerate(phases):
        if phase.id in cancelled:
            statuses.append(PhaseStatus(phase, PhaseState.CANCELLED, cancelled[phase.id]))
        elif phase.id in postponed:
            statuses.append(PhaseStatus(phase, PhaseState.POSTPONED, postponed[phase.id]))
        elif i == index:
            statuses.append(PhaseStatus(phase, PhaseState.CURRENT))
        else:
            statuses.append(PhaseStatus(phase, PhaseState.DONE if i < index else PhaseState.COMING))
    return Timeline(tuple(statuses), phases[index], None, True)


async def overrides(db: Database) -> Overrides:
    """Staff's decisions as stored (an empty value means "taken back")."""
    stored = await runtime.get_all(db, "phase.")
    postponed = {
        key.removeprefix(POSTPONED): reason
        for key, reason in stored.items()
        if key.startswith(POSTPONED) and reason
    }
    cancelled = {
        key.removeprefix(CANCELLED): reason
        for key, reason in stored.items()
        if key.startswith(CANCELLED) and reason
    }
    return Overrides(stored.get(CURRENT) or None, postponed, cancelled)


async def set_current(db: Database, actor_id: int | None, phase_id: str | None) -> None:
    """Make a phase the current one (None: follow the dates again); stored and audited.

    A postponed phase that staff make current is no longer postponed.
    """
    values = {CURRENT: phase_id or ""}
    decided = await overrides(db)
    if phase_id is not None and phase_id in decided.postponed:
        values[POSTPONED + phase_id] = ""
    if phase_id is not None and phase_id in decided.cancelled:
        values[CANCELLED + phase_id] = ""
    action, detail = ("phase.set", phase_id) if phase_id else ("phase.auto", "dates")
    await runtime.set_many(db, values, actor_id, action, detail)


async def postpone(db: Database, actor_id: int | None, phase_id: str, reason: str) -> None:
    """Mark a phase postponed with the reason residents see; stored and audited."""
    await runtime.set_many(
        db, {POSTPONED + phase_id: reason}, actor_id, "phase.postpone", f"{phase_id}: {reason}"
    )


async def resume(db: Database, actor_id: int | None, phase_id: str) -> None:
    """Take the postponed mark away; stored and audited."""
    await runtime.set_many(db, {POSTPONED + phase_id: ""}, actor_id, "phase.resume", phase_id)


async def cancel(db: Database, actor_id: int | None, phase_id: str, reason: str) -> None:
    """Mark a phase cancelled with the reason residents see (see `reasons`); stored, audited."""
    await runtime.set_many(
        db, {CANCELLED + phase_id: reason}, actor_id, "phase.cancel", f"{phase_id}: {reason}"
    )


async def uncancel(db: Database, actor_id: int | None, phase_id: str) -> None:
    """Take the cancelled mark staff set away; stored and audited."""
    await runtime.set_many(db, {CANCELLED + phase_id: ""}, actor_id, "phase.uncancel", phase_id)
