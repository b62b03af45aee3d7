"""Sending a broadcast again to its uncertain recipients (staff, from the final report).

An uncertain delivery is one whose send got no answer from Telegram (a timeout, a 5xx): the
message may or may not have arrived, and the worker never sends it again on its own. The final
report says how many and offers one button; pressing it queues a new broadcast with the same
texts to exactly those recipients who still subscribe. Those who did get the first one get it
twice: the author decides. It can be done once per broadcast.
"""

from telegram import Update

from bot.broadcasting.buttons import ResendUncertain
from bot.chat.context import ChatContext
from bot.chat.fallback import stale_text
from bot.chat.screens import send_text
from storage import outbox


async def resend_pressed(update: Update, context: ChatContext) -> str | None:
    """Queue the broadcast again for its uncertain recipients (staff only); an alert text
    when nothing was queued."""
    user, t = update.effective_user, context.t
    if user is None or not context.services.is_staff(user.id):
        return stale_text(t)
    original = context.button(ResendUncertain).broadcast_id
    queued = await outbox.queue_resend(context.db, original, user.id)
    if queued is None:
        return t.gettext("Broadcast #%(id)d has nothing to send again.", id=original)
    resend_id, new = queued
    if not new:
        return t.gettext(
            "Broadcast #%(id)d was already sent again as #%(again)d.", id=original, again=resend_id
        )
    context.services.wake_outbox()
    counts = await outbox.counts(context.db, resend_id)
    await send_text(
        update,
        context,
        t.ngettext(
            "Broadcast #%(again)d sends #%(id)d again to %(count)d uncertain recipient.",
            "Broadcast #%(again)d sends #%(id)d again to the %(count)d uncertain recipients.",
            counts["pending"],
            again=resend_id,
            id=original,
        ),
    )
    return None
