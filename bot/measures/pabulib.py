"""The measures round's election in the Pabulib format (pabulib.org/format), so that other
tools and researchers can check the outcome: pabutools' own writer
(election_as_pabulib_string), fed with the procedure's budget, the approved measures and
every voter's selection.

What the file holds:
- META: description (the procedure's title in its default language), country (from the
  procedure's timezone, e.g. Germany), unit (the procedure's id), instance (the year voting
  closes), budget, currency, vote_type approval, max_sum_cost (the budget: a selection had to
  fit it), rule (the procedure's: "equalshares" or "greedy", Pabulib's names), the voting
  window, language and the number of projects and votes.
- PROJECTS: project_id (the measure's number), cost, votes, name (its title in the default
  language), category (its action field's id), target (its sub-goal as field/goal), selected
  (1 when the procedure's rule funds it).
- VOTES: voter_id 1..n and the measures chosen. No voter key, no time, nothing else: the
  voters are numbered in an order that says nothing about who they are (storage.measures
  .selections sorts the selections by content).

Pabulib separates with ";" and knows no quoting, and a project's categories are split at ",",
so a title loses its ";" and line breaks (they become "," and spaces): nothing a resident
writes can break the file.
"""

from typing import Any

from babel import Locale
from babel.core import get_global

from bot.measures.outcome import CostedList
from bot.procedure import Procedure

RULE_NAMES = {"equal-shares": "equalshares", "greedy": "greedy"}


def _field_text(text: str) -> str:
    # One Pabulib cell: no separator, no line break.
    return " ".join(text.replace(";", ",").split())


def _country(procedure: Procedure) -> str:
    """The country of the procedure's timezone in English, e.g. "Germany" (Pabulib asks for
    one), or the timezone's name when Babel does not know it."""
    zone = str(procedure.timezone)
    territory = get_global("zone_territories").get(zone)
    if territory is None:
        return zone
    return str(Locale("en").territories.get(territory, territory))


def election(procedure: Procedure, listed: CostedList, ballots: list[frozenset[int]]) -> Any:
    """The election as pabutools' Instance and ApprovalProfile (returned as a pair)."""
    from pabutools.election import ApprovalBallot, ApprovalProfile, Instance, Project

    round_ = procedure.measures
    assert round_ is not None
    default = procedure.default_language
    projects: dict[int, Any] = {}
    instance = Instance(budget_limit=listed.budget)
    for line in sorted(listed.lines, key=lambda line: line.measure.id):
        measure = line.measure
        project = Project(
            str(measure.id),
            line.cost,
            categories={measure.field_id},
            targets={f"{measure.field_id}/{measure.goal_id}"},
        )
        instance.add(project)
        projects[measure.id] = project
        instance.project_meta[project] = {
            "name": _field_text(measure.text(default)[0].title),
            "votes": str(line.votes),
            "selected": "1" if line.funded else "0",
        }
    instance.meta.update(
        {
            "description": _field_text(procedure.text(procedure.title, default)),
            "country": _country(procedure),
            "unit": procedure.id,
            "instance": str(round_.voting_closes.year),
            "currency": round_.currency,
            "max_sum_cost": str(listed.budget),
            "rule": RULE_NAMES[listed.rule],
            "date_begin": round_.voting_opens.date().isoformat(),
            "date_end": round_.voting_closes.date().isoformat(),
            "language": default,
            "comment": (
                "made by participation-bot: each vote is a selection within the budget "
                "(knapsack), voters numbered in no particular order"
            ),
        }
    )
    instance.meta.update({key: _field_text(value) for key, value in instance.meta.items()})
    instance.categories = {p for project in instance for p in project.categories}
    instance.targets = {t for project in instance for t in project.targets}
    profile = ApprovalProfile()
    for number, selection in enumerate(ballots, start=1):
        ballot = ApprovalBallot(projects[m] for m in sorted(selection) if m in projects)
        ballot.meta = {"voter_id": str(number)}
        profile.append(ballot)
    return instance, profile


def to_pabulib(procedure: Procedure, listed: CostedList, ballots: list[frozenset[int]]) -> str:
    """The .pb file's text (UTF-8, "\\n" line ends)."""
    from pabutools.election.pabulib import election_as_pabulib_string

    instance, profile = election(procedure, listed, ballots)
    return str(election_as_pabulib_string(instance, profile))
