"""The greeting and the main menu: where every conversation starts and returns."""

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n import Translator
from bot.keyboards import Button, button
from bot.procedure import Procedure
from bot.services import services, translator
from bot.view import Screen, escape, show
from storage import subscriptions


def menu_rows(t: Translator, *, offer_subscription: bool = False) -> list[list[Button]]:
    """The main menu: one entry per row, so long translations stay readable on small phones.
    `offer_subscription` adds "subscribe to news" (for a chat without a subscription)."""
    rows = [
        [button(t.gettext("🗳 Set your priorities"), "vote")],
        [button(t.gettext("📅 Status and news"), "status")],
        [button(t.gettext("📋 Action fields"), "fields")],
        [button(t.gettext("❓ Help"), "help")],
        [button(t.gettext("🔒 Privacy"), "privacy")],
        [button(t.gettext("🌐 Language"), "languages")],
    ]
    if offer_subscription:
        rows.insert(2, subscription_row(t, subscribed=False))
    return rows


def subscription_row(t: Translator, *, subscribed: bool) -> list[Button]:
    """A row with the button that changes the subscription; it carries the state it sets."""
    if subscribed:
        return [button(t.gettext("🔕 Stop the news"), "subscribe", "off")]
    return [button(t.gettext("🔔 Subscribe to news"), "subscribe", "on")]


async def offers_subscription(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True when the menu should offer the news: this chat has no active subscription (also
    after blocking the bot: coming back does not resubscribe silently)."""
    chat = update.effective_chat
    if chat is None:
        return False
    return not await subscriptions.is_active(services(context).database, chat.id)


def back_to_menu(t: Translator) -> list[Button]:
    """A row with one button back to the main menu."""
    return [button(t.gettext("🏠 Main menu"), "menu")]


def greeting(
    t: Translator, procedure: Procedure, lead: str = "", *, offer_subscription: bool = False
) -> Screen:
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
    return Screen("\n\n".join(lines), menu_rows(t, offer_subscription=offer_subscription))


def main_menu(t: Translator, procedure: Procedure, *, offer_subscription: bool = False) -> Screen:
    """The main menu with the procedure's name, for going back."""
    title = escape(procedure.text(procedure.title, t.language))
    rows = menu_rows(t, offer_subscription=offer_subscription)
    return Screen(f"<b>{title}</b>\n\n" + t.gettext("What would you like to do?"), rows)


async def menu_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Back to the main menu from any screen."""
    t = await translator(update, context)
    offer = await offers_subscription(update, context)
    screen = main_menu(t, services(context).procedure, offer_subscription=offer)
    await show(update, screen, t, edit=True, context=context)
