"""The merge and the ranking of bot/results/outcome.py against an independent computation.

Random ballots go through storage/ballots.py into a real SQLite file, random workshop tables
through storage/workshops.py; the expected figures are computed here from the ballots as they
were written, with exact fractions, straight from the rules in outcome.py's docstring:

- online figure: voters who chose the sub-goal (top_n) or the points they gave it (points);
  online share = figure / all figures in the field;
- workshop share = the sub-goal's workshop points (all sources) / all workshop points in the
  field;
- merged = (w_on * online share + w_ws * workshop share) / (w_on + w_ws), a side without
  figures in the field left out with its weight;
- rank: merged (or the online figure) desc, online share desc, workshop share desc, file order;
- field rank: average position asc, unranked fields last, ties in file order.
"""

import asyncio
import dataclasses
import math
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.procedure import Procedure, load_procedure
from bot.resources import example_procedure
from bot.results.outcome import Outcome, outcome, parse_weights
from storage import ballots, participants, workshops
from storage.ballots import Outcome as Change
from storage.db import Database
from storage.tally import Tally, counted_again, tally

MINI = Path(__file__).parent.parent / "data" / "mini.toml"
LANGUAGES = ["de", "ar", "uk", "fa"]
SOURCES = ["Rathaus 2019", "Jugendforum", "Werkstatt Nord"]
MADE_AT = datetime(2020, 2, 12, 9, 0, tzinfo=UTC)

EXAMPLE = load_procedure(example_procedure())  # top_n 3, no field ranking
RANKED = dataclasses.replace(EXAMPLE, voting=dataclasses.replace(EXAMPLE.voting, rank_fields=True))
POINTS = dataclasses.replace(
    EXAMPLE,
    voting=dataclasses.replace(EXAMPLE.voting, method="points", points=5, rank_fields=True),
)
PROCEDURES = {"top_n": EXAMPLE, "top_n+rank_fields": RANKED, "points+rank_fields": POINTS}


# --- ballots as they are meant to end up --------------------------------------------------


@dataclass
class Ballot:
    """One voter's intended ballot: per field "abstain" or goal -> weight; the field order."""

    fields: dict[str, str | dict[str, int]] = field(default_factory=dict)
    ranking: list[str] = field(default_factory=list)
    detours: set[str] = field(default_factory=set)  # fields reached by a roundabout way

    @property
    def empty(self) -> bool:
        return not self.fields and not self.ranking


@dataclass
class Voter:
    """A resident: maybe a ballot that was later withdrawn, maybe a ballot that stays."""

    language: str
    withdrawn: Ballot | None
    final: Ballot | None


@st.composite
def ballots_for(draw, procedure: Procedure) -> Ballot:
    result = Ballot()
    budget = procedure.voting.points
    for f in procedure.fields:
        kind = draw(st.sampled_from(["none", "none", "abstain", "choose", "choose"]))
        if kind == "abstain":
            result.fields[f.id] = "abstain"
        elif kind == "choose":
            ids = [g.id for g in f.goals]
            if procedure.voting.method == "top_n":
                chosen = draw(
                    st.lists(
                        st.sampled_from(ids), min_size=1, max_size=procedure.voting.top_n,
                        unique=True,
                    )
                )  # fmt: skip
                result.fields[f.id] = dict.fromkeys(chosen, 1)
            else:
                chosen = draw(
                    st.lists(st.sampled_from(ids), min_size=1, max_size=budget, unique=True)
                )
                weights, left = {}, budget
                for n, goal in enumerate(chosen):
                    still = len(chosen) - n - 1  # every later goal needs at least one point
                    weights[goal] = draw(st.integers(1, left - still))
                    left -= weights[goal]
                result.fields[f.id] = weights
        if kind != "none" and draw(st.booleans()):
            result.detours.add(f.id)
    if procedure.voting.rank_fields:
        order = draw(st.permutations([f.id for f in procedure.fields]))
        result.ranking = list(order[: draw(st.integers(0, len(order)))])
    return result


