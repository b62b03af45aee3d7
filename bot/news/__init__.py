"""News: where the procedure stands (/status, the timeline and the news archive), news by
message (subscriptions, the reminder before the close, the end of a subscription when a
resident blocks the bot), and staff's /phase and /news.

`handlers` hands the feature's handlers to app.py; the entries are its rows of the main menu.
"""

from telegram.ext import ChatMemberHandler, CommandHandler

from bot.chat.context import ChatHandler
from bot.chat.menu import MenuEntry
from bot.chat.presses import Presses
from bot.news.buttons import NewsDraft, OlderNews, Reminder, Status, Subscription
from bot.news.drafts import draft_pressed
from bot.news.staff_news import news_command
from bot.news.staff_phase import phase_command
from bot.news.status import show_older_news, show_status, status_entry
from bot.news.subscriptions import (
    membership_changed,
    reminder_pressed,
    subscribe_command,
    subscription_pressed,
    unsubscribe_command,
)
from bot.procedure import Procedure

STATUS_ENTRY = MenuEntry(status_entry)


def handlers(procedure: Procedure) -> list[ChatHandler]:
    """The commands, buttons and membership updates of news."""
    on = Presses(procedure)
    return [
        CommandHandler("status", show_status),
        CommandHandler("subscribe", subscribe_command),
        CommandHandler("unsubscribe", unsubscribe_command),
        CommandHandler("phase", phase_command),
        CommandHandler("news", news_command),
        # The bot's own membership in private chats: a resident who blocks it is unsubscribed.
        ChatMemberHandler(membership_changed, ChatMemberHandler.MY_CHAT_MEMBER),
        on(Status, show_status),
        on(OlderNews, show_older_news),
        on(Subscription, subscription_pressed),
        on(Reminder, reminder_pressed),
        on(NewsDraft, draft_pressed),
    ]
