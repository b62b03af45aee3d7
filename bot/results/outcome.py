"""The outcome of a procedure: per action field its sub-goals ranked, from the tally alone or
merged with the workshop results. Pure: numbers in, numbers out, no bot and no database.

The rules (stated in the README as well):
- A sub-goal's online figure is the number of voters who chose it (method top_n) or the
  points they gave it (method points). Its online share is that figure as a part of all the
  figures in its field, so the shares of a field add up to 100 %.
- Its workshop points are the dot votes of every imported source; its workshop share is
  their sum as a part of all workshop points in the field.
- Merged score = (w_online * online share + w_workshop * workshop share) / (w_online +
  w_workshop), where a side with no figures in the field (nobody voted there, or no workshop
  scored it) is left out together with its weight, so a field is never pulled down by an
  empty side. Default weights 1 and 1 (equal).
- Ranking: by merged score (or the online figure when not merged), then the online share,
  then the workshop share, then the order of the procedure file: every rank is unique.
- Field ranking (rank_fields): by the average position voters gave the field (1 = most
  important), fields nobody ranked last, ties in the order of the file.
- Small groups: a count of 1 to min_group - 1 voters is hidden, and so is what is computed
  from it. Where the hidden counts could be worked out from the shown ones and a total (the
  participants per language add up to all participants; the shares of a field add up to 100 %),
  the next smallest counts are hidden too, until at least two are hidden and they add up to
  min_group or more ("secondary suppression", as statistics offices do it).
"""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from fractions import Fraction
from typing import TypeVar

from bot.procedure import Field, Procedure
from storage.tally import Tally

WorkshopPoints = Mapping[str, Mapping[tuple[str, str], int]]  # source -> (field, goal) -> points
K = TypeVar("K", bound=Hashable)


def suppressed(counts: Mapping[K, int], min_group: int) -> frozenset[K]:
    """The keys whose counts must not be shown: those of 1 to min_group - 1, and then the next
    smallest others until the hidden ones are at least two and add up to min_group or more
    (else the shown counts and the total would give a hidden one away). Zero is shown."""
    hidden = {key for key, count in counts.items() if 0 < count < min_group}
    if not hidden:
        return frozenset()
    others = sorted((count, i, key) for i, (key, count) in enumerate(counts.items())
                    if key not in hidden and count > 0)  # fmt: skip
    while others and (len(hidden) < 2 or sum(counts[k] for k in hidden) < min_group):
        hidden.add(others.pop(0)[2])
    return frozenset(hidden)


@dataclass(frozen=True)
class GoalOutcome:
    """One sub-goal's figures and its rank within its field."""

    field_id: str
    goal_id: str
    voters: int  # voters who chose it
    points: int  # points given (= voters for top_n)
    online_share: float | None  # 0..1; None when nobody voted in the field
    workshop_points: tuple[tuple[str, int], ...]  # per source, in the order of the sources
    workshop_share: float | None  # 0..1; None when no workshop scored the field
    merged: float | None  # 0..1; only in a merged outcome with figures on either side
    rank: int
    hidden: bool = False  # its online figures count too few voters to be shown

    def workshop_total(self) -> int:
        """All workshop points the sub-goal got."""
        return sum(points for _, points in self.workshop_points)


@dataclass(frozen=True)
class FieldOutcome:
    """One action field: who answered it and its sub-goals in rank order."""

    field: Field
    answered: int  # voters who chose something here or said "no preference"
    abstained: int  # voters who said "no preference"
    goals: tuple[GoalOutcome, ...]
    average_position: float | None  # rank_fields: mean position given (1 = first), or None
    ranked_by: int  # voters who placed the field in their order
    field_rank: int | None  # rank_fields: 1 = most important, else None


@dataclass(frozen=True)
class Outcome:
    """Everything the results show, before small figures are hidden on the way out."""

    method: str  # "top_n" or "points"
    participants: int
    languages: tuple[tuple[str, int], ...]  # voters per language, most first
    fields: tuple[FieldOutcome, ...]  # in the order of the file
    merged: bool
    weights: tuple[tuple[str, float], ...]  # ("online", w), ("workshop", w)
    sources: tuple[str, ...]  # workshop sources, sorted
    min_group: int
    made_at: datetime
    hidden_languages: frozenset[str] = frozenset()

    def language_hidden(self, language: str) -> bool:
        """True when the participation of this language must not be shown."""
        return language in self.hidden_languages

    def online_figure(self, goal: GoalOutcome) -> int:
        """The figure the online ranking counts: voters (top_n) or points (points)."""
        return goal.voters if self.method == "top_n" else goal.points

    def small(self, count: int) -> bool:
        """True when a count of voters is too small to show (1 to min_group - 1)."""
        return 0 < count < self.min_group

    def ranked_fields(self) -> tuple[FieldOutcome, ...]:
        """The fields by their field rank (rank_fields), else in the order of the file."""
        if all(f.field_rank is None for f in self.fields):
            return self.fields
        return tuple(sorted(self.fields, key=lambda f: f.field_rank or len(self.fields) + 1))


