"""The buttons of results: the overview, one field's page, its chart, an export. Each is valid
only for what the procedure has (its fields, the pages a field can have, the formats)."""

from dataclasses import dataclass
from typing import Self

from bot.chat.buttons import ButtonData, PreviewAnswer, number
from bot.procedure import Field, Procedure
from bot.voting.buttons import FieldButton

EXPORT_FORMATS = ("csv", "json")
MAX_PAGES = 20  # far more than a field's sub-goals ever fill


@dataclass(frozen=True)
class Results(ButtonData, kind="results"):
    """The results: staff see the figures, residents the public ranking."""


@dataclass(frozen=True)
class ResultsPage(ButtonData, kind="resfield"):
    """One action field's results, one page of them (1 = the first)."""

    field: Field
    page: int

    def args(self) -> tuple[str, ...]:
        """Field and page."""
        return (self.field.id, str(self.page))

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """A field of the procedure and a page number that can exist."""
        field = procedure.field(args[0])
        page = number(args[1], 1, MAX_PAGES)
        return cls(field, page) if field is not None and page is not None else None


@dataclass(frozen=True)
class OverviewChart(ButtonData, kind="reschart"):
    """The overview chart as an image (staff)."""


@dataclass(frozen=True)
class FieldChart(FieldButton, kind="resfchart"):
    """One action field's chart as an image."""


@dataclass(frozen=True)
class Export(ButtonData, kind="resexport"):
    """The results as a file (staff): csv or json."""

    format: str

    def args(self) -> tuple[str, ...]:
        """The format."""
        return (self.format,)

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """One of the export formats."""
        return cls(args[0]) if args[0] in EXPORT_FORMATS else None


@dataclass(frozen=True)
class Publish(PreviewAnswer, kind="respublish"):
    """Staff's answer to the preview of the results broadcast: send it, or not. It carries
    the preview it belongs to, so a second press or a redelivered update sends nothing."""
