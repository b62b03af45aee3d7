"""The outcome rules of the measures round (pabutools underneath), checked against independent
computations: a plain greedy written here, hand-made instances from the literature of the
Method of Equal Shares with their known outcomes, and its proportionality guarantee (EJR up
to one project, Peters, Pierczyński and Skowron, "Proportional participatory budgeting with
additive utilities", NeurIPS 2021) checked by brute force on random tiny elections."""

from datetime import UTC, datetime
from itertools import chain, combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.measures.outcome import Election, costed, funded, greedy
from bot.procedure import Procedure
from storage.measures import Measure, MeasureText

# --- random small elections ------------------------------------------------------------------


@st.composite
def elections(draw: st.DrawFn, max_measures: int = 6, max_voters: int = 8) -> Election:
    """A budget, up to six measures with costs, and voters whose selections fit the budget
    (knapsack voting, as the bot enforces it)."""
    budget = draw(st.integers(5, 40))
    count = draw(st.integers(1, max_measures))
    costs = {m: draw(st.integers(1, 30)) for m in range(1, count + 1)}
    ballots = []
    for _ in range(draw(st.integers(0, max_voters))):
        chosen = draw(st.sets(st.sampled_from(sorted(costs)), max_size=count))
        spent, ballot = 0, set()
        for m in sorted(chosen):
            if spent + costs[m] <= budget:
                ballot.add(m)
                spent += costs[m]
        if ballot:
            ballots.append(frozenset(ballot))
    return Election.of(budget, costs, ballots)


def plain_greedy(election: Election) -> list[int]:
    """The common rule, written independently: most votes first (ties: lower cost, then lower
    number), skipping what no longer fits; measures nobody chose are never funded."""
    votes = election.votes()
    costs = dict(election.costs)
    order = sorted((m for m in costs if votes[m] > 0), key=lambda m: (-votes[m], costs[m], m))
    chosen, spent = [], 0
    for m in order:
        if spent + costs[m] <= election.budget:
            chosen.append(m)
            spent += costs[m]
    return chosen


def spent(election: Election, chosen: list[int] | tuple[int, ...]) -> int:
    costs = dict(election.costs)
    return sum(costs[m] for m in chosen)


TINY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@TINY
@given(elections())
def test_greedy_is_most_votes_first_skipping_what_no_longer_fits(election):
    assert greedy(election) == plain_greedy(election)


@TINY
@given(elections())
def test_neither_rule_ever_exceeds_the_budget_or_funds_a_measure_nobody_chose(election):
    votes = election.votes()
    for rule in ("greedy", "equal-shares"):
        chosen = funded(election, rule)
        assert len(set(chosen)) == len(chosen)
        assert spent(election, chosen) <= election.budget
        assert all(votes[m] > 0 for m in chosen)


@TINY
@given(elections())
def test_both_rules_leave_no_chosen_measure_out_that_still_fits(election):
    # Equal shares is completed (budget increase, then greedy): it is exhaustive, as greedy is.
    votes, costs = election.votes(), dict(election.costs)
    for rule in ("greedy", "equal-shares"):
        chosen = funded(election, rule)
        left = election.budget - spent(election, chosen)
        assert not [m for m in costs if votes[m] and m not in chosen and costs[m] <= left]


def _subsets(items: list[int]) -> chain[tuple[int, ...]]:
    return chain.from_iterable(combinations(items, r) for r in range(1, len(items) + 1))


def ejr_up_to_one_violations(election: Election, chosen: tuple[int, ...]) -> list[object]:
    """Every group of voters that could afford a set T of measures they all chose, with their
    shares of the budget (|S| × budget / n ≥ cost(T)), yet where no member has gained as much
    as T is worth to them (with cost utilities: its cost), not even with one more measure
    of T. Empty when the outcome is EJR up to one project."""
    costs = dict(election.costs)
    ballots = election.ballots
    n = len(ballots)
    winners = set(chosen)

    def gained(voter: int, extra: int | None = None) -> int:
        got = winners | ({extra} if extra is not None else set())
        return sum(costs[m] for m in ballots[voter] & got)

    found = []
    for group in _subsets(list(range(n))):
        common = sorted(frozenset.intersection(*(ballots[i] for i in group)))
        for wanted in _subsets(common):
            worth = sum(costs[m] for m in wanted)
            if len(group) * election.budget < worth * n:
                continue
            satisfied = any(
                gained(i) >= worth or any(gained(i, p) > worth for p in wanted if p not in winners)
                for i in group
            )
            if not satisfied:
                found.append((group, wanted))
    return found


