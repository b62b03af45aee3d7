"""The current outcome, read from the database: the kept tally and the workshop points."""

from collections.abc import Mapping
from datetime import UTC, datetime

from bot.procedure import Procedure
from bot.results.outcome import Outcome, outcome
from storage import workshops
from storage.db import Database
from storage.tally import tally


async def current_outcome(
    db: Database,
    procedure: Procedure,
    *,
    merged: bool | None = None,
    weights: Mapping[str, float] | None = None,
) -> Outcome:
    """The outcome as the database holds it now: merged with the workshop results when
    `merged`, or (None) exactly when workshop results have been imported."""
    counted = await tally(db)
    points = await workshops.points(db) if merged is not False else {}
    merge = bool(points) if merged is None else merged
    return outcome(
        procedure, counted, points, merged=merge, made_at=datetime.now(UTC), weights=weights
    )