@st.composite
def voters_for(draw, procedure: Procedure) -> Voter:
    language = draw(st.sampled_from(LANGUAGES))
    withdrawn = draw(st.one_of(st.none(), st.none(), ballots_for(procedure)))
    final = draw(st.one_of(st.none(), ballots_for(procedure), ballots_for(procedure)))
    return Voter(language, withdrawn, final)


@st.composite
def workshop_tables(draw, procedure: Procedure) -> dict[str, dict[tuple[str, str], int]]:
    names = draw(st.lists(st.sampled_from(SOURCES), unique=True, max_size=3))
    tables: dict[str, dict[tuple[str, str], int]] = {}
    for name in names:
        table = {}
        for f in procedure.fields:
            if draw(st.booleans()):  # this source left the field out
                continue
            for g in f.goals:
                if draw(st.booleans()):
                    table[(f.id, g.id)] = draw(st.sampled_from([0, 0, 1, 2, 3, 5, 8, 13]))
        tables[name] = table
    return tables


weight_values = st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0])
weight_overrides = st.one_of(
    st.none(),
    st.fixed_dictionaries({"online": weight_values}),
    st.fixed_dictionaries({"workshop": weight_values}),
    st.fixed_dictionaries({"online": weight_values, "workshop": weight_values}).filter(
        lambda w: w["online"] > 0 or w["workshop"] > 0
    ),
)


async def write_ballot(db: Database, procedure: Procedure, key: str, lang: str, b: Ballot):
    """Write a ballot through storage/ballots.py, sometimes by a roundabout way."""
    rules = procedure.voter_rules_json
    top_n = procedure.voting.method == "top_n"
    limits = {"max_goals": procedure.voting.top_n} if top_n else {
        "max_total": procedure.voting.points
    }  # fmt: skip
    for field_id, wanted in b.fields.items():
        goals = [g.id for g in procedure.field(field_id).goals]
        if field_id in b.detours:
            if wanted == "abstain":  # chose something first, then said "no preference"
                await ballots.set_weight(db, key, rules, field_id, goals[-1], 1, **limits)
            else:  # said "no preference" first, then chose; and picked and dropped a goal
                await ballots.abstain(db, key, rules, field_id)
                await ballots.set_weight(db, key, rules, field_id, goals[0], 1, **limits)
                await ballots.set_weight(db, key, rules, field_id, goals[0], 0, **limits)
        if wanted == "abstain":
            changed, _ = await ballots.abstain(db, key, rules, field_id)
            assert changed is Change.CHANGED
            continue
        for goal_id, weight in wanted.items():
            changed, _ = await ballots.set_weight(
                db, key, rules, field_id, goal_id, weight, **limits
            )
            assert changed is Change.CHANGED, (field_id, goal_id, weight)
    for position, field_id in enumerate(b.ranking, start=1):
        changed, _ = await ballots.rank_field(db, key, rules, field_id, position)
        assert changed is Change.CHANGED


async def stored(
    procedure: Procedure,
    voters: list[Voter],
    tables: dict[str, dict[tuple[str, str], int]],
) -> tuple[Tally, dict[str, dict[tuple[str, str], int]]]:
    """Everything written into a fresh SQLite file; the tally and the workshop points read back."""
    with tempfile.TemporaryDirectory() as folder:
        db = await Database.open(Path(folder) / "participation.db")
        try:
            for n, voter in enumerate(voters):
                key = f"voter-{n}"
                # The resident behind the key, as the bot keeps them: their language, and the
                # mark that they voted (set with a vote, cleared when the ballot is withdrawn).
                await participants.set_language(db, n + 1, n + 1, voter.language)
                if voter.withdrawn is not None:
                    await write_ballot(db, procedure, key, voter.language, voter.withdrawn)
                    await participants.mark_voted(db, n + 1, not voter.withdrawn.empty)
                    await ballots.withdraw(db, key)
                    await participants.mark_voted(db, n + 1, False)
                if voter.final is not None:
                    await write_ballot(db, procedure, key, voter.language, voter.final)
                    await participants.mark_voted(db, n + 1, not voter.final.empty)
            for name, table in tables.items():
                rows = [(f, g, p) for (f, g), p in table.items()]
                await workshops.replace_source(db, name, f"{name}.csv", rows, "test")
            counted = await tally(db)
            assert counted == await counted_again(db)
            return counted, await workshops.points(db)
        finally:
            await db.close()


