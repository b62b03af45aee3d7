"""News by message: /subscribe, /unsubscribe, the buttons that set the subscription, the
reminder before the close, and the end of a subscription when the resident blocks the bot
(Telegram's my_chat_member update).

Buttons carry the state they set ("subscribe", "stop"), never a toggle: a second tap or a
redelivered update answers "you are already subscribed" and changes nothing.
"""

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType

from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.menu import back_to_menu
from bot.chat.screens import Screen, show
from bot.chat.updates import note_saved
from bot.i18n import Translator, native_name
from bot.news.buttons import Reminder, Status, Subscription
from bot.news.status import subscription_row
from bot.procedure import Procedure
from storage import outbox, participants, subscriptions
from storage.db import Database


def _rows(t: Translator, offer: list[Button] | None = None) -> list[list[Button]]:
    rows = [offer] if offer else []
    return [*rows, [Button(t.gettext("📅 Status and news"), Status())], back_to_menu(t)]


async def reminder_possible(db: Database, procedure: Procedure) -> bool:
    """True while the reminder can still be sent: voting has not closed and the reminder has
    not gone out yet (the worker sends it once, `reminder_hours` before the close)."""
    # Imported here: bot.voting imports bot.privacy, which is loaded after the news.
    from bot.voting.window import WindowState, window

    if (await window(db, procedure)).state() is WindowState.CLOSED:
        return False
    return not await outbox.exists(db, "reminder")


def reminder_row(t: Translator, hours: int, wanted: bool) -> list[Button]:
    """The opt-in next to the subscription: one reminder before voting closes (sets a state)."""
    if wanted:
        return [Button(t.gettext("🔕 No reminder before the close"), Reminder(False))]
    label = t.ngettext(
        "⏰ Remind me %(count)d hour before voting closes",
        "⏰ Remind me %(count)d hours before voting closes",
        hours,
    )
    return [Button(label, Reminder(True))]


def subscribed_screen(
    t: Translator, changed: bool, reminder_offer: list[Button] | None = None
) -> Screen:
    """After "subscribe": what will be sent, in which language, and how to stop."""
    if not changed:
        text = t.gettext("You are already subscribed to the news. To stop, type /unsubscribe.")
        return Screen(text, _rows(t, subscription_row(t, subscribed=True)))
    text = "\n\n".join(
        [
            t.gettext("🔔 You are subscribed to the news of this procedure."),
            # The language's name stands on a line of its own: no translation has to inflect
            # it ("in Russian" needs a case a placeholder cannot give).
            t.gettext(
                "I will write to you when there is news: a new step, changed dates, results. "
                "You get the news in the language you use here; to change it, type /language."
            )
            + f"\n🌐 {native_name(t.language)}",
            t.gettext("To stop, type /unsubscribe or press “Stop the news” under /status."),
        ]
    )
    return Screen(text, _rows(t, reminder_offer))


def unsubscribed_screen(t: Translator, changed: bool) -> Screen:
    """After "stop the news": confirmed, nothing more asked."""
    if not changed:
        text = t.gettext(
            "You were not subscribed to the news, so nothing changed. To get the news, type "
            "/subscribe."
        )
        return Screen(text, _rows(t, subscription_row(t, subscribed=False)))
    text = t.gettext(
        "🔕 You are unsubscribed. I will not send you news any more. "
        "You can still read the news under /status."
    )
    return Screen(text, _rows(t))


async def _set_subscription(update: Update, context: ChatContext, subscribe: bool) -> None:
    """Subscribe or unsubscribe the resident's private chat and confirm it."""
    user, chat, db = update.effective_user, update.effective_chat, context.db
    if user is None or chat is None or chat.type != ChatType.PRIVATE:
        return  # news go to private chats only
    t = context.t
    if subscribe:
        # The news go out in the participant's language: keep the one this resident reads now
        # (unless they chose one), so that they get what the confirmation promises.
        await participants.keep_language(db, user.id, chat.id, t.language)
        await context.reread(update)
        changed = await subscriptions.subscribe(db, user.id, chat.id)
        hours = context.procedure.voting.reminder_hours
        offer = None
        if await reminder_possible(db, context.procedure):
            offer = reminder_row(t, hours, wanted=False)
        screen = subscribed_screen(t, changed, offer)
    else:
        changed = await subscriptions.unsubscribe(db, chat.id)
        screen = unsubscribed_screen(t, changed)
    note_saved()
    await show(update, context, screen)


async def subscribe_command(update: Update, context: ChatContext) -> None:
    """/subscribe."""
    await _set_subscription(update, context, True)


async def unsubscribe_command(update: Update, context: ChatContext) -> None:
    """/unsubscribe."""
    await _set_subscription(update, context, False)


async def subscription_pressed(update: Update, context: ChatContext) -> None:
    """The "subscribe" or "stop the news" button (menu, status, news)."""
    await _set_subscription(update, context, context.button(Subscription).on)


async def membership_changed(update: Update, context: ChatContext) -> None:
    """The resident blocked the bot: the subscription ends at once, so no send fails later.
    Unblocking changes nothing: the menu offers the news again, nobody is resubscribed."""
    change = update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE:
        return
    if change.new_chat_member.status == ChatMemberStatus.BANNED:
        await subscriptions.mark_blocked(context.db, change.chat.id)


async def reminder_pressed(update: Update, context: ChatContext) -> str | None:
    """Ask for or stop the reminder; an alert when there is no subscription to attach it to."""
    wanted, chat, t = context.button(Reminder).on, update.effective_chat, context.t
    possible = await reminder_possible(context.db, context.procedure)
    if wanted and not possible:
        # An old button: voting has closed, or the reminder has gone out already.
        return t.gettext("There is no reminder any more: it was sent, or voting has closed.")
    changed = await subscriptions.set_reminder(context.db, chat.id, wanted) if chat else None
    if changed is None:
        return t.gettext("Please subscribe to the news first (/subscribe).")
    note_saved()
    hours = context.procedure.voting.reminder_hours
    if wanted:
        text = t.ngettext(
            "⏰ I will remind you once, %(count)d hour before voting closes, if you have not set "
            "your priorities in every action field by then.",
            "⏰ I will remind you once, %(count)d hours before voting closes, if you have not set "
            "your priorities in every action field by then.",
            hours,
        )
    else:
        text = t.gettext("🔕 All right, no reminder before voting closes.")
    rows = [reminder_row(t, hours, wanted)] if possible else []
    await show(update, context, Screen(text, [*rows, *_rows(t)]))
    return None
