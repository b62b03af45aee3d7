"""The buttons of proposals and their review (kinds starting with "mp"). Each carries the
state it asks for; a measure's number is only checked for its form here (a whole number):
whether it exists, whose it is and what state it is in is checked by the handler, against the
database, so a forged number changes nothing."""

from dataclasses import dataclass
from typing import ClassVar, Self

from bot.chat.buttons import ButtonData, OfferedLanguage, Switch, number
from bot.procedure import Field, Goal, Procedure

MOST_PAGES = 1000
# Why staff reject a proposal (stored as the key; shown translated, bot/measures/review.py).
REASONS = ("off-topic", "not-city", "duplicate", "conduct")


def _measure(text: str) -> int | None:
    return number(text, 1)


@dataclass(frozen=True)
class ProposeConsent(Switch, kind="mpconsent"):
    """The answer to the consent question asked before a first proposal."""

    WORDS: ClassVar[tuple[str, str]] = ("yes", "no")


@dataclass(frozen=True)
class ProposeField(ButtonData, kind="mpfield"):
    """The action field a new proposal is for: its sub-goals next."""

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
class ProposeGoal(ButtonData, kind="mpgoal"):
    """The sub-goal a new proposal serves: writing the title next."""

    field: Field
    goal: Goal

    def args(self) -> tuple[str, ...]:
        """Field and goal ids."""
        return (self.field.id, self.goal.id)

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """A goal of that field."""
        field = procedure.field(args[0])
        goal = field.goal(args[1]) if field is not None else None
        return cls(field, goal) if field is not None and goal is not None else None


@dataclass(frozen=True)
class DraftStep(ButtonData, kind="mpdraft"):
    """On the draft's screens: send it, write it again, or cancel."""

    step: str
    STEPS: ClassVar[tuple[str, ...]] = ("send", "change", "cancel")

    def args(self) -> tuple[str, ...]:
        """The step's word."""
        return (self.step,)

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """Only the known steps."""
        return cls(args[0]) if args[0] in cls.STEPS else None


@dataclass(frozen=True)
class MeasureButton(ButtonData):
    """A button that carries a measure's number."""

    measure_id: int

    def args(self) -> tuple[str, ...]:
        """The measure's number."""
        return (str(self.measure_id),)

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """A whole number from 1 on."""
        found = _measure(args[0])
        return cls(found) if found is not None else None


@dataclass(frozen=True)
class MyProposal(MeasureButton, kind="mpone"):
    """One of the resident's own proposals, with its state."""


@dataclass(frozen=True)
class ChangeProposal(MeasureButton, kind="mpchange"):
    """Write one's own pending proposal again (title, then description)."""


@dataclass(frozen=True)
class WithdrawProposal(ButtonData, kind="mpwithdraw"):
    """Withdraw one's own pending proposal: asks first (sure False), then does it."""

    measure_id: int
    sure: bool

    def args(self) -> tuple[str, ...]:
        """The measure's number, and whether this is the confirmation."""
        return (str(self.measure_id), "yes" if self.sure else "ask")

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """A number and "yes" or "ask"."""
        found = _measure(args[0])
        if found is None or args[1] not in ("yes", "ask"):
            return None
        return cls(found, args[1] == "yes")


# --- staff review ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewList(ButtonData, kind="mplist"):
    """Staff: a page of the proposals waiting for review (approved: the approved measures)."""

    approved: bool
    page: int

    def args(self) -> tuple[str, ...]:
        """Which list, and the page."""
        return ("approved" if self.approved else "pending", str(self.page))

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """ "pending" or "approved", and a page number."""
        page = number(args[1], 1, MOST_PAGES)
        if args[0] not in ("pending", "approved") or page is None:
            return None
        return cls(args[0] == "approved", page)


@dataclass(frozen=True)
class Review(MeasureButton, kind="mpreview"):
    """Staff: one measure with the decisions that fit its state."""


@dataclass(frozen=True)
class ReviewStep(ButtonData, kind="mpstep"):
    """Staff: begin a decision on a measure (approve, reject, merge, cost, translate)."""

    measure_id: int
    step: str
    STEPS: ClassVar[tuple[str, ...]] = ("approve", "reject", "merge", "cost", "translate")

    def args(self) -> tuple[str, ...]:
        """The measure's number and the step."""
        return (str(self.measure_id), self.step)

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """A number and a known step."""
        found = _measure(args[0])
        return cls(found, args[1]) if found is not None and args[1] in cls.STEPS else None


@dataclass(frozen=True)
class RejectReason(ButtonData, kind="mpreason"):
    """Staff: the reason category of a rejection; `now` rejects without a note, else the
    note is asked for."""

    measure_id: int
    reason: str
    now: bool

    def args(self) -> tuple[str, ...]:
        """Number, reason, and "now" or "note"."""
        return (str(self.measure_id), self.reason, "now" if self.now else "note")

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """A number, a known reason, "now" or "note"."""
        found = _measure(args[0])
        if found is None or args[1] not in REASONS or args[2] not in ("now", "note"):
            return None
        return cls(found, args[1], args[2] == "now")


@dataclass(frozen=True)
class MergeInto(ButtonData, kind="mpmerge"):
    """Staff: the pending proposal is a duplicate of this approved measure."""

    measure_id: int
    into: int

    def args(self) -> tuple[str, ...]:
        """Both numbers."""
        return (str(self.measure_id), str(self.into))

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """Two numbers."""
        first, second = _measure(args[0]), _measure(args[1])
        return cls(first, second) if first is not None and second is not None else None


@dataclass(frozen=True)
class TranslateInto(ButtonData, kind="mptrans"):
    """Staff: add the measure's text in this language (typed next)."""

    measure_id: int
    language: str

    def args(self) -> tuple[str, ...]:
        """The number and the language."""
        return (str(self.measure_id), self.language)

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """A number and a language the procedure offers."""
        found = _measure(args[0])
        language = OfferedLanguage.parse((args[1],), procedure)
        return cls(found, args[1]) if found is not None and language is not None else None
