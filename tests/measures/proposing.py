"""Stories the proposal and review tests share: a resident proposes a measure through the
real bot, staff open it under /proposals."""

from bot.emulated import EmulatedBot
from bot.measures.buttons import MeasuresHome, ProposeStart
from bot.measures.proposal_buttons import DraftStep, ProposeConsent, ProposeField, ProposeGoal
from storage import measures
from tests.conftest import data, last


async def begin(bot: EmulatedBot, user: int, language: str = "en") -> None:
    """The resident opens the hub and presses "Propose a measure" (agreeing when asked)."""
    bot.fake.add_user(user, language_code=language)
    await bot.send(user, "/start")
    await bot.press(user, MeasuresHome())
    await bot.press(user, ProposeStart())
    if ProposeConsent(True).pack() in data(last(bot, user)):
        await bot.press(user, ProposeConsent(True))


async def write(
    bot: EmulatedBot,
    user: int,
    title: str,
    description: str,
    field_id: str = "language",
    goal_id: str = "courses",
) -> None:
    """Choose the field and the sub-goal, type the title and the description."""
    procedure = bot.services.procedure
    field = procedure.field(field_id)
    assert field is not None
    goal = field.goal(goal_id)
    assert goal is not None
    await bot.press(user, ProposeField(field))
    await bot.press(user, ProposeGoal(field, goal))
    await bot.send(user, title)
    await bot.send(user, description)


async def propose(
    bot: EmulatedBot,
    user: int,
    title: str = "Homework help in the library",
    description: str = "Twice a week volunteers help children with their homework.",
    language: str = "en",
    field_id: str = "language",
    goal_id: str = "courses",
) -> int:
    """A whole proposal, sent; returns its number."""
    await begin(bot, user, language)
    await write(bot, user, title, description, field_id, goal_id)
    await bot.press(user, DraftStep("send"))
    mine = await measures.of_proposer(bot.services.database, user)
    return mine[-1].id
