"""The entry points of the measures round: the hub and the way into each part. Each part
declares its own further buttons in its own module (kinds starting with "mp" for proposals
and review, "mb" for the budget ballot, "mr" for results), so the parts never share a kind."""

from dataclasses import dataclass

from bot.chat.buttons import ButtonData


@dataclass(frozen=True)
class MeasuresHome(ButtonData, kind="measures"):
    """The measures round's hub: what is open now and the ways in."""


@dataclass(frozen=True)
class ProposeStart(ButtonData, kind="mpnew"):
    """Propose a measure: choose a field, a sub-goal, then write it."""


@dataclass(frozen=True)
class MyProposals(ButtonData, kind="mpmine"):
    """The resident's own proposals: see, change, withdraw."""


@dataclass(frozen=True)
class BudgetStart(ButtonData, kind="mbstart"):
    """Choose measures within the budget: the fields with the budget line."""


@dataclass(frozen=True)
class MeasureResults(ButtonData, kind="mrresults"):
    """The costed priority list (staff; residents once it is public)."""
