"""Stories the budget-ballot tests share: a resident on their way to the measures, more
approved measures for races, and the database read as an auditor would."""

from pathlib import Path

from bot.emulated import EmulatedBot
from bot.measures.budget_buttons import BudgetConsent
from bot.measures.buttons import BudgetStart, MeasuresHome
from storage import measures
from storage.measures import MeasureText, Seed
from tests.conftest import RESIDENT, rows


async def choose_measures(bot: EmulatedBot, user: int = RESIDENT, language: str = "en") -> None:
    """A resident starts the bot, opens the measures, "Choose measures", and agrees."""
    bot.fake.add_user(user, language_code=language)
    await bot.send(user, "/start")
    await bot.press(user, MeasuresHome())
    await bot.press(user, BudgetStart())
    await bot.press(user, BudgetConsent(True))


async def file_measure(bot: EmulatedBot, ref: str) -> measures.Measure:
    """One of the procedure file's measures (tests/data/measures.toml) as stored."""
    for found in await measures.in_state(bot.services.database, measures.APPROVED):
        if found.ref == f"file:{ref}":
            return found
    raise LookupError(ref)


async def add_measures(bot: EmulatedBot, costs: list[int], field: str = "language") -> list[int]:
    """Approved measures with these costs (as a workshop import brings them); their ids."""
    seeds = [
        Seed(
            ref=f"test:{field}:{n}",
            field_id=field,
            goal_id="courses" if field == "language" else "advice",
            cost=cost,
            language="de",
            texts={
                "de": MeasureText(f"Maßnahme {n}", "Beschreibung"),
                "en": MeasureText(f"Measure {n}", "Description"),
            },
        )
        for n, cost in enumerate(costs)
    ]
    await measures.seed(bot.services.database, seeds, origin="workshop")
    stored = await measures.in_state(bot.services.database, measures.APPROVED)
    return [m.id for m in stored if m.ref is not None and m.ref.startswith(f"test:{field}:")]


def spent_per_voter(path: Path) -> dict[str, int]:
    """What every budget ballot in the database costs, summed with SQL over the tables."""
    found = rows(
        path,
        "SELECT b.voter_key, SUM(m.cost) FROM budget_ballots b "
        "JOIN measures m ON m.id = b.measure_id GROUP BY b.voter_key",
    )
    return {str(key): int(total) for key, total in found}
