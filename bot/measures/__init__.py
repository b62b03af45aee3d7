"""The measures round (procedure file [measures]): proposals by residents and workshops, staff
review and costing, choosing measures within the annual budget, and the costed priority list.

`handlers` hands the feature's handlers to app.py (none without a measures round);
`MEASURES_ENTRY` is its row of the main menu, shown when the procedure has the round.
"""

from bot.chat.context import ChatHandler
from bot.chat.menu import MenuEntry
from bot.chat.presses import Presses
from bot.measures.buttons import MeasuresHome
from bot.measures.home import measures_entry, show_hub
from bot.procedure import Procedure

MEASURES_ENTRY = MenuEntry(measures_entry)


def handlers(procedure: Procedure) -> list[ChatHandler]:
    """The commands and buttons of the measures round."""
    if procedure.measures is None:
        return []
    on = Presses(procedure)
    found: list[ChatHandler] = [on(MeasuresHome, show_hub)]
    # Each part adds its handlers here (proposals and review, the budget ballot, results).
    return found
