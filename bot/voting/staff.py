"""Staff command /voting (only BOT_ADMINS): the voting window. For everyone else it does not
exist.

    /voting                          where the window stands, and how to change it
    /voting open                     open now (until the closing time in force)
    /voting close                    close now
    /voting extend 2020-02-25 23:59  new closing time (procedure timezone; time optional);
                                     the help shows a date a week from now as the example

Every change is stored (it survives a restart) and audited; so is every refused attempt.
"""

from datetime import UTC, datetime, timedelta

from telegram import Update

from bot.chat.context import ChatContext
from bot.chat.screens import send_text
from bot.chat.staff import actor, is_staff, parse_moment
from bot.i18n import Translator
from bot.voting.window import Window, WindowState, change_window, window


def extend_example(t: Translator, now: datetime | None = None) -> str:
    """ "/voting extend" with a closing time a week from now, as staff would type it."""
    later = ((now or datetime.now(UTC)) + timedelta(days=7)).astimezone(t.timezone)
    return f"/voting extend {later:%Y-%m-%d} 23:59"


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
            extend_example(t) + " – " + t.gettext("new closing time"),
        ]
    )


async def _change(update: Update, context: ChatContext, words: list[str]) -> str | None:
    """Apply one /voting change; the answer for staff when it was refused (nothing changed)."""
    t, db, who = context.t, context.db, actor(update)
    current = await window(db, context.procedure)
    now = datetime.now(UTC)
    if words[:1] == ["open"]:
        if current.closes <= now:
            return t.gettext(
                "The closing time has passed. Set a new one first: %(example)s",
                example=extend_example(t, now),
            )
        await change_window(db, who, "voting.open", opens=now)
    elif words[:1] == ["close"]:
        await change_window(db, who, "voting.close", opens=min(current.opens, now), closes=now)
    elif words[:1] == ["extend"]:
        closes = parse_moment(words[1:3], t.timezone)
        if closes is None:
            return t.gettext(
                "Please write the date like this: %(example)s", example=extend_example(t, now)
            )
        if closes <= max(now, current.opens):
            return t.gettext("The new closing time must be in the future and after the opening.")
        await change_window(db, who, "voting.extend", closes=closes)
        if current.state(now) is WindowState.CLOSED:
            return t.gettext("Voting is open again until %(date)s.", date=t.datetime(closes))
    elif words:
        return t.gettext("Unknown choice. Use /voting open, /voting close or /voting extend.")
    return None


async def voting_command(update: Update, context: ChatContext) -> None:
    """/voting [open | close | extend DATE [TIME]]."""
    if not await is_staff(update, context, "/voting"):
        return
    answer = await _change(update, context, [w.lower() for w in (context.args or [])])
    current = await window(context.db, context.procedure)
    text = (answer + "\n\n" if answer else "") + window_text(context.t, current)
    await send_text(update, context, text)