# --- the independent computation ----------------------------------------------------------


@dataclass
class Expected:
    goal: str
    order: int
    voters: int
    points: int
    online: Fraction | None
    per_source: tuple[tuple[str, int], ...]
    workshop: Fraction | None
    merged: Fraction | None


def counted(finals: list[Ballot], field_id: str) -> tuple[Counter[str], Counter[str]]:
    """Per sub-goal of the field: the voters who chose it and the points they gave it."""
    voters: Counter[str] = Counter()
    points: Counter[str] = Counter()
    for b in finals:
        chosen = b.fields.get(field_id)
        if isinstance(chosen, dict):
            for goal_id, weight in chosen.items():
                voters[goal_id] += 1
                points[goal_id] += weight
    return voters, points


def expected_field(
    procedure: Procedure,
    field_id: str,
    voters: Counter[str],
    points: Counter[str],
    tables: dict[str, dict[tuple[str, str], int]],
    weights: dict[str, Fraction] | None,
) -> list[Expected]:
    """The field's sub-goals with their figures, in the expected rank order."""
    f = procedure.field(field_id)
    figure = voters if procedure.voting.method == "top_n" else points
    online_total = sum(figure[g.id] for g in f.goals)
    sources = sorted(tables)
    workshop_total = sum(tables[s].get((field_id, g.id), 0) for s in sources for g in f.goals)
    result = []
    for order, g in enumerate(f.goals):
        per_source = tuple((s, tables[s].get((field_id, g.id), 0)) for s in sources)
        online = Fraction(figure[g.id], online_total) if online_total else None
        workshop = (
            Fraction(sum(p for _, p in per_source), workshop_total) if workshop_total else None
        )
        merged = None
        if weights is not None:
            sides = [(online, weights["online"]), (workshop, weights["workshop"])]
            sides = [(share, w) for share, w in sides if share is not None]
            total = sum(w for _, w in sides)
            merged = sum(share * w for share, w in sides) / total if total else None
        result.append(
            Expected(g.id, order, voters[g.id], points[g.id], online, per_source, workshop, merged)
        )

    def key(e: Expected) -> tuple:
        first = -(e.merged or 0) if weights is not None else -figure[e.goal]
        return (first, -(e.online or 0), -(e.workshop or 0), e.order)

    return sorted(result, key=key)


def close(actual: float | None, wanted: Fraction | None) -> bool:
    if wanted is None or actual is None:
        return actual is None and wanted is None
    return math.isclose(actual, float(wanted), rel_tol=1e-9, abs_tol=1e-12)


