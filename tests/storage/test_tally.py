"""The tally against an independent count over random ballots (a property test), and the
limits holding when changes race."""

import asyncio
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage import ballots
from storage.ballots import Outcome
from storage.db import Database
from storage.tally import tally

FIELDS = {"a": ["1", "2", "3", "4"], "b": ["1", "2", "3", "4", "5"], "c": ["x", "y"]}
LANGUAGES = ["de", "ar", "uk"]
TOP_N, POINTS = 2, 5
RULES = "{}"

operation = st.tuples(
    st.integers(0, 5),  # voter
    st.sampled_from(sorted(FIELDS)),
    st.integers(0, 4),  # goal index (wrapped to the field)
    st.sampled_from(["pick", "unpick", "points", "abstain", "rank"]),
    st.integers(0, 6),  # points value or rank position
    st.sampled_from(LANGUAGES),
)


class Model:
    """The expected state, kept without SQL."""

    def __init__(self) -> None:
        self.weights: dict[tuple[int, str], dict[str, int]] = {}
        self.abstained: set[tuple[int, str]] = set()
        self.language: dict[int, str] = {}
        self.ranks: dict[int, list[str]] = {}

    def apply(self, voter, field, goal, op, value, language) -> None:
        chosen = self.weights.setdefault((voter, field), {})
        if op == "abstain":
            if (voter, field) not in self.abstained:
                chosen.clear()
                self.abstained.add((voter, field))
                self.language[voter] = language
            return
        if op == "rank":
            order = self.ranks.setdefault(voter, [])
            if field not in order and value == len(order) + 1:
                order.append(field)
                self.language[voter] = language
            return
        weight = {"pick": 1, "unpick": 0, "points": value}[op]
        if chosen.get(goal, 0) == weight:
            return
        others = {g: w for g, w in chosen.items() if g != goal}
        if weight and (
            len(others) + 1 > TOP_N if op != "points" else sum(others.values()) + weight > POINTS
        ):
            return
        self.abstained.discard((voter, field))
        self.language[voter] = language
        if weight:
            chosen[goal] = weight
        else:
            chosen.pop(goal, None)


async def run(operations) -> tuple:
    model = Model()
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "t.db")
        try:
            for voter, field, index, op, value, language in operations:
                goal = FIELDS[field][index % len(FIELDS[field])]
                key = f"voter-{voter}"
                model.apply(voter, field, goal, op, value, language)
                if op == "abstain":
                    await ballots.abstain(db, key, language, RULES, field)
                elif op == "rank":
                    await ballots.rank_field(db, key, language, RULES, field, max(value, 1))
                elif op == "points":
                    await ballots.set_weight(
                        db, key, language, RULES, field, goal, value, max_total=POINTS
                    )
                else:
                    weight = 1 if op == "pick" else 0
                    await ballots.set_weight(
                        db, key, language, RULES, field, goal, weight, max_goals=TOP_N
                    )
            return model, await tally(db)
        finally:
            await db.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, max_size=40))
def test_the_tally_matches_an_independent_count(operations):
    # "rank" with value 0 is clamped to position 1 in the call; mirror that in the model.
    operations = [
        (v, f, g, op, max(x, 1) if op == "rank" else x, lang) for v, f, g, op, x, lang in operations
    ]
    model, result = asyncio.run(run(operations))
    goal_voters, goal_points, field_voters = Counter(), Counter(), Counter()
    for (_voter, field), chosen in model.weights.items():
        for goal, weight in chosen.items():
            goal_voters[(field, goal)] += 1
            goal_points[(field, goal)] += weight
    for _voter, field in {k for k, chosen in model.weights.items() if chosen} | model.abstained:
        field_voters[field] += 1
    assert result.goal_voters == dict(goal_voters)
    assert result.goal_points == dict(goal_points)
    assert result.field_voters == dict(field_voters)
    assert result.field_abstentions == dict(Counter(field for _, field in model.abstained))
    assert result.language_voters == dict(Counter(model.language.values()))
    rank_sum = Counter()
    for order in model.ranks.values():
        for position, field in enumerate(order, start=1):
            rank_sum[field] += position
    assert result.field_rank_sum == dict(rank_sum)


async def test_racing_choices_never_exceed_n(tmp_path):
    db = await Database.open(tmp_path / "race.db")
    try:
        outcomes = await asyncio.gather(
            *(
                ballots.set_weight(db, "v", "de", RULES, "b", goal, 1, max_goals=TOP_N)
                for goal in FIELDS["b"]
            )
        )
        kinds = [outcome for outcome, _ in outcomes]
        assert kinds.count(Outcome.CHANGED) == TOP_N
        assert kinds.count(Outcome.LIMIT) == len(FIELDS["b"]) - TOP_N
        assert (await tally(db)).field_voters == {"b": 1}
    finally:
        await db.close()


async def test_racing_points_never_exceed_the_budget(tmp_path):
    db = await Database.open(tmp_path / "race.db")
    try:
        await asyncio.gather(
            *(
                ballots.set_weight(db, "v", "de", RULES, "b", g, 2, max_total=POINTS)
                for g in FIELDS["b"]
            )
        )
        assert sum((await ballots.ballot(db, "v")).chosen("b").values()) <= POINTS
    finally:
        await db.close()
