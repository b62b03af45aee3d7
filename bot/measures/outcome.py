"""The costed priority list: which approved measures the annual budget funds, under the
procedure's rule (`[measures] rule`) and, for comparison, under the other one.

The rules come from pabutools, the participatory-budgeting research community's own
implementation (imported here only when a list is computed: it pulls in numpy):

- "greedy": greedy_utilitarian_welfare with Cost_Sat. pabutools' greedy takes the measure with
  the most satisfaction per unit of money next; with Cost_Sat a voter's satisfaction from a
  measure is its cost, so that is votes × cost ÷ cost = votes: the measure with the most votes
  first, and a measure that no longer fits the rest of the budget is skipped (the rule most
  cities use). (Cardinality_Sat would rank by votes per euro instead.)
- "equal-shares": the Method of Equal Shares (method_of_equal_shares with Cost_Sat, the
  utilities equalshares.net uses for approval ballots: a voter gains what a measure they chose
  costs, so a large measure is worth as much to its supporters as several small ones). The
  budget is split equally among the voters; a measure is funded when its supporters can pay
  for it together, the one needing the smallest share each first. What is left is used as in
  Poland and Switzerland: the rule is run again with each voter's share raised (pabutools'
  exhaustion_by_budget_increase, by one whole currency unit per voter at a time, equalshares.net's
  "Add1"; with fewer voters than a hundredth of the budget by as many units as make about 1 %
  of the budget, so that a small procedure is computed in moments) while its outcome still
  fits the real budget; then greedy by votes fills what is still left
  (completion_by_rule_combination).
- Only measures somebody chose can be funded.
- Ties (equal votes under greedy, an equal share per voter under equal shares): the lower
  cost first, then the lower measure number.

Computing is CPU work: `costed_list` runs it in a worker thread, and keeps the last few
computations (the same selections give the same list), so paging through the list does not
compute it again.
"""

import asyncio
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.procedure import Procedure
from bot.results.outcome import Outcome as Priorities
from bot.results.reading import current_outcome
from storage import measures as stored
from storage.db import Database
from storage.measures import Measure

RULES = ("equal-shares", "greedy")


def other_rule(rule: str) -> str:
    """The rule shown for comparison beside the procedure's."""
    return "greedy" if rule == "equal-shares" else "equal-shares"


@dataclass(frozen=True)
class Election:
    """What a rule needs, and nothing else: the budget, each measure's cost (by measure id)
    and every voter's selection (anonymous). Hashable, so that results can be kept."""

    budget: int
    costs: tuple[tuple[int, int], ...]  # (measure id, cost), sorted by id
    ballots: tuple[frozenset[int], ...]

    @classmethod
    def of(
        cls, budget: int, costs: Mapping[int, int], ballots: Sequence[frozenset[int]]
    ) -> "Election":
        """The election from plain mappings (selections of unknown measures are dropped)."""
        known = set(costs)
        return cls(
            budget,
            tuple(sorted(costs.items())),
            tuple(sorted((frozenset(b & known) for b in ballots), key=sorted)),
        )

    def votes(self) -> dict[int, int]:
        """Votes per measure (every measure, 0 included)."""
        counted = dict.fromkeys((m for m, _ in self.costs), 0)
        for ballot in self.ballots:
            for measure_id in ballot:
                counted[measure_id] += 1
        return counted


def _pabutools(election: Election) -> tuple[Any, Any, Any]:
    """The election as pabutools' instance and approval profile (projects named by measure
    number; only measures with votes), and the tie-breaking rule."""
    from pabutools.election import ApprovalBallot, ApprovalProfile, Instance, Project
    from pabutools.tiebreaking import TieBreakingRule

    votes = election.votes()
    projects = {m: Project(str(m), cost) for m, cost in election.costs if votes[m] > 0}
    instance = Instance(projects.values(), budget_limit=election.budget)
    profile = ApprovalProfile(
        [
            ApprovalBallot(projects[m] for m in ballot if m in projects)
            for ballot in election.ballots
        ]
    )
    ties = TieBreakingRule(lambda _instance, _profile, project: (project.cost, int(project.name)))
    return instance, profile, ties


def greedy(election: Election) -> list[int]:
    """The measures funded greedily by votes, in the order they were funded."""
    from pabutools.election import Cost_Sat
    from pabutools.rules import greedy_utilitarian_welfare

    instance, profile, ties = _pabutools(election)
    if not len(instance):
        return []
    chosen = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat, tie_breaking=ties)
    return [int(project.name) for project in chosen]


