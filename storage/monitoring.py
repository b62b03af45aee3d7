"""What an operator reads about the running bot: counts for `participation-bot stats`, the
outbox's progress, the time the last update was handled, and a write that proves the file
takes writes (the health check). Only counts and times: nothing personal.

Everything but `touch` and `record_update` only reads, so `stats` may run beside the bot on
a read-only connection.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from storage import bot_state
from storage.db import Database
from storage.participants import now

LAST_UPDATE = "operations.last_update"  # when the bot last handled an update (ISO, UTC)
HEALTH_PROBE = "operations.health_probe"  # rewritten by every health check
WEBHOOK_SECRET = "webhook.secret"  # the generated secret token, when none is configured


@dataclass(frozen=True)
class Counts:
    """The figures of the one-screen summary."""

    participants: int
    voters: int
    subscribers_active: int
    subscribers_inactive: int
    broadcasts: dict[str, int]  # by state: queued, sending, done, cancelled
    deliveries: dict[str, int]  # by state: pending, sending, sent, failed, blocked, …


@dataclass(frozen=True)
class OutboxProgress:
    """Deliveries waiting to go out now, and how long the outbox has made no progress."""

    waiting: int  # pending or in flight, of broadcasts that are due
    last_settled: datetime | None  # the latest delivery with an outcome (sent, failed, …)
    due_since: datetime | None  # when the oldest broadcast with waiting deliveries fell due

    def idle_since(self) -> datetime | None:
        """Since when nothing went out although deliveries were due (None: nothing waits)."""
        if not self.waiting:
            return None
        moments = [m for m in (self.last_settled, self.due_since) if m is not None]
        return max(moments) if moments else None


def parse_time(stamp: str | None) -> datetime | None:
    """A stored time (ISO 8601, UTC) as an aware datetime; None for nothing or nonsense."""
    if not stamp:
        return None
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def counts(db: Database) -> Counts:
    """Participants, voters, subscribers, broadcasts and deliveries per state."""
    participants = await db.fetchone("SELECT COUNT(*) FROM participants")
    voters = await db.fetchone("SELECT voters FROM voter_tally WHERE id = 1")
    subscribers = await db.fetchall("SELECT active, COUNT(*) FROM subscriptions GROUP BY active")
    by_active = {int(row[0]): int(row[1]) for row in subscribers}
    broadcasts = {"queued": 0, "sending": 0, "done": 0, "cancelled": 0}
    for row in await db.fetchall("SELECT state, COUNT(*) FROM broadcasts GROUP BY state"):
        broadcasts[str(row[0])] = int(row[1])
    deliveries = {state: 0 for state in ("pending", "sending", "sent", "failed", "blocked")}
    for row in await db.fetchall("SELECT state, COUNT(*) FROM deliveries GROUP BY state"):
        deliveries[str(row[0])] = int(row[1])
    return Counts(
        participants=int(participants[0]) if participants else 0,
        voters=int(voters[0]) if voters else 0,
        subscribers_active=by_active.get(1, 0),
        subscribers_inactive=by_active.get(0, 0),
        broadcasts=broadcasts,
        deliveries=deliveries,
    )


async def outbox_progress(db: Database, moment: str | None = None) -> OutboxProgress:
    """The outbox as the health check sees it at `moment` (default now).

    Waiting: pending or claimed deliveries of broadcasts that are sending, or queued and due.
    A delivery's own time is no measure (claiming it and putting it back after a 429 both
    touch it without anything going out), so progress is the latest delivery that got an
    outcome, and a broadcast counts as waiting from the moment it fell due.
    """
    moment = moment or now()
    waiting = await db.fetchone(
        "SELECT COUNT(*), MIN(MAX(b.created_at, COALESCE(b.send_at, ''))) "
        "FROM deliveries d JOIN broadcasts b ON b.id = d.broadcast_id "
        "WHERE d.state IN ('pending', 'sending') AND (b.state = 'sending' OR "
        "(b.state = 'queued' AND (b.send_at IS NULL OR b.send_at <= ?)))",
        (moment,),
    )
    settled = await db.fetchone(
        "SELECT MAX(updated_at) FROM deliveries "
        "WHERE state IN ('sent', 'failed', 'blocked', 'uncertain')"
    )
    return OutboxProgress(
        waiting=int(waiting[0]) if waiting else 0,
        last_settled=parse_time(settled[0] if settled else None),
        due_since=parse_time(waiting[1] if waiting else None),
    )


async def last_update(db: Database) -> datetime | None:
    """When the bot last recorded handling an update (None: never)."""
    return parse_time(await bot_state.get(db, LAST_UPDATE))


async def record_update(db: Database, moment: str) -> None:
    """Record that an update was handled at `moment` (the caller keeps this rare)."""
    await bot_state.put(db, LAST_UPDATE, moment)


async def touch(db: Database) -> None:
    """A real write in a transaction: raises when the file does not take writes (read-only,
    locked by another process for longer than the busy timeout, disk full)."""
    await bot_state.put(db, HEALTH_PROBE, now())


async def schema_version(db: Database) -> int:
    """The schema version of the open file."""
    return await db.schema_version()
