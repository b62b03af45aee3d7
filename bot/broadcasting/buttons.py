"""The buttons of broadcasting: the steps of staff's /broadcast conversation, and cancelling
a broadcast from /broadcasts."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Self

from bot.chat.buttons import ButtonData, OfferedLanguage, number
from bot.procedure import Phase, Procedure


class Step(StrEnum):
    """What a button of the /broadcast conversation asks for."""

    CANCEL = "cancel"
    SKIP = "skip"  # no translation for this language
    SKIP_REST = "skipall"  # no translation for the remaining languages
    ALL = "all"  # every subscriber
    AUDIENCE_DONE = "audience-done"
    NEWS = "news"  # the kind: news
    NOW = "now"
    SEND = "send"
    EDIT = "edit"


@dataclass(frozen=True)
class Compose(ButtonData, kind="compose"):
    """A step of the /broadcast conversation."""

    step: Step

    def args(self) -> tuple[str, ...]:
        """The step's name."""
        return (self.step.value,)

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """One of the steps."""
        return cls(Step(args[0])) if args[0] in Step._value2member_map_ else None


@dataclass(frozen=True)
class ComposeLanguage(OfferedLanguage, kind="composelang"):
    """/broadcast: add or take away a language of the audience (shown with a mark)."""


@dataclass(frozen=True)
class ComposePhase(ButtonData, kind="composephase"):
    """/broadcast: a phase change, making this phase the current one."""

    phase: Phase

    def args(self) -> tuple[str, ...]:
        """The phase's id."""
        return (self.phase.id,)

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """A phase of the procedure."""
        phase = next((p for p in procedure.phases if p.id == args[0]), None)
        return cls(phase) if phase is not None else None


@dataclass(frozen=True)
class BroadcastButton(ButtonData):
    """A button that carries one broadcast's number."""

    broadcast_id: int

    def args(self) -> tuple[str, ...]:
        """The broadcast's number."""
        return (str(self.broadcast_id),)

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """A broadcast number (one SQLite can hold)."""
        broadcast_id = number(args[0], 1)
        return cls(broadcast_id) if broadcast_id is not None else None


@dataclass(frozen=True)
class CancelBroadcast(BroadcastButton, kind="bccancel"):
    """/broadcasts: cancel this broadcast (staff only; checked when pressed)."""


@dataclass(frozen=True)
class ResendUncertain(BroadcastButton, kind="bcresend"):
    """The final report: send this broadcast again to its uncertain deliveries (staff only;
    checked when pressed)."""