def check(
    procedure: Procedure,
    voters: list[Voter],
    tables: dict[str, dict[tuple[str, str], int]],
    merged: bool,
    weights: dict[str, float] | None,
    result: Outcome,
) -> None:
    """Every figure and every rank of `result` against the independent computation."""
    finals = [v.final for v in voters if v.final is not None and not v.final.empty]
    used = {name: Fraction(value) for name, value in procedure.results.weights}
    used |= {name: Fraction(value) for name, value in (weights or {}).items()}
    assert result.merged is merged
    assert result.method == procedure.voting.method
    assert result.sources == tuple(sorted(tables))
    assert dict(result.weights) == {name: float(value) for name, value in used.items()}
    languages = Counter(v.language for v in voters if v.final is not None and not v.final.empty)
    assert result.participants == sum(languages.values())
    assert result.languages == tuple(sorted(languages.items(), key=lambda p: (-p[1], p[0])))
    assert [f.field.id for f in result.fields] == [f.id for f in procedure.fields]
    for got in result.fields:
        field_id = got.field.id
        answers = [b.fields.get(field_id) for b in finals]
        assert got.answered == sum(a is not None for a in answers), field_id
        assert got.abstained == sum(a == "abstain" for a in answers), field_id
        voters_in, points_in = counted(finals, field_id)
        wanted = expected_field(
            procedure, field_id, voters_in, points_in, tables, used if merged else None
        )
        # the figures first, each sub-goal by its id ...
        by_id = {g.goal_id: g for g in got.goals}
        assert sorted(by_id) == sorted(e.goal for e in wanted)
        for e in wanted:
            g = by_id[e.goal]
            where = (field_id, e.goal)
            assert (g.field_id, g.voters, g.points) == (field_id, e.voters, e.points), where
            assert result.online_figure(g) == (
                e.voters if procedure.voting.method == "top_n" else e.points
            ), where
            assert close(g.online_share, e.online), (where, g.online_share, e.online)
            assert g.workshop_points == e.per_source, where
            assert g.workshop_total() == sum(p for _, p in e.per_source), where
            assert close(g.workshop_share, e.workshop), (where, g.workshop_share, e.workshop)
            assert close(g.merged, e.merged), (where, g.merged, e.merged)
        # ... then the whole order, ties included
        assert [g.goal_id for g in got.goals] == [e.goal for e in wanted], (
            field_id,
            [(e.goal, e.merged, e.online, e.workshop) for e in wanted],
        )
        assert [g.rank for g in got.goals] == list(range(1, len(got.goals) + 1))
        # small groups: the hidden sub-goals of the field
        check_hidden(
            [g.voters for g in got.goals], {g.goal_id for g in got.goals if g.hidden},
            [g.goal_id for g in got.goals], result.min_group,
        )  # fmt: skip
    check_hidden(
        [n for _, n in result.languages], set(result.hidden_languages),
        [language for language, _ in result.languages], result.min_group,
    )  # fmt: skip
    # field ranking
    positions: dict[str, list[int]] = {f.id: [] for f in procedure.fields}
    for b in finals:
        for position, field_id in enumerate(b.ranking, start=1):
            positions[field_id].append(position)
    for got in result.fields:
        placed = positions[got.field.id]
        assert got.ranked_by == len(placed)
        average = Fraction(sum(placed), len(placed)) if placed else None
        assert close(got.average_position, average), got.field.id
    if procedure.voting.rank_fields:
        order = sorted(
            range(len(procedure.fields)),
            key=lambda i: (
                not positions[procedure.fields[i].id],
                Fraction(sum(positions[procedure.fields[i].id]),
                         max(len(positions[procedure.fields[i].id]), 1)),
                i,
            ),
        )  # fmt: skip
        wanted_order = [procedure.fields[i].id for i in order]
        assert [f.field.id for f in result.ranked_fields()] == wanted_order
        assert [f.field_rank for f in result.ranked_fields()] == list(
            range(1, len(procedure.fields) + 1)
        )
    else:
        assert all(f.field_rank is None for f in result.fields)
        assert result.ranked_fields() == result.fields


def check_hidden(counts: list[int], hidden: set, keys: list, min_group: int) -> None:
    """The rule of the docstring: counts of 1 to min_group - 1 are hidden; then the next
    smallest others until at least two are hidden and they add up to min_group or more."""
    wanted = sorted(n for n in counts if 0 < n < min_group)
    others = sorted(n for n in counts if n >= min_group)
    if wanted:
        while others and (len(wanted) < 2 or sum(wanted) < min_group):
            wanted.append(others.pop(0))
    by_key = dict(zip(keys, counts, strict=True))
    assert hidden <= set(keys)
    assert sorted(by_key[k] for k in hidden) == sorted(wanted), (by_key, hidden)
    # every small count is among the hidden, and none of them can be worked out from the
    # shown ones and the total
    assert {k for k, n in by_key.items() if 0 < n < min_group} <= hidden
    if hidden and any(n > 0 for k, n in by_key.items() if k not in hidden):
        assert len(hidden) >= 2 and sum(by_key[k] for k in hidden) >= min_group


# --- the property test ----------------------------------------------------------------------


@st.composite
def scenarios(draw):
    kind = draw(st.sampled_from(sorted(PROCEDURES)))
    procedure = PROCEDURES[kind]
    voters = draw(st.lists(voters_for(procedure), max_size=7))
    tables = draw(workshop_tables(procedure))
    min_group = draw(st.sampled_from([1, 2, 3, 5]))
    return kind, min_group, voters, tables, draw(st.booleans()), draw(weight_overrides)