def equal_shares(election: Election) -> list[int]:
    """The measures funded by the Method of Equal Shares with completion (see the module's
    docstring), in the order they were funded."""
    from pabutools.election import Cost_Sat
    from pabutools.rules import (
        completion_by_rule_combination,
        exhaustion_by_budget_increase,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )

    instance, profile, ties = _pabutools(election)
    if not len(instance):
        return []
    voters = len(election.ballots)
    per_voter = max(1, -(-election.budget // (100 * voters)))  # whole units, about 1 % in all
    chosen = completion_by_rule_combination(
        instance,
        profile,
        [exhaustion_by_budget_increase, greedy_utilitarian_welfare],
        [
            {
                "rule": method_of_equal_shares,
                "rule_params": {"sat_class": Cost_Sat, "tie_breaking": ties},
                "budget_step": per_voter * voters,
            },
            {"sat_class": Cost_Sat, "tie_breaking": ties},
        ],
    )
    return [int(project.name) for project in chosen]


@functools.lru_cache(maxsize=8)
def funded(election: Election, rule: str) -> tuple[int, ...]:
    """The measures `rule` funds, in the order it funded them (kept for the same election)."""
    if rule == "greedy":
        return tuple(greedy(election))
    if rule == "equal-shares":
        return tuple(equal_shares(election))
    raise ValueError(f"unknown rule {rule!r}: use one of {', '.join(RULES)}")


# --- the list as staff and residents see it --------------------------------------------------


@dataclass(frozen=True)
class GoalStanding:
    """The prioritisation's result for the sub-goal a measure serves."""

    rank: int
    score: float | None  # its merged score or online share (0..1); None without votes
    hidden: bool  # its figures count too few voters to be shown (or would give such away)
    voters: int = 0  # who chose it in the prioritisation (to say why it is hidden)


@dataclass(frozen=True)
class MeasureLine:
    """One approved measure on the costed priority list."""

    measure: Measure
    cost: int
    votes: int
    share: float | None  # of the people who chose measures (0..1); None when nobody did
    funded: bool  # under the procedure's rule
    funded_other: bool  # under the comparison rule
    running_total: int | None  # the funded measures' costs up to this one (funded only)
    goal: GoalStanding | None


@dataclass(frozen=True)
class CostedList:
    """The costed priority list: funded measures first, in the order the rule funded them,
    then the others by votes (most first), cost (lowest first) and number."""

    rule: str
    other_rule: str
    budget: int
    currency: str
    voters: int  # people who chose at least one measure
    lines: tuple[MeasureLine, ...]
    funded_total: int
    other_total: int  # what the comparison rule would spend
    min_group: int
    made_at: datetime
    illustration: bool = False

    @property
    def left(self) -> int:
        """What the funded measures leave of the budget."""
        return self.budget - self.funded_total

    def small(self, count: int) -> bool:
        """True when a count of people is too small to show (1 to min_group - 1), as in the
        prioritisation's results."""
        return 0 < count < self.min_group

    def funded_lines(self) -> tuple[MeasureLine, ...]:
        """The funded measures, in the order the rule funded them."""
        return tuple(line for line in self.lines if line.funded)

    def position(self, measure_id: int) -> int:
        """The place of a measure on the list (1 = first)."""
        return next(i for i, line in enumerate(self.lines, 1) if line.measure.id == measure_id)


def _standing(priorities: Priorities | None, measure: Measure) -> GoalStanding | None:
    if priorities is None:
        return None
    for field in priorities.fields:
        if field.field.id != measure.field_id:
            continue
        for goal in field.goals:
            if goal.goal_id == measure.goal_id:
                merged = priorities.merged and bool(priorities.sources)
                score = goal.merged if merged else goal.online_share
                return GoalStanding(goal.rank, score, goal.hidden, goal.voters)
    return None


def costed(
    procedure: Procedure,
    approved: Sequence[Measure],
    ballots: Sequence[frozenset[int]],
    *,
    made_at: datetime,
    priorities: Priorities | None = None,
) -> CostedList:
    """The list from the approved measures and the selections (synchronous and CPU-bound)."""
    round_ = procedure.measures
    if round_ is None:
        raise ValueError("the procedure has no measures round")
    costs = {m.id: m.cost for m in approved if m.cost is not None}
    election = Election.of(round_.budget, costs, ballots)
    votes = election.votes()
    chosen = funded(election, round_.rule)
    other = set(funded(election, other_rule(round_.rule)))
    by_id = {m.id: m for m in approved if m.id in costs}
    voters = sum(1 for ballot in election.ballots if ballot)
    rest = sorted((m for m in by_id if m not in chosen), key=lambda m: (-votes[m], costs[m], m))
    lines = []
    total = 0
    for measure_id in (*chosen, *rest):
        is_funded = measure_id in chosen
        total += costs[measure_id] if is_funded else 0
        lines.append(
            MeasureLine(
                measure=by_id[measure_id],
                cost=costs[measure_id],
                votes=votes[measure_id],
                share=votes[measure_id] / voters if voters else None,
                funded=is_funded,
                funded_other=measure_id in other,
                running_total=total if is_funded else None,
                goal=_standing(priorities, by_id[measure_id]),
            )
        )
    return CostedList(
        rule=round_.rule,
        other_rule=other_rule(round_.rule),
        budget=round_.budget,
        currency=round_.currency,
        voters=voters,
        lines=tuple(lines),
        funded_total=total,
        other_total=sum(costs[m] for m in other),
        min_group=procedure.results.min_group,
        made_at=made_at,
        illustration=round_.illustration,
    )


async def costed_list(db: Database, procedure: Procedure) -> CostedList:
    """The costed priority list as the database holds it now (the rules run in a worker
    thread), with the prioritisation's standing of each measure's sub-goal."""
    approved = await stored.in_state(db, stored.APPROVED)
    ballots = await stored.selections(db)
    priorities = await current_outcome(db, procedure)
    return await asyncio.to_thread(
        costed, procedure, approved, ballots, made_at=datetime.now(UTC), priorities=priorities
    )
