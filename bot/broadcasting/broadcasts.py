"""/broadcasts (staff): recent broadcasts with their state and counts; cancel a running or
scheduled one (what was sent stays sent; the rest is not sent)."""

from telegram import Update

from bot.broadcasting.buttons import CancelBroadcast
from bot.chat.buttons import Button
from bot.chat.context import ChatContext
from bot.chat.fallback import stale_text
from bot.chat.screens import Screen, show
from bot.chat.staff import is_staff
from bot.i18n import Translator
from storage import outbox
from storage.db import Database
from storage.outbox import Broadcast


def _kind(t: Translator, broadcast: Broadcast) -> str:
    names = {
        "news": t.gettext("news"),
        "phase": t.gettext("phase change"),
        "reminder": t.gettext("reminder"),
    }
    return names[broadcast.kind]


def _state(t: Translator, broadcast: Broadcast) -> str:
    names = {
        "queued": t.gettext("planned"),
        "sending": t.gettext("sending"),
        "done": t.gettext("finished"),
        "cancelled": t.gettext("cancelled"),
    }
    return names[broadcast.state]


async def broadcasts_screen(db: Database, t: Translator) -> Screen:
    """The ten newest broadcasts, with a cancel button for those still to be sent."""
    lines = ["<b>{}</b>".format(t.gettext("Recent broadcasts"))]
    rows: list[list[Button]] = []
    found = await outbox.recent(db, 10)
    for broadcast in found:
        counts = await outbox.counts(db, broadcast.id)
        lines.append(
            t.gettext(
                "#%(id)d %(kind)s, %(state)s: sent %(sent)d, failed %(failed)d, blocked "
                "%(blocked)d, remaining %(left)d",
                id=broadcast.id,
                kind=_kind(t, broadcast),
                state=_state(t, broadcast),
                sent=counts["sent"],
                failed=counts["failed"],
                blocked=counts["blocked"],
                left=counts["pending"] + counts["sending"],
            )
        )
        if broadcast.state in ("queued", "sending"):
            label = t.gettext("✖ Cancel #%(id)d", id=broadcast.id)
            rows.append([Button(label, CancelBroadcast(broadcast.id))])
    if not found:
        lines.append(t.gettext("No broadcasts yet. Start one with /broadcast."))
    return Screen("\n".join(lines), rows)


async def broadcasts_command(update: Update, context: ChatContext) -> None:
    """/broadcasts."""
    if not await is_staff(update, context, "/broadcasts"):
        return
    await show(update, context, await broadcasts_screen(context.db, context.t))


async def cancel_pressed(update: Update, context: ChatContext) -> str | None:
    """Cancel a broadcast (staff only); an alert text when it was refused."""
    user, t = update.effective_user, context.t
    if user is None or not context.services.is_staff(user.id):
        return stale_text(t)
    if not await outbox.cancel(context.db, context.button(CancelBroadcast).broadcast_id, user.id):
        return t.gettext("This broadcast has already finished.")
    await show(update, context, await broadcasts_screen(context.db, t))
    return None
