"""`participation-bot check`'s part: the profile texts a procedure file makes, measured against
Telegram's limits with the catalogs' words included."""

from pathlib import Path

from bot.i18n import Catalogs
from bot.procedure import load_procedure
from bot.profile.texts import problems, profile_texts
from bot.resources import locales_dir


def profile_problems(path: Path) -> list[str]:
    """One line per profile text of this (valid) procedure file that Telegram would refuse."""
    procedure = load_procedure(path)
    catalogs = Catalogs.load(locales_dir(), procedure.languages, procedure.timezone)
    return problems(profile_texts(procedure, catalogs))
