"""`participation-bot results` and `participation-bot import-workshop`: the figures and the
workshop results from the command line, beside a running bot.

    participation-bot results [--format table|csv|json|markdown] [--merged]
        [--weights online=0.5,workshop=0.5] [--separator ,] [--decimal point|comma]
        [--language de] [--output FILE]
    participation-bot import-workshop FILE.csv --source "Rathaus 2019"
    participation-bot import-workshop --list
    participation-bot import-workshop --remove "Rathaus 2019"

`results` opens the database read-only (the bot may keep running and voting goes on: every
query sees one committed state). `import-workshop` writes one transaction per source.
"""

import argparse
import asyncio
import getpass
import sys
from pathlib import Path

from bot.config import ConfigError, Settings
from bot.procedure import Procedure, load_procedure
from bot.results.exports import FORMATS, CsvStyle, to_csv, to_json
from bot.results.outcome import parse_weights
from bot.results.reading import current_outcome
from bot.results.workshop_file import WorkshopFileError, read_workshop_file
from storage import workshops
from storage.db import Database, check_version

EXIT_BAD_INPUT = 1


def add_results_arguments(parser: argparse.ArgumentParser) -> None:
    """The results command's own options."""
    parser.add_argument(
        "--round", choices=("prioritisation", "measures"), default="prioritisation",
        help="prioritisation (default) or measures (the costed priority list)",
    )  # fmt: skip
    parser.add_argument(
        "--format", choices=("table", "csv", "json", "markdown", "pabulib"), default="table",
        help="table (default), csv (for Excel), json, markdown (prioritisation) or pabulib "
        "(measures: the election in the Pabulib format)",
    )  # fmt: skip
    parser.add_argument(
        "--rule", choices=("equal-shares", "greedy"),
        help="measures: the outcome rule (default: the procedure's)",
    )  # fmt: skip
    parser.add_argument(
        "--merged", action="store_true", help="merge with the imported workshop results"
    )
    parser.add_argument(
        "--weights", help="merge weights, e.g. online=0.5,workshop=0.5 (default: the procedure's)"
    )
    parser.add_argument(
        "--separator", default=";", help="CSV separator: ; (default, German Excel) or ,"
    )
    parser.add_argument(
        "--decimal", choices=("point", "comma"),
        help="decimal mark in the CSV (default: comma with ;, point with ,)",
    )  # fmt: skip
    parser.add_argument("--language", help="language of the texts in table and markdown")
    parser.add_argument("--output", type=Path, help="write to this file instead of the screen")


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    """The import-workshop command's own options."""
    parser.add_argument("file", nargs="?", type=Path, help="CSV file: field;goal;points")
    parser.add_argument("--source", help='name of the workshop source, e.g. "Rathaus 2019"')
    parser.add_argument("--list", action="store_true", help="list the imported sources")
    parser.add_argument("--remove", metavar="SOURCE", help="remove an imported source")


def _style(args: argparse.Namespace) -> CsvStyle:
    if args.separator not in (";", ",", "\t", "tab"):
        raise ConfigError(f"--separator {args.separator!r}: use ; or , (or tab)")
    separator = "\t" if args.separator == "tab" else args.separator
    comma = args.decimal == "comma" if args.decimal else separator != ","
    if comma and separator == ",":
        raise ConfigError("--decimal comma needs another separator than , (use --separator ;)")
    return CsvStyle(separator=separator, decimal_comma=comma)


async def _results_text(settings: Settings, procedure: Procedure, args: argparse.Namespace) -> str:
    weights = None
    if args.weights:
        try:
            weights = parse_weights(args.weights)
        except ValueError as exc:
            raise ConfigError(f"--weights: {exc}") from exc
        if not any({**dict(procedure.results.weights), **weights}.values()):
            raise ConfigError("--weights: at least one weight must be above 0")
    language = args.language or procedure.default_language
    if language not in procedure.languages:
        raise ConfigError(f"--language {language}: use one of {', '.join(procedure.languages)}")
    style = _style(args)
    db = await Database.open_read_only(settings.database)
    try:
        outcome = await current_outcome(
            db, procedure, merged=args.merged or bool(weights), weights=weights
        )
    finally:
        await db.close()
    if args.format == "csv":
        return to_csv(outcome, procedure, style)
    if args.format == "json":
        return to_json(outcome, procedure)
    return FORMATS[args.format](outcome, procedure, language)