def with_min_group(procedure: Procedure, min_group: int) -> Procedure:
    return dataclasses.replace(
        procedure, results=dataclasses.replace(procedure.results, min_group=min_group)
    )


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenarios())
def test_the_outcome_matches_an_independent_computation(scenario):
    kind, min_group, voters, tables, merged, weights = scenario
    procedure = with_min_group(PROCEDURES[kind], min_group)
    counted, points = asyncio.run(stored(procedure, voters, tables))
    # the workshop tables come back as they were imported, zeros and empty sources included
    assert points == tables
    result = outcome(procedure, counted, points, merged=merged, made_at=MADE_AT, weights=weights)
    assert result.made_at == MADE_AT
    assert result.min_group == procedure.results.min_group
    check(procedure, voters, tables, merged, weights, result)


# Ties that are exact in fractions are rare among random ballots; this test draws the figures
# of one field directly (small numbers, so that exact ties are common) and ranks them.


@st.composite
def figures(draw):
    procedure = {"top_n": EXAMPLE, "points": POINTS}[draw(st.sampled_from(["top_n", "points"]))]
    f = draw(st.sampled_from(procedure.fields))
    voters = {g.id: draw(st.integers(0, 4)) for g in f.goals}
    points = {
        goal: count
        + (draw(st.integers(0, 2 * count)) if procedure.voting.method == "points" else 0)
        for goal, count in voters.items()
    }
    names = draw(st.lists(st.sampled_from(SOURCES), min_size=0, max_size=2, unique=True))
    tables = {
        name: {(f.id, g.id): draw(st.integers(0, 4)) for g in f.goals if draw(st.booleans())}
        for name in names
    }
    method = procedure.voting.method
    return method, f.id, voters, points, tables, draw(st.booleans()), draw(weight_overrides)


# A tie that floating point arithmetic misses: (1/10 + 2/10) / 2 == (3/10 + 0) / 2.
TIE = {"1": 1, "2": 3, "3": 3, "4": 2, "5": 1}
TIE_TABLES = {"Rathaus 2019": {("housing", "3"): 4, ("housing", "4"): 4, ("housing", "1"): 2}}


@settings(max_examples=400, deadline=None)
@example(case=("top_n", "housing", TIE, TIE, TIE_TABLES, True, None))
@given(figures())
def test_the_ranking_of_any_figures_follows_exact_arithmetic(case):
    method, field_id, voters, points, tables, merged, weights = case
    procedure = {"top_n": EXAMPLE, "points": POINTS}[method]
    counts = Tally(
        goal_voters={(field_id, g): n for g, n in voters.items() if n},
        goal_points={(field_id, g): p for g, p in points.items() if voters[g]},
    )
    result = outcome(procedure, counts, tables, merged=merged, made_at=MADE_AT, weights=weights)
    used = {name: Fraction(value) for name, value in procedure.results.weights}
    used |= {name: Fraction(value) for name, value in (weights or {}).items()}
    wanted = expected_field(
        procedure, field_id, Counter(voters), Counter(points), tables, used if merged else None
    )
    got = next(f for f in result.fields if f.field.id == field_id).goals
    for e in wanted:
        g = next(g for g in got if g.goal_id == e.goal)
        assert close(g.online_share, e.online) and close(g.workshop_share, e.workshop)
        assert close(g.merged, e.merged), (e.goal, g.merged, e.merged)
    assert [g.goal_id for g in got] == [e.goal for e in wanted], [
        (e.goal, str(e.merged), str(e.online), str(e.workshop)) for e in wanted
    ]


# --- the named cases ------------------------------------------------------------------------


def run(procedure, voters, tables=None, *, merged=False, weights=None) -> Outcome:
    tables = tables or {}
    counted, points = asyncio.run(stored(procedure, voters, tables))
    result = outcome(procedure, counted, points, merged=merged, made_at=MADE_AT, weights=weights)
    check(procedure, voters, tables, merged, weights, result)
    return result


def chose(field_id: str, *goals: str, language: str = "de") -> Voter:
    return Voter(language, None, Ballot({field_id: dict.fromkeys(goals, 1)}))


def field_of(result: Outcome, field_id: str):
    return next(f for f in result.fields if f.field.id == field_id)