@settings(max_examples=80, deadline=None, derandomize=True)
@given(elections(max_measures=5, max_voters=5))
def test_equal_shares_gives_every_group_that_can_afford_its_measures_its_part(election):
    assert ejr_up_to_one_violations(election, funded(election, "equal-shares")) == []


# --- hand-made instances from the literature -----------------------------------------------


def test_a_majority_takes_everything_under_greedy_and_its_share_under_equal_shares():
    """The standard proportionality example of the Method of Equal Shares: 60 % of the
    voters want measures 1–10, 40 % want 11–20, each costs 10, the budget is 100. Greedy
    funds the majority's ten; equal shares gives each group its share: 6 and 4 measures."""
    costs = dict.fromkeys(range(1, 21), 10)
    ballots = [frozenset(range(1, 11))] * 6 + [frozenset(range(11, 21))] * 4
    election = Election.of(100, costs, ballots)
    assert funded(election, "greedy") == tuple(range(1, 11))
    assert sorted(funded(election, "equal-shares")) == [1, 2, 3, 4, 5, 6, 11, 12, 13, 14]
    # and greedy's outcome fails the guarantee for the minority, equal shares' does not
    assert ejr_up_to_one_violations(election, funded(election, "greedy"))
    assert not ejr_up_to_one_violations(election, funded(election, "equal-shares"))


def test_the_completion_gives_the_second_voter_their_measure_where_greedy_does_not():
    """Two voters, budget 100 (50 each). Voter A wants 3 (30) and 1 (60), voter B wants 2
    (60). Fixed-budget equal shares funds only 3 (A pays 30; nobody can pay 60 alone). With
    the shares raised (Add1), at 60 each B can pay for 2 while A, having paid 30 for 3, cannot
    pay for 1 yet: {3, 2} = 90 fits, and nothing else does, so it stays. Greedy: all have one
    vote, so the lower cost first: 3, then 1 before 2 (lower number), and 2 no longer fits."""
    election = Election.of(100, {1: 60, 2: 60, 3: 30}, [frozenset({1, 3}), frozenset({2})])
    assert funded(election, "equal-shares") == (3, 2)
    assert funded(election, "greedy") == (3, 1)


def test_greedy_uses_cost_satisfaction_which_counts_votes_not_votes_per_euro():
    """Measure 1 (90) has three votes, measure 2 (20) one; budget 100. By votes: 1, then 2
    does not fit. pabutools' greedy with Cardinality_Sat would take 2 first (a vote per 20
    beats three per 90) and then 1 no longer fits: that is not the rule cities use."""
    from pabutools.election import ApprovalBallot, ApprovalProfile, Cardinality_Sat, Instance
    from pabutools.election import Project as P
    from pabutools.rules import greedy_utilitarian_welfare

    election = Election.of(100, {1: 90, 2: 20}, [frozenset({1})] * 3 + [frozenset({2})])
    assert greedy(election) == [1]
    one, two = P("1", 90), P("2", 20)
    instance = Instance([one, two], budget_limit=100)
    profile = ApprovalProfile([ApprovalBallot([one])] * 3 + [ApprovalBallot([two])])
    by_card = greedy_utilitarian_welfare(instance, profile, sat_class=Cardinality_Sat)
    assert [p.name for p in by_card] == ["2"]


