"""The procedure: the validated model that the bot serves (fields, goals, phases, voting
rules, privacy contact) and the reader that checks a TOML file and builds it."""

from bot.procedure.model import (
    VOTING_METHODS,
    Field,
    Goal,
    Measures,
    Phase,
    Privacy,
    Procedure,
    Results,
    Text,
    Voting,
)
from bot.procedure.reader import Coverage, ProcedureError, coverage, load_procedure

__all__ = [
    "VOTING_METHODS",
    "Coverage",
    "Field",
    "Goal",
    "Measures",
    "Phase",
    "Privacy",
    "Procedure",
    "ProcedureError",
    "Results",
    "Text",
    "Voting",
    "coverage",
    "load_procedure",
]