def order(result: Outcome, field_id: str) -> list[str]:
    return [g.goal_id for g in field_of(result, field_id).goals]


def test_with_no_votes_and_no_workshops_every_field_is_in_file_order():
    for merged in (False, True):
        result = run(EXAMPLE, [], merged=merged)
        assert result.participants == 0 and result.languages == ()
        for f in result.fields:
            assert f.answered == f.abstained == 0
            assert [g.goal_id for g in f.goals] == [g.id for g in f.field.goals]
            assert all(g.online_share is None and g.workshop_share is None for g in f.goals)
            assert all(g.merged is None for g in f.goals)


def test_a_field_with_one_vote():
    result = run(EXAMPLE, [chose("housing", "4")])
    housing = field_of(result, "housing")
    assert housing.answered == 1
    assert order(result, "housing") == ["4", "1", "2", "3", "5"]
    assert [g.online_share for g in housing.goals] == [1.0, 0.0, 0.0, 0.0, 0.0]
    # the other fields stay empty
    assert field_of(result, "health").goals[0].online_share is None


def test_equal_figures_keep_the_order_of_the_file():
    voters = [chose("health", "5", "2"), chose("health", "2", "5"), chose("health", "4")]
    assert order(run(EXAMPLE, voters), "health") == ["2", "5", "4", "1", "3"]


def test_an_exact_tie_of_merged_scores_goes_to_the_higher_online_share():
    # online: 1 of 10 choices for goal 1, 3 of 10 for goal 2; workshop: 2 of 10 points for
    # goal 1, none for goal 2. Merged, equal weights: both exactly (1/10 + 2/10) / 2 =
    # (3/10 + 0/10) / 2 = 3/20, so the online share decides: goal 2 before goal 1.
    voters = [chose("housing", "3", "4", "5"), chose("housing", "3", "4")]
    voters += [chose("housing", "2", "3"), chose("housing", "2"), chose("housing", "2", "1")]
    tables = {"Rathaus 2019": {("housing", "3"): 4, ("housing", "4"): 4, ("housing", "1"): 2}}
    result = run(EXAMPLE, voters, tables, merged=True)
    goals = {g.goal_id: g for g in field_of(result, "housing").goals}
    assert goals["1"].online_share == pytest.approx(0.1)
    assert goals["2"].online_share == pytest.approx(0.3)
    assert goals["1"].merged == pytest.approx(0.15) and goals["2"].merged == pytest.approx(0.15)
    assert goals["2"].rank < goals["1"].rank


def test_exact_ties_go_to_the_online_share_then_the_workshop_share_then_the_file():
    # goal 1: online 2/4, workshop 0 -> merged 1/4; goal 2: online 1/4, workshop 1/4 -> 1/4;
    # goal 3: online 1/4, workshop 3/4 -> 1/2. Goals 1 and 2 tie on merged; goal 1 has the
    # higher online share.
    voters = [chose("health", "1", "2"), chose("health", "1", "3")]
    tables = {"A": {("health", "2"): 1, ("health", "3"): 3}}
    result = run(EXAMPLE, voters, tables, merged=True)
    assert order(result, "health")[:3] == ["3", "1", "2"]
    # merged and online shares tie (the merged score is the online share alone): the
    # workshop share decides (4 and 5 before 1 and 2), then the file (4 before 5, 1 before 2)
    voters = [chose("health", "4", "5"), chose("health", "1", "2")]
    tables = {"A": {("health", "5"): 1, ("health", "4"): 1}}
    result = run(EXAMPLE, voters, tables, weights={"online": 1.0, "workshop": 0.0}, merged=True)
    assert order(result, "health") == ["4", "5", "1", "2", "3"]


