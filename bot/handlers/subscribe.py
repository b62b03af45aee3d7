"""News by message: /subscribe, /unsubscribe, the buttons that set the subscription, and the
end of a subscription when the resident blocks the bot (Telegram's my_chat_member update).

Buttons carry the state they set ("subscribe", "stop"), never a toggle: a second tap or a
redelivered update answers "you are already subscribed" and changes nothing.
"""

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import ContextTypes

from bot.handlers.menu import back_to_menu, subscription_row
from bot.i18n import Translator, native_name
from bot.keyboards import Button, button
from bot.services import forget_reader, services, translator
from bot.view import Screen, show
from storage import participants, subscriptions


def _rows(t: Translator, offer: list[Button] | None = None) -> list[list[Button]]:
    rows = [offer] if offer else []
    return [*rows, [button(t.gettext("📅 Status and news"), "status")], back_to_menu(t)]


def reminder_row(t: Translator, hours: int, wanted: bool) -> list[Button]:
    """The opt-in next to the subscription: one reminder before voting closes (sets a state)."""
    if wanted:
        return [button(t.gettext("🔕 No reminder before the close"), "reminder", "off")]
    label = t.ngettext(
        "⏰ Remind me %(count)d hour before voting closes",
        "⏰ Remind me %(count)d hours before voting closes",
        hours,
    )
    return [button(label, "reminder", "on")]


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
            t.gettext(
                "I will write to you when there is news: a new step, changed dates, results. "
                "The messages come in %(language)s; you can change the language with /language.",
                language=native_name(t.language),
            ),
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


async def set_subscription(
    update: Update, context: ContextTypes.DEFAULT_TYPE, subscribe: bool, *, edit: bool
) -> None:
    """Subscribe or unsubscribe the resident's private chat and confirm it."""
    svc = services(context)
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or chat.type != ChatType.PRIVATE:
        return  # news go to private chats only
    t = await translator(update, context)
    if subscribe:
        # The news go out in the participant's language: keep the one this resident reads now
        # (unless they chose one), so that they get what the confirmation promises.
        await participants.keep_language(svc.database, user.id, chat.id, t.language)
        forget_reader(context)
        changed = await subscriptions.subscribe(svc.database, user.id, chat.id)
        hours = svc.procedure.voting.reminder_hours
        screen = subscribed_screen(t, changed, reminder_row(t, hours, wanted=False))
    else:
        changed = await subscriptions.unsubscribe(svc.database, chat.id)
        screen = unsubscribed_screen(t, changed)
    await show(update, screen, t, edit=edit, context=context)


async def subscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/subscribe."""
    await set_subscription(update, context, True, edit=False)


async def unsubscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unsubscribe."""
    await set_subscription(update, context, False, edit=False)


async def subscription_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, subscribe: bool
) -> None:
    """The "subscribe" or "stop the news" button (menu, status, news)."""
    await set_subscription(update, context, subscribe, edit=True)


async def membership_changed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The resident blocked the bot: the subscription ends at once, so no send fails later.
    Unblocking changes nothing: the menu offers the news again, nobody is resubscribed."""
    change = update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE:
        return
    if change.new_chat_member.status == ChatMemberStatus.BANNED:
        await subscriptions.mark_blocked(services(context).database, change.chat.id)


async def reminder_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, wanted: bool
) -> str | None:
    """Ask for or stop the reminder; an alert when there is no subscription to attach it to."""
    svc = services(context)
    chat = update.effective_chat
    t = await translator(update, context)
    changed = await subscriptions.set_reminder(svc.database, chat.id, wanted) if chat else None
    if changed is None:
        return t.gettext("Please subscribe to the news first (/subscribe).")
    hours = svc.procedure.voting.reminder_hours
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
    rows = [reminder_row(t, hours, wanted), *_rows(t)]
    await show(update, Screen(text, rows), t, edit=True, context=context)
    return None