def results_command(settings: Settings, args: argparse.Namespace) -> int:
    """Print or write the results; 0 on success."""
    if args.round == "measures":
        from bot.measures.results_cli import measures_results_command

        return measures_results_command(settings, args)
    if args.format == "pabulib" or args.rule is not None:
        raise ConfigError("--format pabulib and --rule need --round measures")
    procedure = load_procedure(settings.procedure)
    check_readable(settings)
    return write_out(asyncio.run(_results_text(settings, procedure, args)), args.output)


def check_readable(settings: Settings) -> None:
    """The database exists and its schema is one this version reads (else ConfigError)."""
    if not settings.database.is_file():
        raise ConfigError(f"the database {settings.database} does not exist (BOT_DATABASE)")
    check_version(settings.database)


def check_input_file(path: Path) -> None:
    """The file to import exists and is a file (else ConfigError saying which it is)."""
    if path.is_dir():
        raise ConfigError(f"cannot read {path}: it is a folder, not a file")
    if not path.is_file():
        raise ConfigError(f"cannot read {path}: no such file")


def write_out(text: str, output: Path | None) -> int:
    """The export to stdout, or to `output` with one line on stderr; the exit status."""
    if output is None:
        sys.stdout.write(text)
        return 0
    try:
        # newline="": the CSV carries its own \r\n line ends (Excel's).
        output.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise ConfigError(f"cannot write {output}: {exc.strerror}") from exc
    print(f"written: {output}", file=sys.stderr)
    return 0


async def _import(settings: Settings, procedure: Procedure, args: argparse.Namespace) -> int:
    actor = f"command line ({getpass.getuser()})"
    db = await Database.open(settings.database)
    try:
        if args.list:
            found = await workshops.sources(db)
            for source in found:
                print(
                    f"{source.name}: {source.rows} rows, {source.points} points, "
                    f"from {source.file_name}, imported {source.imported_at}"
                )
            if not found:
                print("no workshop results imported yet")
            return 0
        if args.remove:
            if not await workshops.remove_source(db, args.remove, actor):
                print(f"no workshop source named {args.remove!r}", file=sys.stderr)
                return EXIT_BAD_INPUT
            print(f"removed: {args.remove}")
            return 0
        rows = read_workshop_file(args.file.read_bytes(), procedure)
        replaced = await workshops.replace_source(
            db, args.source, args.file.name,
            [(row.field_id, row.goal_id, row.points) for row in rows], actor,
        )  # fmt: skip
        verb = "replaced" if replaced else "imported"
        print(f"{verb}: {args.source} ({len(rows)} rows, {sum(r.points for r in rows)} points)")
        return 0
    finally:
        await db.close()


def import_command(settings: Settings, args: argparse.Namespace) -> int:
    """Import, list or remove workshop results; 0 on success, 1 when the file is refused."""
    modes = sum((args.list, args.remove is not None, args.file is not None))
    if modes != 1:
        raise ConfigError("give a FILE with --source, or --list, or --remove SOURCE")
    if args.file is not None and not (args.source or "").strip():
        raise ConfigError('--source is required with a file, e.g. --source "Rathaus 2019"')
    if args.source is not None:
        args.source = args.source.strip()
        if len(args.source) > 80:
            raise ConfigError("--source: at most 80 characters")
    procedure = load_procedure(settings.procedure)
    check_version(settings.database)
    if args.file is not None:
        check_input_file(args.file)
    try:
        return asyncio.run(_import(settings, procedure, args))
    except WorkshopFileError as exc:
        for problem in exc.problems:
            print(f"{args.file}: {problem}", file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) found; nothing was imported.", file=sys.stderr)
        return EXIT_BAD_INPUT
