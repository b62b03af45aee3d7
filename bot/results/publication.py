"""Whether residents may see the results now, and what they are told until then.

The procedure file decides (`[results] public`): never, after voting closes (the window in
force, so an extension by staff moves it too), from a date, or live while voting runs.
"""

from datetime import UTC, datetime

from bot.chat.text import escape
from bot.i18n import Translator
from bot.procedure import Procedure
from bot.voting.window import Window, WindowState


def is_public(procedure: Procedure, window: Window, moment: datetime | None = None) -> bool:
    """True when residents may see the results at `moment` (default: now)."""
    moment = moment or datetime.now(UTC)
    rule = procedure.results
    if rule.public == "live":
        return window.state(moment) is not WindowState.BEFORE
    if rule.public == "after_close":
        return window.state(moment) is WindowState.CLOSED
    if rule.public == "from":
        return rule.public_from is not None and moment >= rule.public_from
    return False


def not_yet_text(t: Translator, procedure: Procedure, window: Window) -> str:
    """What a resident is told while the results are not public."""
    rule = procedure.results
    if rule.public == "after_close":
        return t.gettext(
            "The results will be published here when voting closes on %(date)s.",
            date=t.datetime(window.closes),
        )
    if rule.public == "from" and rule.public_from is not None:
        return t.gettext(
            "The results will be published here on %(date)s.", date=t.date(rule.public_from)
        )
    if rule.public == "live":
        return t.gettext(
            "The results will be shown here as soon as voting opens on %(date)s.",
            date=t.datetime(window.opens),
        )
    text = t.gettext("The city publishes the results of this procedure outside this chat.")
    if procedure.voting.results_url:
        text += "\n" + t.gettext("Results: %(url)s", url=escape(procedure.voting.results_url))
    return text
