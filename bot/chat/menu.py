"""The main menu: where every conversation starts and returns.

The menu's entries come from the features (app.py lists them in order), so the shell knows
the menu's shape and the features know what their entry says and asks for. Each entry is one
row, so long translations stay readable on small phones.

The shape is stable: the news row is always there, in the same place: "🔔 News: on" (to
/status, where they can be stopped) or, without a subscription, news' offer that subscribes
(a button that sets a state, never a toggle); buttons never move because of a subscription. One
change of shape is expected: an entry for residents with a ballot ("My ballot") appears once
a ballot exists (and goes when it is withdrawn or deleted). Where the state is not known
(`rows(t)`, e.g. the answer to free text) the news row shows a neutral label and the ballot
entry is left out.
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
    """One row of the main menu: its button in the reader's language; `news`: the label for
    the chat's news state (on/off), always shown; `ballot`: shown only once a ballot exists."""

    button: Callable[[Translator], Button]
    news: Callable[[Translator, bool], Button] | None = None
    ballot: bool = False


@dataclass(frozen=True)
class Menu:
    """The main menu's entries, in order."""

    entries: Sequence[MenuEntry]

    def rows(
        self,
        t: Translator,
        *,
        subscribed: bool | None = None,
        has_ballot: bool = False,
    ) -> list[list[Button]]:
        """The menu's rows; `subscribed` labels the news row (None: not known, a neutral
        label); `has_ballot` adds the entries for residents with a ballot."""
        rows = []
        for entry in self.entries:
            if entry.ballot and not has_ballot:
                continue
            if entry.news is not None and subscribed is not None:
                rows.append([entry.news(t, subscribed)])
            else:
                rows.append([entry.button(t)])
        return rows


def back_to_menu(t: Translator) -> list[Button]:
    """A row with one button back to the main menu."""
    return [Button(t.gettext("🏠 Main menu"), ToMenu())]


async def offers_subscription(update: Update, db: Database) -> bool:
    """True when the menu should offer the news: this chat has no active subscription."""
    chat = update.effective_chat
    if chat is None:
        return False
    return not await subscriptions.is_active(db, chat.id)
