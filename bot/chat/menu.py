"""The main menu: where every conversation starts and returns.

The menu's entries come from the features (app.py lists them in order), so the shell knows
the menu's shape and the features know what their entry says and asks for. Each entry is one
row, so long translations stay readable on small phones. One entry may be offered only to
chats without an active subscription (also after blocking the bot: coming back does not
resubscribe anybody silently).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from telegram import Update

from bot.chat.buttons import Button, ButtonData
from bot.i18n import Translator
from storage import subscriptions
from storage.db import Database


@dataclass(frozen=True)
class ToMenu(ButtonData, kind="menu"):
    """Back to the main menu, from any screen."""


@dataclass(frozen=True)
class MenuEntry:
    """One row of the main menu: its button in the reader's language; `offer`: shown only to
    chats that do not get the news yet."""

    button: Callable[[Translator], Button]
    offer: bool = False


@dataclass(frozen=True)
class Menu:
    """The main menu's entries, in order."""

    entries: Sequence[MenuEntry]

    def rows(self, t: Translator, *, offer_subscription: bool = False) -> list[list[Button]]:
        """The menu's rows; `offer_subscription` adds the entries only offered to chats
        without a subscription."""
        return [[e.button(t)] for e in self.entries if offer_subscription or not e.offer]


def back_to_menu(t: Translator) -> list[Button]:
    """A row with one button back to the main menu."""
    return [Button(t.gettext("🏠 Main menu"), ToMenu())]


async def offers_subscription(update: Update, db: Database) -> bool:
    """True when the menu should offer the news: this chat has no active subscription."""
    chat = update.effective_chat
    if chat is None:
        return False
    return not await subscriptions.is_active(db, chat.id)