def test_ties_go_to_the_lower_cost_then_the_lower_number():
    # Three measures with two votes each; budget for two of them.
    ballots = [frozenset({1, 2, 3})] * 2
    election = Election.of(50, {1: 30, 2: 20, 3: 20}, ballots)
    assert funded(election, "greedy") == (2, 3)
    assert funded(election, "equal-shares") == (2, 3)


def test_an_election_without_votes_funds_nothing():
    election = Election.of(100, {1: 10, 2: 20}, [])
    assert funded(election, "greedy") == ()
    assert funded(election, "equal-shares") == ()
    with pytest.raises(ValueError, match="unknown rule"):
        funded(election, "lottery")


# --- the list ---------------------------------------------------------------------------------


def _measure(number: int, cost: int, field: str = "language", goal: str = "courses") -> Measure:
    return Measure(
        id=number, origin="file", field_id=field, goal_id=goal, language="de",
        state="approved", cost=cost, created_at="2027-04-01T00:00:00+00:00",
        texts={"de": MeasureText(f"Maßnahme {number}", "")},
    )  # fmt: skip


def test_the_list_puts_the_funded_first_with_a_running_total_then_the_rest_by_votes(
    measures_procedure: Procedure,
):
    """Budget 100,000 (the test procedure's), six voters. Equal shares: 1 (four voters pay
    10,000 each), then 2 (three of them pay 5,000 each); 3 (55,000) is out of reach of its
    three supporters even with raised shares before the outcome would exceed the budget.
    Greedy for comparison: 1 (4 votes), then 2 and 3 tie at 3 votes, 2 is cheaper, and 3 no
    longer fits. Measure 4 has no vote."""
    approved = [_measure(1, 40000), _measure(2, 15000), _measure(3, 55000), _measure(4, 5000)]
    ballots = [frozenset({1, 2})] * 3 + [frozenset({3})] * 2 + [frozenset({1, 3})]
    listed = costed(measures_procedure, approved, ballots, made_at=datetime.now(UTC))
    assert listed.rule == "equal-shares" and listed.other_rule == "greedy"
    assert [
        (line.measure.id, line.votes, line.funded, line.running_total, line.funded_other)
        for line in listed.lines
    ] == [
        (1, 4, True, 40000, True),
        (2, 3, True, 55000, True),
        (3, 3, False, None, False),
        (4, 0, False, None, False),
    ]
    assert listed.funded_total == 55000 and listed.left == 45000
    assert listed.other_total == 55000
    assert listed.voters == 6 and listed.lines[0].share == pytest.approx(4 / 6)
    assert listed.lines[0].goal is None  # no prioritisation outcome given


def _priorities(procedure: Procedure, courses: int, schools: int):
    from bot.results.outcome import outcome
    from storage.tally import Tally

    voters = {("language", "courses"): courses, ("language", "schools"): schools}
    counted = Tally(
        goal_voters=voters, goal_points=voters, field_voters={"language": courses + schools},
        language_voters={"de": courses + schools}, voters=courses + schools,
    )  # fmt: skip
    return outcome(procedure, counted, {}, merged=False, made_at=datetime.now(UTC))


def test_each_measure_carries_its_sub_goals_standing_in_the_prioritisation(
    measures_procedure: Procedure,
):
    approved = [_measure(1, 40000, goal="courses"), _measure(2, 15000, goal="schools")]

    def standing(courses: int, schools: int) -> dict[int, tuple[int, float | None, bool]]:
        listed = costed(
            measures_procedure, approved, [frozenset({1})], made_at=datetime.now(UTC),
            priorities=_priorities(measures_procedure, courses, schools),
        )  # fmt: skip
        return {
            line.measure.id: (line.goal.rank, line.goal.score, line.goal.hidden)
            for line in listed.lines
            if line.goal is not None
        }

    assert standing(5, 15) == {1: (2, 0.25, False), 2: (1, 0.75, False)}
    # Two voters for "courses" are too few to show, and then "schools" would give them
    # away (the shares add up to 100 %): both are hidden, as /results hides them.
    assert standing(2, 6) == {1: (2, 0.25, True), 2: (1, 0.75, True)}
