"""The tally against an independent count over random ballots (a property test), and the
limits holding when changes race."""

import asyncio
import sqlite3
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage import ballots, participants
from storage.ballots import Outcome
from storage.db import Database, migrations
from storage.tally import counted_again, tally

FIELDS = {"a": ["1", "2", "3", "4"], "b": ["1", "2", "3", "4", "5"], "c": ["x", "y"]}
LANGUAGES = ["de", "ar", "uk"]
TOP_N, POINTS = 2, 5
RULES = "{}"

operation = st.tuples(
    st.integers(0, 5),  # voter
    st.sampled_from(sorted(FIELDS)),
    st.integers(0, 4),  # goal index (wrapped to the field)
    st.sampled_from(["pick", "unpick", "points", "abstain", "rank", "withdraw"]),
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
        if op == "withdraw":  # the resident withdrew their ballot: everything of theirs goes
            for key in [k for k in self.weights if k[0] == voter]:
                del self.weights[key]
            self.abstained = {k for k in self.abstained if k[0] != voter}
            self.language.pop(voter, None)
            self.ranks.pop(voter, None)
            return
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
                if op == "withdraw":
                    await ballots.withdraw(db, key)
                elif op == "abstain":
                    await ballots.abstain(db, key, RULES, field)
                elif op == "rank":
                    await ballots.rank_field(db, key, RULES, field, max(value, 1))
                elif op == "points":
                    await ballots.set_weight(db, key, RULES, field, goal, value, max_total=POINTS)
                else:
                    weight = 1 if op == "pick" else 0
                    await ballots.set_weight(db, key, RULES, field, goal, weight, max_goals=TOP_N)
            kept = await tally(db)
            # The counters the triggers keep equal a fresh count over the rows themselves.
            assert kept == await counted_again(db)
            return model, kept
        finally:
            await db.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
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
    assert result.language_voters == {}  # counted from participants, not from ballots
    rank_sum = Counter()
    for order in model.ranks.values():
        for position, field in enumerate(order, start=1):
            rank_sum[field] += position
    assert result.field_rank_sum == dict(rank_sum)
    assert result.field_rank_count == dict(
        Counter(field for order in model.ranks.values() for field in order)
    )


async def test_racing_choices_never_exceed_n(tmp_path):
    db = await Database.open(tmp_path / "race.db")
    try:
        outcomes = await asyncio.gather(
            *(
                ballots.set_weight(db, "v", RULES, "b", goal, 1, max_goals=TOP_N)
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
            *(ballots.set_weight(db, "v", RULES, "b", g, 2, max_total=POINTS) for g in FIELDS["b"])
        )
        assert sum((await ballots.ballot(db, "v")).chosen("b").values()) <= POINTS
    finally:
        await db.close()


async def test_a_file_from_before_the_counters_is_counted_once_when_it_is_upgraded(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as connection:  # the schema as version 4 left it, with votes
        for number, _name, script in migrations():
            if number <= 4:
                connection.executescript(script)
        connection.execute("PRAGMA user_version = 4")
        connection.executemany(
            "INSERT INTO ballots VALUES (?, ?, ?, ?)",
            [("v1", "a", "1", 1), ("v1", "a", "2", 1), ("v2", "a", "1", 3), ("v2", "b", "1", 1)],
        )
        connection.execute("INSERT INTO abstentions VALUES ('v3', 'a')")
        connection.execute("INSERT INTO field_ranks VALUES ('v1', 'b', 1), ('v1', 'a', 2)")
        connection.execute("INSERT INTO voters VALUES ('v1', 'de'), ('v2', 'ar'), ('v3', 'de')")
    connection.close()
    db = await Database.open(path)
    try:
        kept = await tally(db)
        assert kept == await counted_again(db)
        assert kept.goal_voters == {("a", "1"): 2, ("a", "2"): 1, ("b", "1"): 1}
        assert kept.goal_points[("a", "1")] == 4
        assert kept.field_voters == {"a": 3, "b": 1}
        assert kept.field_abstentions == {"a": 1}
        # The language left the ballot tables: counted from the participants the bot marks
        assert kept.language_voters == {}
        assert (kept.field_rank_sum, kept.field_rank_count) == ({"a": 2, "b": 1}, {"a": 1, "b": 1})
        # and from then on the triggers keep counting
        await ballots.withdraw(db, "v2")
        assert await tally(db) == await counted_again(db)
        columns = await db.fetchall("PRAGMA table_info(voters)")
        assert [column[1] for column in columns] == ["voter_key"]
    finally:
        await db.close()


async def test_participation_per_language_counts_residents_who_voted(tmp_path):
    db = await Database.open(tmp_path / "languages.db")
    try:
        for user, language in ((1, "de"), (2, "de"), (3, "fa"), (4, "ar")):
            await participants.set_language(db, user, user, language)
        for user in (1, 2, 3):
            await participants.mark_voted(db, user)
        await participants.mark_voted(db, 3)  # again: counted once
        assert (await tally(db)).language_voters == {"de": 2, "fa": 1}
        await participants.set_language(db, 3, 3, "ar")  # the voter changes their language
        assert (await tally(db)).language_voters == {"de": 2, "ar": 1}
        await participants.mark_voted(db, 2, voted=False)  # their ballot went
        assert (await tally(db)).language_voters == {"de": 1, "ar": 1}
        async with db.transaction() as connection:
            await participants.erase(connection, 1)
        assert (await tally(db)).language_voters == {"ar": 1}
        assert await tally(db) == await counted_again(db)
    finally:
        await db.close()
