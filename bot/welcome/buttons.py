"""The buttons of the welcome: help, the language picker and a language to choose."""

from dataclasses import dataclass
from typing import Self

from bot.chat.buttons import ButtonData
from bot.procedure import Procedure


@dataclass(frozen=True)
class Help(ButtonData, kind="help"):
    """How to use the bot, and its commands."""


@dataclass(frozen=True)
class Languages(ButtonData, kind="languages"):
    """The language picker."""


@dataclass(frozen=True)
class Language(ButtonData, kind="language"):
    """Choose this language."""

    language: str

    def args(self) -> tuple[str, ...]:
        """The language code."""
        return (self.language,)

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """A language the procedure offers."""
        return cls(args[0]) if args[0] in procedure.languages else None
