"""The Pabulib export: pabutools' own parser reads it back to the same election (projects,
costs, categories, budget, every ballot), whatever residents wrote in their titles, and it
holds no voter key."""

from collections import Counter
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from pabutools.election.pabulib import parse_pabulib, parse_pabulib_from_string

from bot.measures.outcome import costed
from bot.measures.pabulib import to_pabulib
from bot.procedure import Procedure
from storage import measures
from storage.measures import Measure, MeasureText
from tests.measures.conftest import MEASURES_FILE

PROCEDURE_FIELDS = {"language": ("courses", "schools"), "housing": ("advice", "fair")}


def _measure(number: int, cost: int, field: str, goal: str, title: str) -> Measure:
    return Measure(
        id=number, origin="resident", field_id=field, goal_id=goal, language="de",
        state="approved", cost=cost, created_at="2027-04-01T00:00:00+00:00",
        texts={"de": MeasureText(title, "…")},
    )  # fmt: skip


@st.composite
def elections(draw: st.DrawFn) -> tuple[list[Measure], list[frozenset[int]]]:
    """Up to eight measures with any title a resident could write, and selections within
    the test procedure's budget of 100,000."""
    approved = []
    for number in range(1, draw(st.integers(1, 8)) + 1):
        field = draw(st.sampled_from(sorted(PROCEDURE_FIELDS)))
        goal = draw(st.sampled_from(PROCEDURE_FIELDS[field]))
        title = draw(st.text(min_size=1, max_size=40).filter(lambda t: t.strip()))
        approved.append(_measure(number, draw(st.integers(1, 60000)), field, goal, title))
    ballots = []
    for _ in range(draw(st.integers(0, 12))):
        spent, ballot = 0, set()
        for measure in draw(st.permutations(approved)):
            if draw(st.booleans()) and spent + (measure.cost or 0) <= 100000:
                ballot.add(measure.id)
                spent += measure.cost or 0
        if ballot:
            ballots.append(frozenset(ballot))
    return approved, ballots


def _export(procedure: Procedure, approved: list[Measure], ballots: list[frozenset[int]]) -> str:
    listed = costed(procedure, approved, ballots, made_at=datetime.now(UTC))
    return to_pabulib(procedure, listed, ballots)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(elections())
def test_pabutools_reads_the_file_back_to_the_same_instance_and_profile(election):
    from bot.procedure import load_procedure

    procedure = load_procedure(MEASURES_FILE)
    approved, ballots = election
    text = _export(procedure, approved, ballots)
    instance, profile = parse_pabulib_from_string(text)
    assert instance.budget_limit == 100000
    assert instance.meta["vote_type"] == "approval"
    assert instance.meta["currency"] == "EUR"
    assert instance.meta["rule"] == "equalshares"
    assert sorted((p.name, int(p.cost)) for p in instance) == sorted(
        (str(m.id), m.cost) for m in approved
    )
    for project in instance:
        measure = next(m for m in approved if str(m.id) == project.name)
        assert project.categories == {measure.field_id}
        assert project.targets == {f"{measure.field_id}/{measure.goal_id}"}
        assert instance.project_meta[project]["name"] == " ".join(
            measure.texts["de"].title.replace(";", ",").split()
        )
    assert profile.num_ballots() == len(ballots)
    assert Counter(frozenset(p.name for p in ballot) for ballot in profile) == Counter(
        frozenset(str(m) for m in ballot) for ballot in ballots
    )
    assert [ballot.meta["voter_id"] for ballot in profile] == [
        str(n) for n in range(1, len(ballots) + 1)
    ]
    votes = Counter(m for ballot in ballots for m in ballot)
    for project in instance:
        assert instance.project_meta[project]["votes"] == str(votes[int(project.name)])


def test_a_title_with_separators_and_line_breaks_cannot_break_the_file(
    measures_procedure, tmp_path
):
    approved = [
        _measure(1, 40000, "language", "courses", "Kurse; abends\nund; am Wochenende"),
        _measure(2, 15000, "housing", "advice", "VOTES"),
    ]
    ballots = [frozenset({1, 2}), frozenset({2})]
    path = tmp_path / "election.pb"
    path.write_text(_export(measures_procedure, approved, ballots), encoding="utf-8")
    instance, profile = parse_pabulib(str(path))
    names = {p.name: instance.project_meta[p]["name"] for p in instance}
    assert names == {"1": "Kurse, abends und, am Wochenende", "2": "VOTES"}
    assert sorted(len(ballot) for ballot in profile) == [1, 2]
    selected = {p.name: instance.project_meta[p]["selected"] for p in instance}
    assert selected == {"1": "1", "2": "1"}  # 55,000 of 100,000: both fit


async def test_the_file_from_the_database_numbers_the_voters_and_holds_no_voter_key(
    measures_bot,
):
    db = measures_bot.services.database
    procedure = measures_bot.services.procedure
    stored = await measures.in_state(db, measures.APPROVED)
    keys = [f"voter-key-{n:02d}-secret-looking" for n in range(7)]
    for n, key in enumerate(keys):
        for measure in stored[: 1 + n % 2]:
            await measures.choose(db, key, measure.id, True, 100000)
    ballots = await measures.selections(db)
    text = _export(procedure, stored, ballots)
    assert not any(key in text for key in keys)
    votes_section = text.split("VOTES\n", 1)[1].splitlines()
    assert votes_section[0] == "voter_id;vote"
    assert [row.split(";")[0] for row in votes_section[1:]] == [str(n) for n in range(1, 8)]
    instance, profile = parse_pabulib_from_string(text)
    assert instance.meta["country"] == "Germany"
    assert instance.meta["instance"] == "2027"
    assert profile.num_ballots() == 7
