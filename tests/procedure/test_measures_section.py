"""The [measures] section of a procedure file: read as written, every mistake named."""

from datetime import datetime
from pathlib import Path

import pytest

from bot.procedure import ProcedureError, load_procedure

MEASURES = Path(__file__).resolve().parent.parent / "data" / "measures.toml"


def with_changes(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    text = MEASURES.read_text(encoding="utf-8")
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_date_without_time_closes_at_the_end_of_that_day(tmp_path):
    path = with_changes(
        tmp_path,
        ("proposals_close = 2027-04-30T23:59:00", "proposals_close = 2027-04-30"),
        ("voting_closes = 2027-05-31T23:59:00", "voting_closes = 2027-05-31"),
    )
    measures = load_procedure(path).measures
    assert measures is not None
    berlin = measures.voting_opens.tzinfo
    assert measures.proposals_close == datetime(2027, 5, 1, tzinfo=berlin)
    assert measures.voting_closes == datetime(2027, 6, 1, tzinfo=berlin)


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("budget = 100000", "budget = 100000.5", "measures.budget: expected a whole amount"),
        ('currency = "EUR"', 'currency = "EURO"', "measures.currency: expected a currency code"),
        (
            'rule = "equal-shares"',
            'rule = "fair"',
            "measures.rule: expected equal-shares or greedy",
        ),
        ("max_cost = 60000", "max_cost = 200000", "measures.max_cost: is more than the budget"),
        ('field = "housing"', 'field = "houses"', "field: no action field 'houses'"),
        ('goal = "schools"', 'goal = "school"', "goal: no sub-goal 'school' in language"),
        ("cost = 55000", "cost = 65000", "cost: 65000 is more than the ceiling 60000"),
        (
            "voting_opens = 2027-05-01T00:00:00",
            "voting_opens = 2027-04-15T00:00:00",
            "measures.voting_opens: is before measures.proposals_close",
        ),
        ("title_max = 80", "title_max = 10", "measures.title_max: expected a whole number"),
        (
            'title.en = "Housing guides"',
            'title.en = "' + "x" * 81 + '"',
            "title.en: 81 characters; at most 80",
        ),
        ("proposals_per_resident = 3", "proposals_per_resident = 3\ncolour = 1", "colour"),
    ],
)
def test_each_mistake_is_named_and_the_file_refused(tmp_path, old, new, problem):
    with pytest.raises(ProcedureError) as refused:
        load_procedure(with_changes(tmp_path, (old, new)))
    assert any(problem in line for line in refused.value.problems), refused.value.problems
