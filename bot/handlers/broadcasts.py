"""/broadcasts (staff): recent broadcasts with their state and counts; cancel a running or
scheduled one (what was sent stays sent; the rest is not sent)."""

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.staff import is_staff
from bot.i18n import Translator
from bot.keyboards import Button, button
from bot.services import services, translator
from bot.view import Screen, show
from storage import outbox
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


async def broadcasts_screen(context: ContextTypes.DEFAULT_TYPE, t: Translator) -> Screen:
    """The ten newest broadcasts, with a cancel button for those still to be sent."""
    db = services(context).database
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
            rows.append([button(label, "bccancel", str(broadcast.id))])
    if not found:
        lines.append(t.gettext("No broadcasts yet. Start one with /broadcast."))
    return Screen("\n".join(lines), rows)


async def broadcasts_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/broadcasts."""
    if not await is_staff(update, context, "/broadcasts"):
        return
    t = await translator(update, context)
    await show(update, await broadcasts_screen(context, t), t)


async def cancel_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, broadcast_id: int
) -> str | None:
    """Cancel a broadcast (staff only); an alert text when it was refused."""
    user = update.effective_user
    svc = services(context)
    t = await translator(update, context)
    if user is None or not svc.is_staff(user.id):
        return t.gettext("This button is out of date. Please use the latest message or /start.")
    if not await outbox.cancel(svc.database, broadcast_id, user.id):
        return t.gettext("This broadcast has already finished.")
    await show(update, await broadcasts_screen(context, t), t, edit=True, context=context)
    return None
