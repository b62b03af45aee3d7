"""Staff commands exist only for staff (DESIGN rule 5): authorised by Telegram user id from
BOT_ADMINS; for everyone else they look like an unknown command, and the attempt is audited."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from telegram import Chat, Update

from bot.chat.context import ChatContext
from bot.chat.fallback import unknown_command
from storage import audit


async def is_staff(update: Update, context: ChatContext, command: str) -> bool:
    """True for staff; anyone else gets the unknown-command answer, and the attempt is audited."""
    user = update.effective_user
    if user is not None and context.services.is_staff(user.id):
        return True
    await audit.record(context.db, user.id if user else None, "staff.refused", command)
    await unknown_command(update, context)
    return False


def staff_in_private(update: Update, context: ChatContext) -> bool:
    """Staff in their private chat with the bot (staff figures never go to a group)."""
    user, chat = update.effective_user, update.effective_chat
    return (
        user is not None
        and chat is not None
        and chat.type == Chat.PRIVATE
        and context.services.is_staff(user.id)
    )


def actor(update: Update) -> int | None:
    """The Telegram user id recorded in the audit log for a staff action."""
    return update.effective_user.id if update.effective_user else None


def parse_moment(words: list[str], timezone: ZoneInfo) -> datetime | None:
    """What staff typed as '2020-02-25' or '2020-02-25 23:59', in the procedure's timezone
    (a day alone means its end, 23:59); None when it is not a date."""
    try:
        day = datetime.strptime(words[0], "%Y-%m-%d").date()
        at = datetime.strptime(words[1], "%H:%M").time() if len(words) > 1 else time(23, 59)
    except (IndexError, ValueError):
        return None
    return datetime.combine(day, at, tzinfo=timezone)
