"""`participation-bot import-measures FILE.csv [--source NAME]`: measures developed in
workshops, imported as approved measures with their cost.

    field;goal;cost;language;title;description      <- an optional header line
    language;courses;40000;de;Abendkurse;Zwei Deutschkurse am Abend, mit Kinderbetreuung.

Semicolon- or comma-separated (as Excel saves it), UTF-8 with or without a byte order mark;
a text with the separator in it is quoted ("…"). Blank lines are skipped. Every bad line is
reported with its number and the reason, and a file with any bad line is refused whole, so
that a workshop is never half imported. Each line becomes the measure "import:<source>:<line>":
importing the same file again adds nothing.
"""

import argparse
import asyncio
import sys
from pathlib import Path

from bot.config import ConfigError, Settings
from bot.csv_lines import FileProblems, numbered_lines
from bot.procedure import Measures, Procedure, load_procedure
from bot.results.cli import check_input_file
from storage import measures
from storage.db import Database, check_version
from storage.measures import MeasureText, Seed

HEADER = ("field", "goal", "cost", "language", "title", "description")
EXIT_BAD_INPUT = 1
MAX_SOURCE = 80


class MeasuresFileError(FileProblems):
    """A measures file that cannot be imported; `problems` has one line per bad line."""


def _cost(cell: str, round_: Measures) -> int | str:
    """The cost as a whole number within the ceiling and the budget, or what is wrong."""
    value = cell.strip()
    if not (value.isascii() and value.isdigit()):
        return f"the cost {value!r} is not a whole number"
    digits = value.lstrip("0") or "0"
    if len(digits) > 18:
        # More than any budget, and int() refuses a few thousand digits: over the limit, said
        # without echoing them all.
        limit = round_.max_cost if round_.max_cost is not None else round_.budget
        what = "the highest cost per measure" if round_.max_cost is not None else "the budget"
        return f"the cost {digits[:6]}… ({len(digits)} digits) is over {what} ({limit})"
    cost = int(digits)
    if cost <= 0:
        return "the cost must be more than 0"
    if round_.max_cost is not None and cost > round_.max_cost:
        return f"the cost {cost} is over the highest cost per measure ({round_.max_cost})"
    if cost > round_.budget:
        return f"the cost {cost} is over the budget ({round_.budget})"
    return cost


def _row(cells: list[str], procedure: Procedure, round_: Measures, ref: str) -> Seed | str:
    """The measure of one line, or what is wrong with it."""
    if len(cells) != len(HEADER):
        return f"expected {len(HEADER)} columns ({', '.join(HEADER)}), found {len(cells)}"
    field_id, goal_id, raw_cost, language, title, description = cells
    field = procedure.field(field_id)
    if field is None:
        return f"unknown action field {field_id!r}"
    if field.goal(goal_id) is None:
        return f"the action field {field_id!r} has no sub-goal {goal_id!r}"
    cost = _cost(raw_cost, round_)
    if isinstance(cost, str):
        return cost
    if language not in procedure.languages:
        return f"unknown language {language!r} (use one of {', '.join(procedure.languages)})"
    title = " ".join(title.split())
    for name, text, limit in (
        ("title", title, round_.title_max),
        ("description", description, round_.description_max),
    ):
        if not text:
            return f"the {name} is empty"
        if len(text) > limit:
            return f"the {name} has {len(text)} characters, more than {limit}"
    return Seed(ref, field_id, goal_id, cost, language, {language: MeasureText(title, description)})


def read_measures_file(data: bytes, procedure: Procedure, source: str) -> list[Seed]:
    """The measures of a file, checked against the procedure; MeasuresFileError listing every
    bad line (by number) when anything is wrong."""
    round_ = procedure.measures
    if round_ is None:
        raise MeasuresFileError(["the procedure file has no [measures] section"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise MeasuresFileError(
            [f"the file is not UTF-8 (byte {exc.start}): save it as “CSV UTF-8”"]
        ) from exc
    problems: list[str] = []
    seeds: list[Seed] = []
    for number, cells in numbered_lines(text, HEADER):
        row = _row(cells, procedure, round_, f"import:{source}:{number}")
        if isinstance(row, str):
            problems.append(f"line {number}: {row}")
        else:
            seeds.append(row)
    if not seeds and not problems:
        problems.append("the file has no measures")
    if problems:
        raise MeasuresFileError(problems)
    return seeds


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The import-measures command's own options."""
    parser.add_argument(
        "file", type=Path, help="CSV file: field;goal;cost;language;title;description"
    )
    parser.add_argument(
        "--source", help="name of the workshop (default: the file's name); part of each ref"
    )


async def _import(settings: Settings, seeds: list[Seed]) -> int:
    db = await Database.open(settings.database)
    try:
        # The command line: the audit entry ("measures.import") names no Telegram user.
        return await measures.import_workshop(db, None, seeds)
    finally:
        await db.close()


def import_measures_command(settings: Settings, args: argparse.Namespace) -> int:
    """Import workshop measures; 0 on success, 1 when the file is refused."""
    source = (args.source or args.file.stem).strip()
    if not source or len(source) > MAX_SOURCE or ":" in source:
        raise ConfigError(f"--source: 1 to {MAX_SOURCE} characters, without ':'")
    procedure = load_procedure(settings.procedure)
    if procedure.measures is None:
        raise ConfigError(f"{settings.procedure} has no [measures] section: nothing to import")
    check_version(settings.database)
    check_input_file(args.file)
    try:
        seeds = read_measures_file(args.file.read_bytes(), procedure, source)
    except MeasuresFileError as exc:
        for problem in exc.problems:
            print(f"{args.file}: {problem}", file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found; nothing was imported.", file=sys.stderr)
        return EXIT_BAD_INPUT
    added = asyncio.run(_import(settings, seeds))
    print(f"imported: {added} new measure(s) from {source} ({len(seeds) - added} imported before)")
    return 0
