"""The rules voters were given, frozen with the first ballot: a procedure file that changes
them after votes exist is refused at start (text changes and additions are allowed)."""

import json
from pathlib import Path

from bot.procedure import Procedure


class RulesChangedError(RuntimeError):
    """The procedure file changed rules that voters were given, after votes exist."""

    def __init__(self, path: Path, changes: list[str]) -> None:
        self.changes = changes
        lines = "\n".join(f"  {path}: {change}" for change in changes)
        super().__init__(
            "votes exist, and the procedure file changed the rules voters were given; the bot "
            f"will not start (restore the previous file, or use a new database):\n{lines}"
        )


def rule_changes(frozen: str, procedure: Procedure) -> list[str]:
    """What a procedure file changed in the rules voters were given (empty: nothing)."""
    old, new = json.loads(frozen), procedure.voter_rules()
    changes = []
    for key in ("method", "top_n", "points", "rank_fields"):
        if old.get(key) != new.get(key):
            changes.append(f"voting.{key} changed from {old.get(key)!r} to {new.get(key)!r}")
    new_fields = {f.id: {g.id for g in f.goals} for f in procedure.fields}
    for field_id, goals in old["fields"].items():
        if field_id not in new_fields:
            changes.append(f"action field {field_id!r} was removed or renamed")
            continue
        for goal_id in goals:
            if goal_id not in new_fields[field_id]:
                changes.append(f"sub-goal {goal_id!r} of field {field_id!r} was removed or renamed")
    return changes