def parse_weights(text: str) -> dict[str, float]:
    """ "online=0.5,workshop=0.5" as a mapping; ValueError naming what is wrong."""
    weights: dict[str, float] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or name not in ("online", "workshop"):
            raise ValueError(f"{part.strip()!r}: expected online=NUMBER or workshop=NUMBER")
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            raise ValueError(f"{part.strip()!r}: {value.strip()!r} is not a number") from None
        if not number >= 0 or number == float("inf"):
            raise ValueError(f"{part.strip()!r}: a weight is a number of 0 or more")
        weights[name] = number
    return weights


# Shares and scores are computed as exact fractions, so that equal scores compare equal and
# ties are broken by the stated rule, not by rounding; they are shown as floats.


def _share(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole > 0 else None


def _exact(weight: float) -> Fraction:
    # The weight as written ("0.1" is 1/10), not its nearest binary float.
    return Fraction(repr(weight))


def _merged(shares: list[tuple[Fraction | None, float]]) -> Fraction | None:
    # Sides without figures in the field drop out together with their weight.
    present = [(s, _exact(w)) for s, w in shares if s is not None and w > 0]
    total = sum((weight for _, weight in present), Fraction(0))
    if total <= 0:
        return None
    return sum((share * weight for share, weight in present), Fraction(0)) / total


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _field(
    procedure: Procedure,
    field: Field,
    tally: Tally,
    workshops: WorkshopPoints,
    sources: tuple[str, ...],
    weights: dict[str, float] | None,
) -> list[GoalOutcome]:
    method = procedure.voting.method

    def figure(goal_id: str) -> int:
        key = (field.id, goal_id)
        return tally.goal_voters.get(key, 0) if method == "top_n" else tally.goal_points.get(key, 0)

    online_total = sum(figure(g.id) for g in field.goals)
    workshop_total = sum(
        workshops[s].get((field.id, g.id), 0) for s in sources for g in field.goals
    )
    unranked = []
    for order, goal in enumerate(field.goals):
        key = (field.id, goal.id)
        per_source = tuple((s, workshops[s].get(key, 0)) for s in sources)
        online = _share(figure(goal.id), online_total)
        workshop = _share(sum(p for _, p in per_source), workshop_total)
        merged = None
        if weights is not None:
            merged = _merged([(online, weights["online"]), (workshop, weights["workshop"])])
        goal_outcome = GoalOutcome(
            field_id=field.id,
            goal_id=goal.id,
            voters=tally.goal_voters.get(key, 0),
            points=tally.goal_points.get(key, 0),
            online_share=_float(online),
            workshop_points=per_source,
            workshop_share=_float(workshop),
            merged=_float(merged),
            rank=0,
        )
        sort_key = (
            -(merged or 0) if weights is not None else -figure(goal.id),
            -(online or 0),
            -(workshop or 0),
            order,
        )
        unranked.append((sort_key, goal_outcome))
    unranked.sort(key=lambda pair: pair[0])
    hidden = suppressed({g.goal_id: g.voters for _, g in unranked}, procedure.results.min_group)
    return [
        replace(goal, rank=rank, hidden=goal.goal_id in hidden)
        for rank, (_, goal) in enumerate(unranked, start=1)
    ]


def outcome(
    procedure: Procedure,
    tally: Tally,
    workshops: WorkshopPoints,
    *,
    merged: bool,
    made_at: datetime,
    weights: Mapping[str, float] | None = None,
) -> Outcome:
    """The outcome of the tally (and, when `merged`, the workshop results): every field with
    its sub-goals ranked by the rules in this module's docstring. `weights` overrides the
    procedure's default weights for this outcome only."""
    used = dict(procedure.results.weights)
    used.update(weights or {})
    sources = tuple(sorted(workshops))
    fields = []
    for field in procedure.fields:
        count = tally.field_rank_count.get(field.id, 0)
        fields.append(
            FieldOutcome(
                field=field,
                answered=tally.field_voters.get(field.id, 0),
                abstained=tally.field_abstentions.get(field.id, 0),
                goals=tuple(
                    _field(procedure, field, tally, workshops, sources, used if merged else None)
                ),
                average_position=(tally.field_rank_sum.get(field.id, 0) / count if count else None),
                ranked_by=count,
                field_rank=None,
            )
        )
    if procedure.voting.rank_fields:
        order = sorted(
            range(len(fields)),
            key=lambda i: (
                fields[i].average_position is None,
                fields[i].average_position or 0.0,
                i,
            ),
        )
        for rank, index in enumerate(order, start=1):
            fields[index] = replace(fields[index], field_rank=rank)
    languages = tuple(sorted(tally.language_voters.items(), key=lambda pair: (-pair[1], pair[0])))
    return Outcome(
        method=procedure.voting.method,
        participants=tally.voters,
        languages=languages,
        fields=tuple(fields),
        merged=merged,
        weights=(("online", used["online"]), ("workshop", used["workshop"])),
        sources=sources,
        min_group=procedure.results.min_group,
        made_at=made_at,
        hidden_languages=suppressed(dict(languages), procedure.results.min_group),
    )
