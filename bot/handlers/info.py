"""/help and /privacy: what the bot does, and what it stores, why, how long, whom to ask."""

from telegram import Update
from telegram.ext import ContextTypes

from bot.commands import command_list
from bot.handlers.menu import back_to_menu
from bot.i18n import Translator
from bot.procedure import Procedure
from bot.services import services, translator
from bot.view import Screen, escape, show


def help_screen(t: Translator, procedure: Procedure) -> Screen:
    """How to use the bot, and the commands."""
    title = escape(procedure.text(procedure.title, t.language))
    commands = "\n".join(f"/{c.command} – {c.description}" for c in command_list(t))
    paragraphs = [
        "<b>{}</b>".format(t.gettext("Help")),
        t.gettext("This bot lets you take part in: %(title)s.", title=title),
        t.gettext("Tap the buttons under the messages. You can also type these commands:")
        + "\n"
        + commands,
        t.gettext("Questions? Write to %(contact)s.", contact=escape(procedure.privacy.contact)),
    ]
    return Screen("\n\n".join(paragraphs), [back_to_menu(t)])


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


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help."""
    t = await translator(update, context)
    await show(update, help_screen(t, services(context).procedure), t)


async def help_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The menu's help entry."""
    t = await translator(update, context)
    await show(update, help_screen(t, services(context).procedure), t, edit=True, context=context)


async def privacy_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/privacy."""
    t = await translator(update, context)
    await show(update, privacy_screen(t, services(context).procedure), t)


async def privacy_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The menu's privacy entry."""
    t = await translator(update, context)
    await show(
        update, privacy_screen(t, services(context).procedure), t, edit=True, context=context
    )
