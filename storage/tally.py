"""The tally: counts over all ballots, the ground the results are built on.

The counts are kept by triggers (migration 0005) in the transaction of each ballot change,
so reading them is a few hundred rows however many ballots there are, and sees exactly the
committed votes.
"""

from dataclasses import dataclass, field

from storage.db import Database


@dataclass
class Tally:
    """Per goal: voters who chose it and points given; per field: voters who answered it and
    who said "no preference"; per language: residents who voted and use the bot in it; the
    positions given to each field; all voters (those with a ballot)."""

    goal_voters: dict[tuple[str, str], int] = field(default_factory=dict)
    goal_points: dict[tuple[str, str], int] = field(default_factory=dict)
    field_voters: dict[str, int] = field(default_factory=dict)
    field_abstentions: dict[str, int] = field(default_factory=dict)
    language_voters: dict[str, int] = field(default_factory=dict)
    field_rank_sum: dict[str, int] = field(default_factory=dict)
    field_rank_count: dict[str, int] = field(default_factory=dict)
    voters: int = 0


# One trip to the database thread; a zero left behind by a withdrawn vote is not a figure.
_COUNTERS = (
    "SELECT 'goal', field_id, goal_id, voters, points FROM goal_tally WHERE voters > 0 "
    "UNION ALL SELECT 'field', field_id, '', answered, abstained FROM field_tally "
    "UNION ALL SELECT 'rank', field_id, '', rank_sum, rank_count FROM field_tally "
    "WHERE rank_count > 0 "
    "UNION ALL SELECT 'language', language, '', voters, 0 FROM language_tally WHERE voters > 0 "
    "UNION ALL SELECT 'voters', '', '', voters, 0 FROM voter_tally"
)


async def tally(db: Database) -> Tally:
    """Read the kept counts (one query, consistent: one snapshot)."""
    result = Tally()
    for kind, key, goal_id, first, second in await db.fetchall(_COUNTERS):
        if kind == "goal":
            result.goal_voters[(key, goal_id)] = first
            result.goal_points[(key, goal_id)] = second
        elif kind == "field":
            if first > 0:
                result.field_voters[key] = first
            if second > 0:
                result.field_abstentions[key] = second
        elif kind == "rank":
            result.field_rank_sum[key] = first
            result.field_rank_count[key] = second
        elif kind == "language":
            result.language_voters[key] = first
        else:
            result.voters = first
    return result


async def counted_again(db: Database) -> Tally:
    """The same counts computed from the ballot rows themselves (grouped queries over every
    row): slow on a big file; for checks and the benchmark's comparison."""
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
        "SELECT language, COUNT(*) FROM participants WHERE voted = 1 AND language IS NOT NULL "
        "GROUP BY language"
    ):
        result.language_voters[language] = voters
    for field_id, total, count in await db.fetchall(
        "SELECT field_id, SUM(position), COUNT(*) FROM field_ranks GROUP BY field_id"
    ):
        result.field_rank_sum[field_id] = total
        result.field_rank_count[field_id] = count
    row = await db.fetchone("SELECT COUNT(*) FROM voters")
    result.voters = int(row[0]) if row else 0
    return result
