"""/privacy: what is stored, why, for how long, and whom to ask (Telegram requires it)."""

from dataclasses import dataclass

from telegram import Update

from bot.chat.buttons import Button, ButtonData
from bot.chat.context import ChatContext
from bot.chat.menu import back_to_menu
from bot.chat.screens import Screen, show
from bot.chat.text import escape
from bot.i18n import Translator
from bot.procedure import Procedure


@dataclass(frozen=True)
class PrivacyNotice(ButtonData, kind="privacy"):
    """The privacy notice."""


def privacy_screen(t: Translator, procedure: Procedure) -> Screen:
    """What is stored, why, for how long, and who to contact (Telegram requires this)."""
    privacy = procedure.privacy
    sections = [
        "<b>{}</b>".format(t.gettext("Privacy")),
        "<b>{}</b>\n{}".format(
            t.gettext("What we store"),
            t.gettext(
                "Your Telegram user number, the number of your chat with this bot, the "
                "language you chose, and when you first and last used the bot."
            ),
        ),
        "<b>{}</b>\n{}".format(
            t.gettext("Why"),
            t.gettext(
                "So that the bot can answer you in your language. We do not store the "
                "messages you write, and we do not pass your data on."
            ),
        ),
        "<b>{}</b>\n{}".format(
            t.gettext("Your votes"),
            t.gettext(
                "Only if you agree before voting: that you agreed, and your choices. Your "
                "choices are stored under a code made from your Telegram number and a secret "
                "key, not under your name or number. The results never show who chose what."
            ),
        ),
        "<b>{}</b>\n{}".format(
            t.gettext("News by message"),
            t.gettext(
                "Only if you subscribe: that you did and when, and when you unsubscribed or "
                "blocked the bot. News are sent in the language you use here."
            ),
        ),
        "<b>{}</b>\n{}".format(
            t.gettext("How long"), escape(procedure.text(privacy.retention, t.language))
        ),
        "<b>{}</b>\n{}".format(
            t.gettext("Who is responsible"), escape(procedure.text(privacy.controller, t.language))
        ),
        "<b>{}</b>\n{}".format(
            t.gettext("Questions, or to have your data deleted"), escape(privacy.contact)
        ),
    ]
    return Screen("\n\n".join(sections), [back_to_menu(t)])


def privacy_entry(t: Translator) -> Button:
    """The main menu's entry to the privacy notice."""
    return Button(t.gettext("🔒 Privacy"), PrivacyNotice())


async def show_privacy(update: Update, context: ChatContext) -> None:
    """/privacy and the menu's entry."""
    await show(update, context, privacy_screen(context.t, context.procedure))
