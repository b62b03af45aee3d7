"""The buttons of privacy: the notice and its details, the resident's data (and as a file),
deleting it, withdrawing consent. Each answer button carries the answer it gives (yes or no),
never a toggle."""

from dataclasses import dataclass
from typing import ClassVar

from bot.chat.buttons import ButtonData, Switch


@dataclass(frozen=True)
class PrivacyNotice(ButtonData, kind="privacy"):
    """The privacy notice, in short."""


@dataclass(frozen=True)
class PrivacyDetails(ButtonData, kind="privdetail"):
    """The whole privacy notice."""


@dataclass(frozen=True)
class MyData(ButtonData, kind="mydata"):
    """Everything stored about the resident."""


@dataclass(frozen=True)
class MyDataFile(ButtonData, kind="mydatafile"):
    """Everything stored about the resident, as a JSON file."""


@dataclass(frozen=True)
class AskDelete(ButtonData, kind="delask"):
    """The question before deleting: what will be erased."""


@dataclass(frozen=True)
class Delete(Switch, kind="delete"):
    """The answer to the question: delete everything (on), or keep it."""

    WORDS: ClassVar[tuple[str, str]] = ("yes", "no")


@dataclass(frozen=True)
class AskWithdraw(ButtonData, kind="wdask"):
    """The question before withdrawing consent: what it means."""


@dataclass(frozen=True)
class Withdraw(Switch, kind="withdraw"):
    """The answer: withdraw consent (on), or keep taking part."""

    WORDS: ClassVar[tuple[str, str]] = ("yes", "no")
