"""The buttons of news: the status screen, pages of older news, and the subscription and
reminder switches (each carries the state it sets, never a toggle)."""

from dataclasses import dataclass
from typing import Self

from bot.chat.buttons import ButtonData, PreviewAnswer, Switch, number
from bot.procedure import Procedure

MOST_PAGES = 10**6


@dataclass(frozen=True)
class Status(ButtonData, kind="status"):
    """ "Status and news": the timeline and the latest news."""


@dataclass(frozen=True)
class OlderNews(ButtonData, kind="news"):
    """A page of older news (page 1 follows the news on the status screen). Whether the page
    exists is the archive's to say: a missing one is out of date."""

    page: int

    def args(self) -> tuple[str, ...]:
        """The page number."""
        return (str(self.page),)

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """A page number from 1."""
        page = number(args[0], 1, MOST_PAGES)
        return cls(page) if page is not None else None


@dataclass(frozen=True)
class Subscription(Switch, kind="subscribe"):
    """Subscribe to the news (on) or stop them (off)."""


@dataclass(frozen=True)
class Reminder(Switch, kind="reminder"):
    """Remind me once before voting closes (on), or do not (off)."""


@dataclass(frozen=True)
class NewsDraft(PreviewAnswer, kind="newsdraft"):
    """Staff's answer to the preview of a news item: publish it, or not. It carries the draft
    it belongs to (the number of the staff message that wrote it), so a second press or a
    redelivered update publishes nothing new."""
