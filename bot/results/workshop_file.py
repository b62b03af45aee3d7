"""Reading a workshop results file: one line per sub-goal with the points (dot votes) it got.

    field;goal;points          <- an optional header line
    language;1.1;14
    language;1.2;9
    housing;2.1;21

Comma- or semicolon-separated (as Excel saves it with German or English settings), UTF-8 with
or without a byte order mark (Windows-1252 is accepted too: ids are plain ASCII). Blank lines
are skipped. Every bad line is reported with its number and the reason, and a file with any
bad line is refused whole, so that a workshop is never half imported.
"""

from dataclasses import dataclass

from bot.csv_lines import FileProblems, numbered_lines
from bot.procedure import Procedure

HEADER = ("field", "goal", "points")
MAX_POINTS = 1_000_000  # far above any workshop's dot votes; keeps every sum a SQLite integer


class WorkshopFileError(FileProblems):
    """A workshop file that cannot be imported; `problems` has one line per bad line."""


@dataclass(frozen=True)
class WorkshopRow:
    """One line of a workshop file: a sub-goal and its points."""

    field_id: str
    goal_id: str
    points: int


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _points(cell: str) -> int | str:
    """The points as a whole number of 0 or more, or the reason it is not one."""
    value = cell.strip()
    if value.startswith("-") and value[1:].strip().isdigit():
        return "the points are negative"
    if not (value.isascii() and value.isdigit()):  # "²" and "٣" are digits to Python
        return f"the points {value!r} are not a whole number"
    if len(value) > 7 or int(value) > MAX_POINTS:
        return f"the points {value} are more than {MAX_POINTS:,} (a workshop's dot votes?)"
    return int(value)


def _row(
    cells: list[str], procedure: Procedure, seen: dict[tuple[str, str], int], number: int
) -> WorkshopRow | str:
    """The row of one line, or what is wrong with it."""
    if len(cells) != 3:
        return f"expected 3 columns (field, goal, points), found {len(cells)}"
    field_id, goal_id, raw_points = cells
    field = procedure.field(field_id)
    if field is None:
        return f"unknown action field {field_id!r}"
    if field.goal(goal_id) is None:
        return f"the action field {field_id!r} has no sub-goal {goal_id!r}"
    points = _points(raw_points)
    if isinstance(points, str):
        return points
    first = seen.setdefault((field_id, goal_id), number)
    if first != number:
        return f"sub-goal {field_id} {goal_id} again (first on line {first})"
    return WorkshopRow(field_id, goal_id, points)


def read_workshop_file(data: bytes, procedure: Procedure) -> list[WorkshopRow]:
    """The rows of a workshop file, checked against the procedure; WorkshopFileError listing
    every bad line (by number) when anything is wrong."""
    text = _text(data)
    problems: list[str] = []
    rows: list[WorkshopRow] = []
    seen: dict[tuple[str, str], int] = {}
    for number, cells in numbered_lines(text, HEADER):
        row = _row(cells, procedure, seen, number)
        if isinstance(row, str):
            problems.append(f"line {number}: {row}")
        else:
            rows.append(row)
    if not rows and not problems:
        problems.append("the file has no lines with points")
    if problems:
        raise WorkshopFileError(problems)
    return rows
