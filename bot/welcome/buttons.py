"""The buttons of the welcome: help, the language picker and a language to choose."""

from dataclasses import dataclass

from bot.chat.buttons import ButtonData, OfferedLanguage


@dataclass(frozen=True)
class Help(ButtonData, kind="help"):
    """How to use the bot, and its commands."""


@dataclass(frozen=True)
class Languages(ButtonData, kind="languages"):
    """The language picker."""


@dataclass(frozen=True)
class Language(OfferedLanguage, kind="language"):
    """Choose this language."""
