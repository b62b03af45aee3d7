"""Results: the tally ranked per field, merged with the town-hall workshop results, as
screens for staff and residents, charts, CSV and JSON files, and the command line.

`handlers` hands the feature's handlers to app.py; `RESULTS_ENTRY` its row of the main menu.
"""

from telegram.ext import CommandHandler

from bot.chat.context import ChatHandler
from bot.chat.menu import MenuEntry
from bot.chat.presses import Presses
from bot.procedure import Procedure
from bot.results.buttons import Export, FieldChart, OverviewChart, Publish, Results, ResultsPage
from bot.results.chat import (
    publish_pressed,
    results_entry,
    results_page,
    send_export,
    send_field_chart,
    send_overview_chart,
    show_results,
)

RESULTS_ENTRY = MenuEntry(results_entry)


def handlers(procedure: Procedure) -> list[ChatHandler]:
    """The command and buttons of results."""
    on = Presses(procedure)
    return [
        CommandHandler("results", show_results),
        on(Results, show_results),
        on(ResultsPage, results_page),
        on(OverviewChart, send_overview_chart),
        on(FieldChart, send_field_chart),
        on(Export, send_export),
        on(Publish, publish_pressed),
    ]
