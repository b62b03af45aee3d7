"""The buttons of choosing measures within the budget (kinds "mb…"; the way in, BudgetStart,
is in bot/measures/buttons.py). Each carries the state it sets ("select measure 12", "unselect
measure 12"), never a toggle, so a double tap or a redelivered update changes nothing.

A measure's id is a number here; whether it exists, is approved and has a cost is for the
database to say when the press is handled (storage/measures.py `choose`), since staff approve
measures while the bot runs."""

from dataclasses import dataclass
from typing import ClassVar, Self

from bot.chat.buttons import ButtonData, Switch, number
from bot.procedure import Field, Procedure

ON_OFF = {"1": True, "0": False}
MAX_PAGE = 99  # far more pages than a field will ever have; a forged larger one is refused


def _has_round(procedure: Procedure) -> bool:
    return procedure.measures is not None


@dataclass(frozen=True)
class BudgetField(ButtonData, kind="mbfield"):
    """One action field's approved measures (a page of them), to choose among."""

    field: Field
    page: int = 0

    def args(self) -> tuple[str, ...]:
        """The field's id and the page."""
        return (self.field.id, str(self.page))

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """A field of the procedure and a page number, while it has a measures round."""
        field = procedure.field(args[0])
        page = number(args[1], 0, MAX_PAGE)
        if not _has_round(procedure) or field is None or page is None:
            return None
        return cls(field, page)


@dataclass(frozen=True)
class BudgetPick(ButtonData, kind="mbpick"):
    """Select a measure (chosen) or unselect it."""

    measure_id: int
    chosen: bool

    def args(self) -> tuple[str, ...]:
        """The measure's id, 1 or 0."""
        return (str(self.measure_id), "1" if self.chosen else "0")

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """A measure id (a positive number) and 1 or 0, while the procedure has the round."""
        measure_id = number(args[0], 1)
        if not _has_round(procedure) or measure_id is None or args[1] not in ON_OFF:
            return None
        return cls(measure_id, ON_OFF[args[1]])


@dataclass(frozen=True)
class BudgetConsent(Switch, kind="mbconsent"):
    """The answer to the consent question asked on the way to choosing measures: the same
    consent as the prioritisation's; agreeing leads back to the measures."""

    WORDS: ClassVar[tuple[str, str]] = ("yes", "no")

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """Yes or no, while the procedure has the round."""
        return super().parse(args, procedure) if _has_round(procedure) else None


@dataclass(frozen=True)
class BudgetDone(ButtonData, kind="mbdone"):
    """ "Done": the selection is saved, and until when it can be changed."""

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """Only while the procedure has the round."""
        return cls() if _has_round(procedure) else None
