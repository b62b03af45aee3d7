"""Staff command /measures (only BOT_ADMINS): the two windows of the measures round, as /voting
is for the prioritisation's (bot/voting/staff.py). For everyone else it does not exist.

    /measures                                  where both windows stand, and how to change them
    /measures proposals open | close           open or close proposing now
    /measures proposals extend 2027-04-30 23:59   a new closing time (procedure timezone)
    /measures voting open | close | extend …   the same for choosing within the budget

Every change is stored (it survives a restart) and audited (`measures.<window>.<action>`);
so is every refused attempt by someone who is not staff.
"""

from datetime import UTC, datetime, timedelta

from telegram import Update

from bot.chat.context import ChatContext
from bot.chat.screens import send_text
from bot.chat.staff import actor, is_staff, parse_moment
from bot.i18n import Translator
from bot.measures.windows import ROUNDS, Round, change_measures_window, measures_window
from bot.voting.window import Window, WindowState


def extend_example(t: Translator, which: Round, now: datetime | None = None) -> str:
    """ "/measures voting extend" with a closing time a week from now, as staff type it."""
    later = ((now or datetime.now(UTC)) + timedelta(days=7)).astimezone(t.timezone)
    return f"/measures {which} extend {later:%Y-%m-%d} 23:59"


def _states(t: Translator, which: Round) -> dict[WindowState, str]:
    if which == "proposals":
        return {
            WindowState.BEFORE: t.gettext("Proposals have not opened yet."),
            WindowState.OPEN: t.gettext("Proposals are open."),
            WindowState.CLOSED: t.gettext("Proposals are closed."),
        }
    return {
        WindowState.BEFORE: t.gettext("Choosing measures has not opened yet."),
        WindowState.OPEN: t.gettext("Choosing measures is open."),
        WindowState.CLOSED: t.gettext("Choosing measures is closed."),
    }


def window_text(t: Translator, which: Round, current: Window) -> str:
    """One window: where it stands, its times, and the commands that change it."""
    title = (
        t.gettext("Window for proposals")
        if which == "proposals"
        else t.gettext("Window for choosing measures")
    )
    return "\n".join(
        [
            f"<b>{title}</b>",
            _states(t, which)[current.state()],
            t.gettext("Opens: %(date)s", date=t.datetime(current.opens)),
            t.gettext("Closes: %(date)s", date=t.datetime(current.closes)),
            f"/measures {which} open – " + t.gettext("open now"),
            f"/measures {which} close – " + t.gettext("close now"),
            extend_example(t, which) + " – " + t.gettext("new closing time"),
        ]
    )


def _reopened(t: Translator, which: Round, closes: datetime) -> str:
    if which == "proposals":
        return t.gettext("Proposals are open again until %(date)s.", date=t.datetime(closes))
    return t.gettext("Choosing measures is open again until %(date)s.", date=t.datetime(closes))


async def _change(update: Update, context: ChatContext, words: list[str]) -> str | None:
    """Apply one /measures change; the answer for staff when it was refused (nothing changed)
    or when it says more than the windows below it."""
    t, db, who = context.t, context.db, actor(update)
    if not words:
        return None
    usage = t.gettext(
        "Unknown choice. Use /measures proposals or /measures voting, followed by open, close "
        "or extend."
    )
    if words[0] not in ROUNDS or len(words) < 2:
        return usage
    which: Round = "proposals" if words[0] == "proposals" else "voting"
    current = await measures_window(db, context.procedure, which)
    if current is None:
        return usage
    now = datetime.now(UTC)
    action = words[1]
    if action == "open":
        if current.closes <= now:
            return t.gettext(
                "The closing time has passed. Set a new one first: %(example)s",
                example=extend_example(t, which, now),
            )
        await change_measures_window(db, who, which, f"measures.{which}.open", opens=now)
    elif action == "close":
        await change_measures_window(db, who, which, f"measures.{which}.close",
                                     opens=min(current.opens, now), closes=now)  # fmt: skip
    elif action == "extend":
        closes = parse_moment(words[2:4], t.timezone)
        if closes is None:
            return t.gettext(
                "Please write the date like this: %(example)s",
                example=extend_example(t, which, now),
            )
        if closes <= max(now, current.opens):
            return t.gettext("The new closing time must be in the future and after the opening.")
        await change_measures_window(db, who, which, f"measures.{which}.extend", closes=closes)
        if current.state(now) is WindowState.CLOSED:
            return _reopened(t, which, closes)
    else:
        return usage
    return None


async def measures_command(update: Update, context: ChatContext) -> None:
    """/measures [proposals | voting] [open | close | extend DATE [TIME]]."""
    if not await is_staff(update, context, "/measures"):
        return
    answer = await _change(update, context, [w.lower() for w in (context.args or [])])
    parts = [answer] if answer else []
    for which in ROUNDS:
        current = await measures_window(context.db, context.procedure, which)
        if current is not None:
            parts.append(window_text(context.t, which, current))
    await send_text(update, context, "\n\n".join(parts))
