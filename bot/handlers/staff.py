"""Staff commands (only BOT_ADMINS): the voting window. For everyone else they do not exist.

    /voting                          where the window stands, and how to change it
    /voting open                     open now (until the closing time in force)
    /voting close                    close now
    /voting extend 2020-02-25 23:59  new closing time (procedure timezone; time optional)

Every change is stored (it survives a restart) and audited; so is every refused attempt.
"""

from datetime import UTC, datetime, time

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.fallback import unknown_command
from bot.i18n import Translator
from bot.services import services, translator
from bot.voting import Window, WindowState, change_window, window
from storage import audit


async def is_staff(update: Update, context: ContextTypes.DEFAULT_TYPE, command: str) -> bool:
    """True for staff; anyone else gets the unknown-command answer, and the attempt is audited."""
    svc = services(context)
    user = update.effective_user
    if user is not None and svc.is_staff(user.id):
        return True
    await audit.record(svc.database, user.id if user else None, "staff.refused", command)
    await unknown_command(update, context)
    return False


def window_text(t: Translator, current: Window) -> str:
    """Where the window stands, with the commands that change it."""
    state = current.state()
    states = {
        WindowState.BEFORE: t.gettext("Voting has not opened yet."),
        WindowState.OPEN: t.gettext("Voting is open."),
        WindowState.CLOSED: t.gettext("Voting is closed."),
    }
    return "\n".join(
        [
            "<b>{}</b>".format(t.gettext("Voting window")),
            states[state],
            t.gettext("Opens: %(date)s", date=t.datetime(current.opens)),
            t.gettext("Closes: %(date)s", date=t.datetime(current.closes)),
            "",
            "/voting open – " + t.gettext("open now"),
            "/voting close – " + t.gettext("close now"),
            "/voting extend 2020-02-25 23:59 – " + t.gettext("new closing time"),
        ]
    )


def parse_moment(words: list[str], t: Translator) -> datetime | None:
    """'2020-02-25' or '2020-02-25 23:59' in the procedure's timezone (a day ends at 23:59)."""
    try:
        day = datetime.strptime(words[0], "%Y-%m-%d").date()
        at = datetime.strptime(words[1], "%H:%M").time() if len(words) > 1 else time(23, 59)
    except (IndexError, ValueError):
        return None
    return datetime.combine(day, at, tzinfo=t.timezone)


async def voting_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/voting [open | close | extend DATE [TIME]]."""
    if not await is_staff(update, context, "/voting"):
        return
    svc = services(context)
    t = await translator(update, context)
    user = update.effective_user
    actor = user.id if user else None
    words = [w.lower() for w in (context.args or [])]
    current = await window(svc.database, svc.procedure)
    now = datetime.now(UTC)
    answer = None
    if words[:1] == ["open"]:
        if current.closes <= now:
            answer = t.gettext(
                "The closing time has passed. Set a new one first: /voting extend 2020-02-25 23:59"
            )
        else:
            await change_window(svc.database, actor, "voting.open", opens=now)
    elif words[:1] == ["close"]:
        await change_window(
            svc.database, actor, "voting.close", opens=min(current.opens, now), closes=now
        )
    elif words[:1] == ["extend"]:
        closes = parse_moment(words[1:3], t)
        if closes is None:
            answer = t.gettext("Please write the date like this: /voting extend 2020-02-25 23:59")
        elif closes <= max(now, current.opens):
            answer = t.gettext("The new closing time must be in the future and after the opening.")
        else:
            await change_window(svc.database, actor, "voting.extend", closes=closes)
    elif words:
        answer = t.gettext("Unknown choice. Use /voting open, /voting close or /voting extend.")
    current = await window(svc.database, svc.procedure)
    text = (answer + "\n\n" if answer else "") + window_text(t, current)
    chat = update.effective_chat
    if chat is not None:
        await chat.send_message(t.bidi(text))