def test_no_preference_counts_as_an_answer_but_gives_no_figures():
    voters = [
        Voter("de", None, Ballot({"housing": "abstain", "health": "abstain"})),
        Voter("ar", None, Ballot({"housing": "abstain", "health": {"3": 1}})),
        Voter("uk", None, Ballot({"housing": {"2": 1}}, detours={"housing"})),
        Voter("uk", None, Ballot({"health": "abstain"}, detours={"health"})),
    ]
    result = run(EXAMPLE, voters)
    housing, health = field_of(result, "housing"), field_of(result, "health")
    assert (housing.answered, housing.abstained) == (3, 2)
    assert (health.answered, health.abstained) == (3, 2)
    assert order(result, "housing")[0] == "2" and housing.goals[0].online_share == 1.0
    everyone_abstained = run(EXAMPLE, voters[:1])
    assert field_of(everyone_abstained, "housing").answered == 1
    assert all(g.online_share is None for g in field_of(everyone_abstained, "housing").goals)


def test_the_points_method_ranks_by_points_not_by_voters():
    voters = [
        Voter("de", None, Ballot({"housing": {"1": 1, "2": 4}})),
        Voter("de", None, Ballot({"housing": {"1": 1, "3": 1}})),
        Voter("de", None, Ballot({"housing": {"1": 1, "4": 2}})),
    ]
    result = run(POINTS, voters)
    goals = {g.goal_id: g for g in field_of(result, "housing").goals}
    assert (goals["1"].voters, goals["1"].points) == (3, 3)
    assert (goals["2"].voters, goals["2"].points) == (1, 4)
    assert result.online_figure(goals["2"]) == 4
    assert goals["2"].online_share == pytest.approx(4 / 10)
    assert order(result, "housing") == ["2", "1", "4", "3", "5"]


def test_fields_are_ranked_by_their_average_position_unranked_last_ties_in_file_order():
    ids = [f.id for f in RANKED.fields]
    voters = [
        Voter("de", None, Ballot(ranking=["health", "housing", "work-training"])),
        Voter("de", None, Ballot(ranking=["housing", "health"])),
        Voter("de", None, Ballot(ranking=["work-training"])),
    ]
    result = run(RANKED, voters)
    # health 1.5, housing 1.5, work-training 2.0 (3 + 1 over 2); the rest nobody ranked
    ranked = [f.field.id for f in result.ranked_fields()]
    assert ranked[:3] == ["housing", "health", "work-training"]
    assert ranked[3:] == [i for i in ids if i not in ranked[:3]]
    assert field_of(result, "housing").average_position == 1.5
    assert field_of(result, "health").ranked_by == 2
    assert field_of(result, "participation").average_position is None


def test_a_withdrawn_ballot_counts_nowhere():
    gone = Ballot({"housing": {"1": 1, "2": 1}, "health": "abstain"}, ranking=["health"])
    voters = [
        Voter("ar", gone, None),  # withdrew and stayed away
        Voter("fa", gone, Ballot({"housing": {"3": 1}})),  # withdrew and voted again
        chose("housing", "3"),
    ]
    result = run(RANKED, voters)
    housing = field_of(result, "housing")
    assert result.participants == 2
    assert dict(result.languages) == {"de": 1, "fa": 1}
    assert housing.answered == 2 and housing.goals[0].voters == 2
    assert {g.goal_id: g.voters for g in housing.goals}["1"] == 0
    assert field_of(result, "health").answered == 0
    assert field_of(result, "health").ranked_by == 0


def test_a_side_with_no_figures_does_not_pull_a_field_down():
    voters = [chose("housing", "1"), chose("housing", "1", "2")]
    result = run(EXAMPLE, voters, {"A": {("health", "1"): 3}}, merged=True)
    goals = {g.goal_id: g for g in field_of(result, "housing").goals}
    # no workshop scored housing: the merged score is the online share alone
    assert goals["1"].workshop_share is None
    assert goals["1"].merged == pytest.approx(2 / 3)
    # no one voted in health: the merged score is the workshop share alone
    assert field_of(result, "health").goals[0].merged == pytest.approx(1.0)


