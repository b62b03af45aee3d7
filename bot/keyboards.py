"""Inline keyboards and the callback data codec (short, versioned, validated).

Callback data is input from the outside world (DESIGN rule 2): a button carries
"v1:<kind>:<arg>..." and every press is decoded here before anything acts on it. Data that
would not fit Telegram's 64-byte limit cannot be built: `encode` refuses it.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

VERSION = "v1"
MAX_CALLBACK_BYTES = 64
_ARG = re.compile(r"^[a-z0-9.-]{1,24}$")

# kind -> number of arguments it carries
KINDS: dict[str, int] = {
    "menu": 0,  # main menu
    "fields": 0,  # list of action fields
    "field": 1,  # one action field: field id
    "languages": 0,  # language picker
    "language": 1,  # choose a language: language code
    "help": 0,
    "privacy": 0,
    "vote": 0,  # "Set your priorities": consent, then the field list with progress
    "consent": 1,  # "yes" or "no"
    "ballot": 1,  # the ballot screen of one field: field id
    "pick": 3,  # top_n: field id, goal id, "1" choose / "0" remove
    "points": 3,  # points: field id, goal id, the number of points to set
    "nopref": 1,  # "no preference in this field": field id
    "ranking": 0,  # the screen to order the action fields
    "rank": 2,  # put field id at position (the position the button was made for)
    "unrank": 0,  # start the order again
    "myballot": 0,
    "compose": 1,  # a step of the staff's /broadcast conversation
    "composelang": 1,  # /broadcast: a language of the audience (toggle shown as a mark)
    "composephase": 1,  # /broadcast: the phase a phase-change message sets
    "bccancel": 1,  # /broadcasts: cancel this broadcast (staff only)
    "status": 0,  # "Status and news": the timeline and the latest news
    "news": 1,  # a page of older news: page number (1 follows the news on the status screen)
    "subscribe": 1,  # "on" subscribe to the news, "off" stop them
    "reminder": 1,  # "on": remind me once before voting closes; "off": do not
}


class CallbackDataError(ValueError):
    """Callback data that is not ours, out of date, or malformed."""


@dataclass(frozen=True)
class Callback:
    """A decoded button press: what kind of action and its arguments."""

    kind: str
    args: tuple[str, ...] = ()


def encode(kind: str, *args: str) -> str:
    """The callback data for an action; refuses anything Telegram or `decode` would reject."""
    if KINDS.get(kind) != len(args):
        raise CallbackDataError(f"unknown kind or wrong number of arguments: {kind}{args}")
    for arg in args:
        if not _ARG.match(arg):
            raise CallbackDataError(f"argument not allowed in callback data: {arg!r}")
    data = ":".join((VERSION, kind, *args))
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise CallbackDataError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> Callback:
    """The action a button press asks for; CallbackDataError for anything else."""
    if not data or len(data.encode("utf-8", "replace")) > MAX_CALLBACK_BYTES:
        raise CallbackDataError("empty or oversized callback data")
    version, _, rest = data.partition(":")
    if version != VERSION:
        raise CallbackDataError("callback data of another version")
    kind, *args = rest.split(":")
    if KINDS.get(kind) != len(args) or not all(_ARG.match(arg) for arg in args):
        raise CallbackDataError("malformed callback data")
    return Callback(kind, tuple(args))


@dataclass(frozen=True)
class Button:
    """A button before translation marks: its label and the action it triggers."""

    label: str
    kind: str
    args: tuple[str, ...] = ()


def button(label: str, kind: str, *args: str) -> Button:
    """A button that triggers `kind` with `args` (validated when the keyboard is built)."""
    return Button(label, kind, args)


def markup(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup:
    """An inline keyboard; every callback data is encoded and checked here."""
    return _markup(tuple(tuple(row) for row in rows))


@lru_cache(maxsize=4096)
def _markup(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup:
    # Many residents see the same keyboards (same language, field and choices); the markup
    # objects are immutable, so they are built once.
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=encode(b.kind, *b.args)) for b in row]
            for row in rows
        ]
    )
