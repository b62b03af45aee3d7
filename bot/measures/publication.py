"""Whether residents may see the costed priority list now, and what they are told until then.

The procedure file decides (`[measures] public`): never (the city publishes it outside the
chat), after the budget voting closes (the window in force, so an extension by staff moves it
too), or live, from the moment choosing measures opens.
"""

from datetime import UTC, datetime

from bot.i18n import Translator
from bot.procedure import Measures
from bot.voting.window import Window, WindowState


def is_public(measures: Measures, window: Window, moment: datetime | None = None) -> bool:
    """True when residents may see the list at `moment` (default: now)."""
    moment = moment or datetime.now(UTC)
    if measures.public == "live":
        return window.state(moment) is not WindowState.BEFORE
    if measures.public == "after_close":
        return window.state(moment) is WindowState.CLOSED
    return False


def not_yet_text(t: Translator, measures: Measures, window: Window) -> str:
    """What a resident is told while the list is not public."""
    if measures.public == "after_close":
        return t.gettext(
            "The costed priority list will be published here when choosing measures closes "
            "on %(date)s.",
            date=t.datetime(window.closes),
        )
    if measures.public == "live":
        return t.gettext(
            "The costed priority list will be shown here as soon as choosing measures opens "
            "on %(date)s.",
            date=t.datetime(window.opens),
        )
    return t.gettext("The city publishes the costed priority list outside this chat.")
