"""The tally: counts over all ballots, the ground later results are built on."""

from dataclasses import dataclass, field

from storage.db import Database


@dataclass
class Tally:
    """Per goal: voters who chose it and points given; per field: voters who answered it and
    who said "no preference"; per language: voters; the average rank of each field."""

    goal_voters: dict[tuple[str, str], int] = field(default_factory=dict)
    goal_points: dict[tuple[str, str], int] = field(default_factory=dict)
    field_voters: dict[str, int] = field(default_factory=dict)
    field_abstentions: dict[str, int] = field(default_factory=dict)
    language_voters: dict[str, int] = field(default_factory=dict)
    field_rank_sum: dict[str, int] = field(default_factory=dict)
    field_rank_count: dict[str, int] = field(default_factory=dict)
    voters: int = 0


async def tally(db: Database) -> Tally:
    """Count everything in a handful of grouped queries."""
    result = Tally()
    for field_id, goal_id, voters, points in await db.fetchall(
        "SELECT field_id, goal_id, COUNT(*), SUM(weight) FROM ballots GROUP BY field_id, goal_id"
    ):
        result.goal_voters[(field_id, goal_id)] = voters
        result.goal_points[(field_id, goal_id)] = points
    for field_id, voters in await db.fetchall(
        "SELECT field_id, COUNT(*) FROM ("
        " SELECT DISTINCT voter_key, field_id FROM ballots"
        " UNION SELECT voter_key, field_id FROM abstentions"
        ") GROUP BY field_id"
    ):
        result.field_voters[field_id] = voters
    for field_id, voters in await db.fetchall(
        "SELECT field_id, COUNT(*) FROM abstentions GROUP BY field_id"
    ):
        result.field_abstentions[field_id] = voters
    for language, voters in await db.fetchall(
        "SELECT language, COUNT(*) FROM voters GROUP BY language"
    ):
        result.language_voters[language] = voters
    for field_id, total, count in await db.fetchall(
        "SELECT field_id, SUM(position), COUNT(*) FROM field_ranks GROUP BY field_id"
    ):
        result.field_rank_sum[field_id] = total
        result.field_rank_count[field_id] = count
    result.voters = sum(result.language_voters.values())
    return result
