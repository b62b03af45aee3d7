"""The end of a ballot ("Done"): what is saved and until when, what is still open, and the
ways on: my ballot, the news (for chats without a subscription) and sharing the bot."""

from urllib.parse import quote

from telegram import Update

from bot.chat.buttons import Button, ButtonData, Link
from bot.chat.context import ChatContext
from bot.chat.menu import back_to_menu, offers_subscription
from bot.chat.screens import Screen, show
from bot.i18n import Translator
from bot.news.buttons import Subscription
from bot.procedure import Procedure
from bot.voting.buttons import MyBallot, Vote
from bot.voting.entry import missing_line
from bot.voting.window import Window, window
from storage.ballots import Ballot


def share_url(username: str) -> str:
    """Telegram's share link for the bot (no inline mode needed)."""
    return "https://t.me/share/url?url=" + quote(f"https://t.me/{username}", safe="")


def end_screen(t: Translator, procedure: Procedure, ballot: Ballot, current: Window,
               offer_news: bool, username: str | None) -> Screen:  # fmt: skip
    """The end: saved until the close, what is still open, my ballot, news, share."""
    lines = [
        "<b>{}</b>".format(
            t.gettext(
                "Your priorities are saved — you can change them until %(date)s.",
                date=t.datetime(current.closes),
            )
        )
    ]
    missing = missing_line(t, procedure, ballot)
    if missing:
        lines += ["", missing]
    return Screen("\n".join(lines), ways_on(t, Vote(), offer_news, username))


def ways_on(
    t: Translator, fields: ButtonData, offer_news: bool, username: str | None
) -> list[list[Button]]:
    """The buttons under an end screen (the priorities' and the measures'): my ballot, back
    to the fields (`fields`), the news for chats without them, sharing the bot, the menu."""
    rows = [
        [Button(t.gettext("🧾 My ballot"), MyBallot())],
        [Button(t.gettext("📋 All action fields"), fields)],
    ]
    if offer_news:
        rows.append([Button(t.gettext("🔔 Get the news"), Subscription(True))])
    if username:
        # Telegram's own share sheet: the resident picks a chat, nothing reaches the bot.
        label = "📣 " + t.gettext("Share this bot with your neighbours")
        rows.append([Button(label, Link(share_url(username)))])
    rows.append(back_to_menu(t))
    return rows


async def show_end(update: Update, context: ChatContext, ballot: Ballot) -> None:
    """Show the end of the ballot."""
    current = await window(context.db, context.procedure)
    offer = await offers_subscription(update, context.db)
    username = context.bot.username
    screen = end_screen(context.t, context.procedure, ballot, current, offer, username)
    await show(update, context, screen)
