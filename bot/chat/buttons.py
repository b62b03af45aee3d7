"""Typed buttons: one small class per kind of button, and the codec they share.

Callback data is input from the outside world (DESIGN rule 2). A button carries
"v1:<kind>:<arg>…": the version, its kind and a few ids (the id grammar of bot/procedure/ids.py,
at most 64 bytes in all, Telegram's limit). Each kind packs itself (refusing anything that
would not fit or not read back), and unpacks and validates itself against the procedure: a
field or goal that does not exist, a number out of range or a kind the procedure does not use
unpacks to None, and the press gets the out-of-date answer (bot/chat/fallback.py).

A feature declares its kinds next to its handlers:

    @dataclass(frozen=True)
    class Pick(ButtonData, kind="pick"):
        field: Field
        goal: Goal
        chosen: bool

        def args(self) -> tuple[str, ...]: ...          # what goes into the callback data
        @classmethod
        def parse(cls, args, procedure) -> Self | None: ...   # and back, or None
"""

from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any, ClassVar, Self, cast

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.procedure import Procedure
from bot.procedure.ids import is_id

VERSION = "v1"
MAX_CALLBACK_BYTES = 64
MAX_NUMBER = 2**63 - 1  # SQLite's largest INTEGER: a larger number overflows in a query


class CallbackDataError(ValueError):
    """A button whose callback data Telegram or the bot itself would reject."""


_ARITIES: dict[str, int] = {}


class ButtonData:
    """What a button asks for, as its class and fields; packed into the callback data."""

    KIND: ClassVar[str] = ""
    _kinds: ClassVar[dict[str, type["ButtonData"]]] = {}

    def __init_subclass__(cls, kind: str | None = None, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if kind is None:
            return  # a base that kinds share (below), not a kind of its own
        if not is_id(kind):
            raise TypeError(f"{cls.__name__}: the kind {kind!r} is not an id")
        if kind in ButtonData._kinds:
            raise TypeError(f"{cls.__name__}: the kind {kind!r} belongs to another button")
        cls.KIND = kind
        ButtonData._kinds[kind] = cls

    def args(self) -> tuple[str, ...]:
        """The arguments as they go into the callback data (none by default)."""
        return ()

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """The button these arguments stand for, or None when they do not fit the procedure.
        Only called with as many arguments as the class has fields, each of them an id."""
        return cls()

    def pack(self) -> str:
        """The callback data; CallbackDataError for anything Telegram or `unpack` would refuse."""
        args = self.args()
        if len(args) != self.arity() or not all(is_id(arg) for arg in args):
            raise CallbackDataError(f"arguments not allowed in callback data: {self!r}")
        data = ":".join((VERSION, self.KIND, *args))
        if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
            raise CallbackDataError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def unpack(cls, data: object, procedure: Procedure) -> Self | None:
        """This kind of button from callback data, validated; None for anything else."""
        parts = _split(data)
        if parts is None or parts[0] != cls.KIND or len(parts) - 1 != cls.arity():
            return None
        return cls.parse(parts[1:], procedure)

    @classmethod
    def arity(cls) -> int:
        """How many arguments this kind of button carries: one per field."""
        found = _ARITIES.get(cls.KIND)
        if found is None:
            # Dataclass fields are known only once the class is decorated: counted at first use.
            found = _ARITIES[cls.KIND] = len(fields(cast(Any, cls)))
        return found


@dataclass(frozen=True)
class Switch(ButtonData):
    """A button that sets something on or off: it carries the state it sets, never a toggle,
    so a second tap or a redelivered update changes nothing."""

    on: bool
    WORDS: ClassVar[tuple[str, str]] = ("on", "off")  # in the callback data: on, off

    def args(self) -> tuple[str, ...]:
        """The word for on or off."""
        return (self.WORDS[0] if self.on else self.WORDS[1],)

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """Only the two words."""
        return cls(args[0] == cls.WORDS[0]) if args[0] in cls.WORDS else None


@dataclass(frozen=True)
class PreviewAnswer(ButtonData):
    """Staff's "Send" (send True) or "Cancel" under a preview. It carries the number of the
    preview it belongs to, so a second press or a redelivered update sends nothing new."""

    preview: int
    send: bool

    def args(self) -> tuple[str, ...]:
        """The preview's number and yes or no."""
        return (str(self.preview), "yes" if self.send else "no")

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """A preview number and yes or no."""
        preview = number(args[0])
        if preview is None or args[1] not in ("yes", "no"):
            return None
        return cls(preview, args[1] == "yes")


@dataclass(frozen=True)
class OfferedLanguage(ButtonData):
    """A button that carries one of the languages the procedure offers."""

    language: str

    def args(self) -> tuple[str, ...]:
        """The language code."""
        return (self.language,)

    @classmethod
    def parse(cls, args: tuple[str, ...], procedure: Procedure) -> Self | None:
        """A language the procedure offers."""
        return cls(args[0]) if args[0] in procedure.languages else None


def number(text: str, low: int = 0, high: int = MAX_NUMBER) -> int | None:
    """A number a button carries, from low to high; None for anything else. Every number
    a button reads goes through here: a forged one of 24 digits must not reach a query."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(high)):
        return None
    value = int(text)
    return value if low <= value <= high else None


def decode(data: object, procedure: Procedure) -> ButtonData | None:
    """Any known kind of button from callback data, validated; None for anything else."""
    parts = _split(data)
    kind = ButtonData._kinds.get(parts[0]) if parts else None
    return kind.unpack(data, procedure) if kind is not None else None


def _split(data: object) -> tuple[str, ...] | None:
    # The kind and the arguments of well-formed callback data of this version, else None.
    if not isinstance(data, str) or len(data.encode("utf-8", "replace")) > MAX_CALLBACK_BYTES:
        return None
    version, *parts = data.split(":")
    if version != VERSION or not parts or not all(is_id(part) for part in parts):
        return None
    return tuple(parts)


@dataclass(frozen=True)
class Link:
    """What a link button opens: a web or t.me address (Telegram opens it; the bot is not
    asked, so there is nothing to decode)."""

    url: str


@dataclass(frozen=True)
class Button:
    """A button as a screen holds it: its label and what it asks for (or the link it opens)."""

    label: str
    data: ButtonData | Link


def markup(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup:
    """An inline keyboard; every button's callback data is packed and checked here."""
    return _markup(tuple(tuple(_packed(b) for b in row) for row in rows))


def _packed(button: Button) -> tuple[str, bool, str]:
    # (label, is a link, callback data or address)
    if isinstance(button.data, Link):
        return button.label, True, button.data.url
    return button.label, False, button.data.pack()


@lru_cache(maxsize=4096)
def _markup(rows: tuple[tuple[tuple[str, bool, str], ...], ...]) -> InlineKeyboardMarkup:
    # Many residents see the same keyboards (same language, field and choices); the markup
    # objects are immutable, so they are built once.
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(label, url=value)
                if link
                else InlineKeyboardButton(label, callback_data=value)
                for label, link, value in row
            ]
            for row in rows
        ]
    )