def test_a_weight_of_zero_leaves_that_side_out():
    voters = [chose("housing", "1", "2"), chose("housing", "1")]
    tables = {"A": {("housing", "5"): 4, ("housing", "2"): 1}, "B": {("housing", "5"): 5}}
    online_only = run(EXAMPLE, voters, tables, merged=True, weights={"workshop": 0.0})
    assert order(online_only, "housing")[:3] == ["1", "2", "5"]
    assert field_of(online_only, "housing").goals[0].merged == pytest.approx(2 / 3)
    workshop_only = run(EXAMPLE, voters, tables, merged=True, weights={"online": 0.0})
    assert order(workshop_only, "housing")[:3] == ["5", "2", "1"]
    goals = {g.goal_id: g for g in field_of(workshop_only, "housing").goals}
    assert goals["5"].workshop_points == (("A", 4), ("B", 5))
    assert goals["5"].merged == pytest.approx(0.9)
    # a field with votes but no workshop points and the online weight 0: no merged score
    health = run(EXAMPLE, [chose("health", "2")], tables, merged=True, weights={"online": 0.0})
    assert all(g.merged is None for g in field_of(health, "health").goals)
    assert order(health, "health")[0] == "2"


def test_the_procedures_weights_are_the_default_and_an_override_replaces_one(tmp_path):
    text = MINI.read_text(encoding="utf-8")
    text += '\n[[fields.goals]]\nid = "libraries"\ntext.de = "Mehr Büchereien."\n'
    text += 'text.en = "More libraries."\n'
    text += "\n[results]\nweights = { online = 1, workshop = 3 }\nmin_group = 2\n"
    path = tmp_path / "weighted.toml"
    path.write_text(text, encoding="utf-8")
    procedure = load_procedure(path)
    assert [g.id for g in procedure.fields[0].goals] == ["courses", "schools", "libraries"]
    voters = [chose("language", "courses"), chose("language", "courses", "schools")]
    tables = {"W": {("language", "schools"): 1, ("language", "libraries"): 1}}
    default = run(procedure, voters, tables, merged=True)
    assert dict(default.weights) == {"online": 1.0, "workshop": 3.0}
    assert default.min_group == 2
    # courses (2/3 + 0) / 4 = 1/6; schools (1/3 + 3/2) / 4 = 11/24; libraries (0 + 3/2) / 4
    assert order(default, "language") == ["schools", "libraries", "courses"]
    assert default.fields[0].goals[0].merged == pytest.approx(11 / 24)
    equal = run(procedure, voters, tables, merged=True, weights={"workshop": 1.0})
    assert dict(equal.weights) == {"online": 1.0, "workshop": 1.0}
    # courses 1/3, schools 5/12, libraries 1/4
    assert order(equal, "language") == ["schools", "courses", "libraries"]


def test_without_merging_the_online_figure_ranks_and_there_is_no_merged_score():
    voters = [chose("housing", "2"), chose("housing", "2", "3")]
    tables = {"A": {("housing", "1"): 50}}
    result = run(EXAMPLE, voters, tables, merged=False)
    assert order(result, "housing")[:2] == ["2", "3"]
    assert all(g.merged is None for f in result.fields for g in f.goals)


# --- parse_weights ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("online=0.5,workshop=0.5", {"online": 0.5, "workshop": 0.5}),
        ("online=1", {"online": 1.0}),
        ("workshop=0", {"workshop": 0.0}),
        (" online = 2 , workshop = 1 ", {"online": 2.0, "workshop": 1.0}),
        ("workshop=3,online=0.25", {"workshop": 3.0, "online": 0.25}),
        ("online=10", {"online": 10.0}),
    ],
)
def test_parse_weights_reads_good_input(text, wanted):
    assert parse_weights(text) == wanted


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("", "expected online=NUMBER"),
        ("online", "expected online=NUMBER"),
        ("web=1", "'web=1'"),
        ("online=abc", "'abc' is not a number"),
        ("online=", "is not a number"),
        ("online=-1", "0 or more"),
        ("online=nan", "0 or more"),
        ("online=inf", "0 or more"),
        ("online=1;workshop=1", "is not a number"),
        ("online=1,", "expected online=NUMBER"),
        ("online=1,5", "'5'"),
    ],
)
def test_parse_weights_names_what_is_wrong(text, named):
    with pytest.raises(ValueError) as raised:
        parse_weights(text)
    assert named in str(raised.value)


@example(value=0.0)
@given(st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_parse_weights_reads_back_any_weight_it_is_given(value):
    assert parse_weights(f"online={value!r},workshop={value!r}") == {
        "online": value,
        "workshop": value,
    }
