"""The greeting and the main menu: where every conversation starts and returns."""

from collections.abc import Sequence

from telegram import Update

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.menu import MenuEntry, offers_subscription
from bot.chat.screens import Screen, show
from bot.chat.text import escape
from bot.i18n import Translator
from bot.news.buttons import Status
from bot.news.status import subscription_row
from bot.procedure import Procedure
from storage import ballots, measures

Rows = Sequence[Sequence[Button]]


def greeting(t: Translator, procedure: Procedure, menu: Rows, lead: str = "") -> Screen:
    """The welcome: what the procedure is, and the main menu."""
    lines = [lead] if lead else []
    lines.append(f"<b>{escape(procedure.text(procedure.title, t.language))}</b>")
    lines.append(escape(procedure.text(procedure.description, t.language)))
    if procedure.example:
        lines.append(
            t.gettext(
                "ℹ️ This is an example. It shows how the bot works and is not a real procedure."
            )
        )
    lines.append(t.gettext("What would you like to do?"))
    return Screen("\n\n".join(lines), menu)


def main_menu(t: Translator, procedure: Procedure, menu: Rows) -> Screen:
    """The main menu with the procedure's name, for going back."""
    title = escape(procedure.text(procedure.title, t.language))
    return Screen(f"<b>{title}</b>\n\n" + t.gettext("What would you like to do?"), menu)


def news_entry(t: Translator) -> Button:
    """The news row where the chat's state is not known: a neutral label."""
    return Button(t.gettext("🔔 News"), Status())


def news_state_entry(t: Translator, subscribed: bool) -> Button:
    """The news row, in the same place either way: "News: on" leads to /status (where the
    button that stops them is); without a subscription it is news' own offer, a button that
    sets the state (subscribe), never a toggle."""
    if subscribed:
        return Button(t.gettext("🔔 News: on"), Status())
    return subscription_row(t, subscribed=False)[0]


NEWS_ENTRY = MenuEntry(news_entry, news=news_state_entry)


async def has_ballot(update: Update, context: ChatContext) -> bool:
    """True when this resident has a ballot: priorities, or measures chosen within the budget
    in a measures round (only residents who agreed can have one)."""
    if not context.reader.consented or update.effective_user is None:
        return False
    from bot.voting.voter import key_of  # voting's package imports the welcome (a cycle)

    key = key_of(update, context)
    if not (await ballots.ballot(context.db, key)).empty:
        return True
    return context.procedure.measures is not None and bool(
        (await measures.budget_ballot(context.db, key)).chosen
    )


async def menu_rows(update: Update, context: ChatContext) -> list[list[Button]]:
    """The main menu for this chat: the news row says on or off, "My ballot" once a ballot
    exists."""
    subscribed = not await offers_subscription(update, context.db)
    return context.services.menu.rows(
        context.t, subscribed=subscribed, has_ballot=await has_ballot(update, context)
    )


async def show_menu(update: Update, context: ChatContext) -> None:
    """Back to the main menu from any screen."""
    menu = await menu_rows(update, context)
    await show(update, context, main_menu(context.t, context.procedure, menu))
