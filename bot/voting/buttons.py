"""The buttons of voting: each carries the state it sets ("choose 3.2", "4 points"), never a
toggle, and is valid only for what the procedure has (its fields, goals, method, numbers)."""

from dataclasses import dataclass
from typing import ClassVar, Self

from bot.chat.buttons import ButtonData, Switch, number
from bot.procedure import Field, Goal, Procedure

ON_OFF = {"1": True, "0": False}


def _goal(procedure: Procedure, field_id: str, goal_id: str) -> tuple[Field, Goal] | None:
    field = procedure.field(field_id)
    goal = field.goal(goal_id) if field is not None else None
    return (field, goal) if field is not None and goal is not None else None


@dataclass(frozen=True)
class Vote(ButtonData, kind="vote"):
    """ "Set your priorities": the window's state, consent, or the fields with progress."""


@dataclass(frozen=True)
class Consent(Switch, kind="consent"):
    """The answer to the consent question: agreed (on) or not now."""

    WORDS: ClassVar[tuple[str, str]] = ("yes", "no")


@dataclass(frozen=True)
class FieldList(ButtonData, kind="fields"):
    """The list of action fields, to read them."""


@dataclass(frozen=True)
class FieldButton(ButtonData):
    """A button that carries one action field of the procedure."""

    field: Field

    def args(self) -> tuple[str, ...]:
        """The field's id."""
        return (self.field.id,)

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """A field of the procedure."""
        field = procedure.field(args[0])
        return cls(field) if field is not None else None


@dataclass(frozen=True)
class FieldPage(FieldButton, kind="field"):
    """One action field to read: its guiding goal and sub-goals."""


@dataclass(frozen=True)
class FieldBallot(FieldButton, kind="ballot"):
    """One action field's choices, to set priorities in it."""


@dataclass(frozen=True)
class NoPreference(FieldButton, kind="nopref"):
    """ "No preference in this field": a recorded answer."""


@dataclass(frozen=True)
class Pick(ButtonData, kind="pick"):
    """top_n: choose a sub-goal (chosen) or remove it."""

    field: Field
    goal: Goal
    chosen: bool

    def args(self) -> tuple[str, ...]:
        """Field, goal, 1 or 0."""
        return (self.field.id, self.goal.id, "1" if self.chosen else "0")

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """A goal of that field, while the procedure votes by top_n."""
        found = _goal(procedure, args[0], args[1])
        if procedure.voting.method != "top_n" or found is None or args[2] not in ON_OFF:
            return None
        return cls(*found, ON_OFF[args[2]])


@dataclass(frozen=True)
class Points(ButtonData, kind="points"):
    """points: set a sub-goal's points to this number."""

    field: Field
    goal: Goal
    points: int

    def args(self) -> tuple[str, ...]:
        """Field, goal, the number of points."""
        return (self.field.id, self.goal.id, str(self.points))

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """A goal of that field and 0 to P points, while the procedure votes by points."""
        found = _goal(procedure, args[0], args[1])
        points = number(args[2], 0, procedure.voting.points)
        if procedure.voting.method != "points" or found is None or points is None:
            return None
        return cls(*found, points)


@dataclass(frozen=True)
class RankingButton(ButtonData):
    """A button of ordering the action fields: only where the procedure ranks them."""

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """Only where the procedure ranks its fields."""
        return cls() if procedure.voting.rank_fields else None


@dataclass(frozen=True)
class Ranking(RankingButton, kind="ranking"):
    """The screen to order the action fields."""


@dataclass(frozen=True)
class Unrank(RankingButton, kind="unrank"):
    """Start the order of the action fields again."""


@dataclass(frozen=True)
class Rank(ButtonData, kind="rank"):
    """Put a field at a position (the position the button was made for)."""

    field: Field
    position: int

    def args(self) -> tuple[str, ...]:
        """Field and position."""
        return (self.field.id, str(self.position))

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """A field of the procedure and a position among its fields, with rank_fields."""
        field = procedure.field(args[0])
        position = number(args[1], 1, len(procedure.fields))
        if not procedure.voting.rank_fields or field is None or position is None:
            return None
        return cls(field, position)


@dataclass(frozen=True)
class MyBallot(ButtonData, kind="myballot"):
    """Everything the resident chose."""


@dataclass(frozen=True)
class UndoNoPreference(FieldButton, kind="undonopref"):
    """Undo "no preference": restore the choices it removed in this field."""


@dataclass(frozen=True)
class Done(ButtonData, kind="done"):
    """ "Done": the end of the ballot, what is saved and until when."""
