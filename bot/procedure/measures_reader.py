"""Reading the optional `[measures]` section of a procedure file (the measures round).

Called by the reader in bot/procedure/reader.py with its helpers (problems are collected
there, one line each, naming the key); returns None when the file has no such section.
"""

from datetime import datetime
from typing import Any, Protocol

from babel.numbers import is_currency

from bot.procedure.model import (
    MEASURE_METHODS,
    MEASURE_RULES,
    PUBLICATION,
    Field,
    Measures,
    SeedMeasure,
    Text,
)

KEYS = {
    "budget", "currency", "method", "rule", "max_cost", "proposals_open", "proposals_close",
    "voting_opens", "voting_closes", "title_max", "description_max", "proposals_per_resident",
    "public", "illustration", "items",
}  # fmt: skip
ITEM_KEYS = {"id", "field", "goal", "cost", "title", "description"}
MOST_MONEY = 10**12  # a budget or cost above this is a typo
LIMITS = {  # key: (default, lowest, highest)
    "title_max": (80, 20, 120),
    "description_max": (600, 100, 1000),
    "proposals_per_resident": (3, 0, 20),
}


class _Reader(Protocol):
    """The parts of the procedure reader this module uses."""

    def problem(self, key: str, what: str) -> None: ...
    def table(self, data: Any, key: str, kind: str) -> dict[str, Any]: ...
    def text(self, data: dict[str, Any], key: str, where: str) -> Text: ...
    def moment(self, value: Any, key: str, end_of_day: bool = False) -> datetime | None: ...
    def no_moment(self) -> datetime: ...
    def entries(self, items: list[Any], name: str, kind: str) -> Any: ...
    def unique(self, ids: list[str], where: str) -> None: ...


def _amount(reader: _Reader, value: Any, key: str) -> int | None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MOST_MONEY:
        reader.problem(key, "expected a whole amount above 0, like 100000 (no decimals)")
        return None
    return value


def read_measures(
    reader: _Reader, data: dict[str, Any], fields: tuple[Field, ...], voting_closes: datetime
) -> Measures | None:
    """The measures round, validated; None without a [measures] section."""
    if "measures" not in data:
        return None
    table = reader.table(data["measures"], "measures", "measures")
    budget = _amount(reader, table.get("budget"), "measures.budget") or 1
    currency = table.get("currency", "EUR")
    if not isinstance(currency, str) or not is_currency(currency):
        reader.problem("measures.currency", "expected a currency code like EUR")
        currency = "EUR"
    max_cost = None
    if "max_cost" in table:
        max_cost = _amount(reader, table["max_cost"], "measures.max_cost")
        if max_cost is not None and max_cost > budget:
            reader.problem("measures.max_cost", "is more than the budget")
    choices = {"method": MEASURE_METHODS, "rule": MEASURE_RULES, "public": PUBLICATION}
    chosen = {}
    for key, allowed in choices.items():
        value = table.get(key, allowed[0] if key != "public" else "after_close")
        if value not in allowed:
            reader.problem(f"measures.{key}", f"expected {' or '.join(allowed)}")
            value = allowed[0] if key != "public" else "after_close"
        chosen[key] = value
    limits = {}
    for key, (default, low, high) in LIMITS.items():
        value = table.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            reader.problem(f"measures.{key}", f"expected a whole number from {low} to {high}")
            value = default
        limits[key] = value
    illustration = table.get("illustration", False)
    if not isinstance(illustration, bool):
        reader.problem("measures.illustration", "expected true or false")
    moments = _windows(reader, table, voting_closes)
    items = _items(reader, table.get("items", []), fields, max_cost or budget, limits)
    return Measures(
        budget=budget,
        currency=currency,
        proposals_open=moments[0],
        proposals_close=moments[1],
        voting_opens=moments[2],
        voting_closes=moments[3],
        method=chosen["method"],
        rule=chosen["rule"],
        max_cost=max_cost,
        title_max=limits["title_max"],
        description_max=limits["description_max"],
        proposals_per_resident=limits["proposals_per_resident"],
        public=chosen["public"],
        illustration=illustration is True,
        items=items,
    )


def _windows(
    reader: _Reader, table: dict[str, Any], voting_closes: datetime
) -> tuple[datetime, datetime, datetime, datetime]:
    # The proposal window, then the voting window; both after the prioritisation opened.
    keys = ("proposals_open", "proposals_close", "voting_opens", "voting_closes")
    found: list[datetime | None] = []
    for key in keys:
        if key not in table:
            reader.problem(f"measures.{key}", "missing")
            found.append(None)
        else:
            found.append(
                reader.moment(table[key], f"measures.{key}", key.endswith(("close", "closes")))
            )
    for (first, a), (second, b) in (
        ((keys[0], found[0]), (keys[1], found[1])),
        ((keys[1], found[1]), (keys[2], found[2])),
        ((keys[2], found[2]), (keys[3], found[3])),
    ):
        if a is not None and b is not None and b < a:
            reader.problem(f"measures.{second}", f"is before measures.{first}")
    epoch = reader.no_moment()
    opens, closes, vote_opens, vote_closes = (moment or epoch for moment in found)
    return opens, closes, vote_opens, vote_closes


def _items(
    reader: _Reader, items: Any, fields: tuple[Field, ...], ceiling: int, limits: dict[str, int]
) -> tuple[SeedMeasure, ...]:
    if not isinstance(items, list):
        reader.problem("measures.items", "expected [[measures.items]] tables")
        return ()
    result = []
    for where, item, ident in reader.entries(items, "measures.items", "measures.items"):
        field = next((f for f in fields if f.id == item.get("field")), None)
        if field is None:
            reader.problem(f"{where}.field", f"no action field {item.get('field')!r}")
        goal = str(item.get("goal", ""))
        if field is not None and goal not in {g.id for g in field.goals}:
            reader.problem(f"{where}.goal", f"no sub-goal {goal!r} in {field.id}")
        cost = _amount(reader, item.get("cost"), f"{where}.cost") or 0
        if cost > ceiling:
            reader.problem(f"{where}.cost", f"{cost} is more than the ceiling {ceiling}")
        texts = {}
        for key, limit in (
            ("title", limits["title_max"]),
            ("description", limits["description_max"]),
        ):
            texts[key] = reader.text(item, key, where)
            for language, text in texts[key].items():
                if len(text) > limit:
                    reader.problem(
                        f"{where}.{key}.{language}",
                        f"{len(text)} characters; at most {limit} (measures.{key}_max)",
                    )
        result.append(
            SeedMeasure(
                id=ident,
                field=field.id if field else "",
                goal=goal,
                cost=cost,
                title=texts["title"],
                description=texts["description"],
            )
        )
    reader.unique([m.id for m in result], "measures.items")
    return tuple(result)
