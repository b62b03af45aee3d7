"""The buttons of the costed priority list (kinds "mr…"; the entry, MeasureResults, is in
bot/measures/buttons.py): a page of the list, the chart, a file, and staff's announcement of
the funded measures with its preview's answer."""

from dataclasses import dataclass
from typing import Self

from bot.chat.buttons import ButtonData, PreviewAnswer, number
from bot.procedure import Procedure

EXPORT_FORMATS = ("csv", "json", "pb")
MAX_PAGES = 50  # a list of several hundred measures still pages


@dataclass(frozen=True)
class MeasureResultsPage(ButtonData, kind="mrpage"):
    """One page of the list (1 = the first)."""

    page: int

    def args(self) -> tuple[str, ...]:
        """The page."""
        return (str(self.page),)

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """A page number that can exist."""
        page = number(args[0], 1, MAX_PAGES)
        return cls(page) if page is not None else None


@dataclass(frozen=True)
class MeasureChart(ButtonData, kind="mrchart"):
    """The chart of funded and unfunded measures as an image."""


@dataclass(frozen=True)
class MeasureExport(ButtonData, kind="mrexport"):
    """The list as a file (staff): csv, json, or pb (the Pabulib election)."""

    format: str

    def args(self) -> tuple[str, ...]:
        """The format."""
        return (self.format,)

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """One of the formats."""
        return cls(args[0]) if args[0] in EXPORT_FORMATS else None


@dataclass(frozen=True)
class Announce(ButtonData, kind="mrannounce"):
    """Staff: preview the news broadcast of the funded measures."""


@dataclass(frozen=True)
class AnnounceAnswer(PreviewAnswer, kind="mrsend"):
    """Staff's Send or Cancel under the preview. It carries the preview it belongs to, so a
    second press or a redelivered update sends nothing."""
