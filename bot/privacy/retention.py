"""Retention: after the procedure file's retention date the bot removes the link between
Telegram ids and the procedure by itself (storage/privacy.py `purge`); and, once, it marks the
residents who voted before participation per language was counted from their mark.

The purge runs only when the date has passed (the end of that day in the procedure's
timezone), voting is closed (in the window in force: staff may have extended it), and the bot
has been running for an hour: a wrong date in a freshly deployed file is announced in the log
at start and can still be corrected before anything is erased.
"""

import logging
import time
from datetime import UTC, datetime, timedelta

from bot.procedure import Procedure
from bot.voting.voter import voter_key
from bot.voting.window import WindowState, window
from storage import participants, runtime
from storage.db import Database
from storage.privacy import purge

log = logging.getLogger(__name__)

GRACE_SECONDS = 3600.0
PENDING = "privacy.mark_voters"  # runtime setting left by migration 0006 on a file with votes


def retention_ends(procedure: Procedure) -> datetime:
    """The moment the retention date is over: the end of that day, procedure timezone."""
    day = procedure.privacy.retention_until + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=procedure.timezone)


async def purge_due(db: Database, procedure: Procedure, moment: datetime | None = None) -> bool:
    """True when the retention date is over and voting is closed."""
    moment = moment or datetime.now(UTC)
    if moment < retention_ends(procedure):
        return False
    return (await window(db, procedure)).state(moment) is WindowState.CLOSED


class RetentionGuard:
    """Applies the retention date while the bot runs (checked with the worker's tick)."""

    def __init__(self, db: Database, procedure: Procedure, secret: str) -> None:
        self.db, self.procedure, self.secret = db, procedure, secret
        self.started = time.monotonic()
        self.done = False
        self.announced = False
        self._next_check = 0.0

    async def announce(self) -> None:
        """At start: say in the log when the purge will come, if it is due."""
        if await purge_due(self.db, self.procedure):
            log.warning(
                "the retention date %s of the procedure has passed and voting is closed: the "
                "link between Telegram ids and the procedure will be removed in %d minutes "
                "(participation-bot purge does it now)",
                self.procedure.privacy.retention_until.isoformat(),
                int(GRACE_SECONDS // 60),
            )

    async def tick(self) -> None:
        """Purge once, when it is due and the bot has run for the grace period. The first
        tick announces it (a second after start: the demo has opened voting by then)."""
        if not self.announced:
            self.announced = True
            await self.announce()
        now = time.monotonic()
        if self.done or now - self.started < GRACE_SECONDS or now < self._next_check:
            return
        self._next_check = now + 600  # the window and the date are looked at every 10 minutes
        if not await purge_due(self.db, self.procedure):
            return
        purged = await purge(self.db, lambda user_id: voter_key(self.secret, user_id))
        self.done = True
        log.warning(
            "retention date passed: removed %d participants and unlinked %d ballots",
            purged.participants,
            purged.ballots_unlinked,
        )


async def mark_earlier_voters(db: Database, secret: str) -> int:
    """Once, on a database that had votes before the mark existed (migration 0006 says so):
    mark the residents who voted (their ballot is found through their voter key). Returns how
    many were marked."""
    if (await runtime.get_all(db, PENDING)).get(PENDING) != "pending":
        return 0
    rows = await db.fetchall(
        "SELECT user_id FROM participants WHERE consent_at IS NOT NULL AND voted = 0"
    )
    keys = {str(r[0]) for r in await db.fetchall("SELECT voter_key FROM voters")}
    marked = 0
    for (user_id,) in rows:
        if voter_key(secret, int(user_id)) in keys:
            await participants.mark_voted(db, int(user_id))
            marked += 1
    await runtime.set_many(db, {PENDING: "done"}, None, "privacy.voters_marked", f"{marked}")
    return marked
