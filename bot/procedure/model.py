"""The procedure model (fields, goals, phases, voting rules), loaded from a TOML file.

Reading and validating the file is bot/procedure/reader.py's job; this module only holds the
validated, immutable model that the rest of the bot reads.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

VOTING_METHODS = ("top_n", "points")
PUBLICATION = ("never", "after_close", "live")  # or a date: public from that day on
MEASURE_RULES = ("equal-shares", "greedy")  # the outcome rules of the measures round
MEASURE_METHODS = ("knapsack",)  # approval within the budget


class Text(dict[str, str]):
    """One text in several languages: language code -> text."""

    def in_language(self, language: str, default: str) -> str:
        """The text in `language`, else in the default language."""
        return self.get(language) or self[default]


@dataclass(frozen=True)
class Goal:
    """A sub-goal (Teilziel) of an action field."""

    id: str
    text: Text
    short: Text | None = None  # a label of at most 30 characters for buttons and lists


@dataclass(frozen=True)
class Field:
    """An action field (Handlungsfeld) with its guiding goal (Leitziel) and sub-goals."""

    id: str
    title: Text
    guiding_goal: Text
    goals: tuple[Goal, ...]

    def goal(self, goal_id: str) -> Goal | None:
        """The sub-goal with this id, or None."""
        return next((g for g in self.goals if g.id == goal_id), None)


@dataclass(frozen=True)
class Phase:
    """One step of the procedure's timeline; dates as written in the file."""

    id: str
    starts: date | datetime
    ends: date | datetime | None
    title: Text
    description: Text
    cancelled: Text | None = None  # the reason, when the file marks the phase cancelled


@dataclass(frozen=True)
class Voting:
    """The prioritisation rules and the window (timezone-aware)."""

    method: str
    top_n: int
    points: int
    rank_fields: bool
    opens: datetime
    closes: datetime
    results_public: bool
    results_url: str | None
    reminder_hours: int = 48


@dataclass(frozen=True)
class Results:
    """When residents see the results, how small groups are protected, and the merge weights.

    `public`: "never", "after_close" (when voting has closed), "live" (while voting runs), or
    "from" with `public_from` set. `min_group`: a figure counting fewer voters than this is
    shown as "fewer than N" wherever results leave the database. `weights`: the default weight
    of the online prioritisation ("online") and of the workshop results ("workshop").
    """

    public: str = "after_close"
    public_from: datetime | None = None
    min_group: int = 5
    weights: tuple[tuple[str, float], ...] = (("online", 1.0), ("workshop", 1.0))


@dataclass(frozen=True)
class Privacy:
    """What /privacy needs from the procedure: who is responsible, whom to ask, where to
    complain, and until when the link between Telegram accounts and the procedure is kept.

    `retention` says why until then ("until the city council has decided on the concept"),
    `retention_until` is the one date: the day after which the bot removes that link itself
    (participants, subscriptions, deliveries, user ids in the audit log; the anonymous tallies
    stay), once voting has closed.
    """

    controller: Text
    contact: str
    retention: Text
    officer: Text  # the data-protection officer: office and how to reach them
    authority: Text  # the supervisory authority residents may complain to: name and address
    retention_until: date


@dataclass(frozen=True)
class SeedMeasure:
    """A measure the procedure file brings (from the workshops): approved, with its cost."""

    id: str
    field: str
    goal: str
    cost: int
    title: Text
    description: Text


@dataclass(frozen=True)
class Measures:
    """The measures round (optional): residents and workshops propose measures for the
    sub-goals, staff cost them, residents choose within the annual budget.

    Amounts are whole units of `currency` (an ISO 4217 code). `rule` decides the funded set:
    "equal-shares" (the Method of Equal Shares with completion) or "greedy" (most votes first,
    skipping what no longer fits). `public`: as [results] public ("never", "after_close",
    "live"). `illustration`: the file's measures are made up (the shipped example)."""

    budget: int
    currency: str
    proposals_open: datetime
    proposals_close: datetime
    voting_opens: datetime
    voting_closes: datetime
    method: str = "knapsack"
    rule: str = "equal-shares"
    max_cost: int | None = None  # a ceiling per measure
    title_max: int = 80
    description_max: int = 600
    proposals_per_resident: int = 3
    public: str = "after_close"
    illustration: bool = False
    items: tuple[SeedMeasure, ...] = ()


@dataclass(frozen=True)
class Procedure:
    """A whole participation procedure, validated."""

    id: str
    example: bool
    default_language: str
    languages: tuple[str, ...]
    timezone: ZoneInfo
    title: Text
    description: Text
    privacy: Privacy
    voting: Voting
    phases: tuple[Phase, ...]
    fields: tuple[Field, ...]
    source: Path
    results: Results = Results()
    # One sentence that invites people to take part: the bot's short description in Telegram
    # and the line under the title on posters; at most 120 characters.
    invitation: Text | None = None
    measures: Measures | None = None  # the measures round, when the file has one

    def field(self, field_id: str) -> Field | None:
        """The action field with this id, or None."""
        return next((f for f in self.fields if f.id == field_id), None)

    def text(self, text: Text, language: str) -> str:
        """A text in the reader's language, falling back to the default language."""
        return text.in_language(language, self.default_language)

    def voter_rules(self) -> dict[str, object]:
        """The rules voters rely on: method, its number, field ranking, fields and their goals."""
        voting = self.voting
        rules: dict[str, object] = {"method": voting.method, "rank_fields": voting.rank_fields}
        if voting.method == "top_n":
            rules["top_n"] = voting.top_n
        else:
            rules["points"] = voting.points
        rules["fields"] = {f.id: [g.id for g in f.goals] for f in self.fields}
        return rules

    @cached_property
    def voter_rules_json(self) -> str:
        """The rules voters rely on, as stored with the first ballot (made once: read per vote)."""
        return json.dumps(self.voter_rules(), sort_keys=True, separators=(",", ":"))
