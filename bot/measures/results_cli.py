"""`participation-bot results --round measures`: the costed priority list from the command
line, beside a running bot (the database is opened read-only).

    participation-bot results --round measures [--format table|csv|json|pabulib]
        [--rule equal-shares|greedy] [--separator ,] [--decimal point|comma]
        [--language de] [--output FILE]

`--rule` computes the list under the other rule for once (the procedure file's rule is the
default); the comparison column is then the procedure's. `pabulib` writes the election itself
(every anonymous selection) in the Pabulib format, for other tools and researchers.
"""

import argparse
import asyncio
from dataclasses import replace

from bot.config import ConfigError, Settings
from bot.measures.exports import to_csv, to_json, to_table
from bot.measures.outcome import costed_list
from bot.measures.pabulib import to_pabulib
from bot.procedure import Procedure, load_procedure
from bot.results.cli import check_readable, write_out
from bot.results.exports import CsvStyle
from storage import measures as stored
from storage.db import Database


def _style(args: argparse.Namespace) -> CsvStyle:
    # The same choices as the prioritisation's CSV (bot/results/cli.py).
    if args.separator not in (";", ",", "\t", "tab"):
        raise ConfigError(f"--separator {args.separator!r}: use ; or , (or tab)")
    separator = "\t" if args.separator == "tab" else args.separator
    comma = args.decimal == "comma" if args.decimal else separator != ","
    if comma and separator == ",":
        raise ConfigError("--decimal comma needs another separator than , (use --separator ;)")
    return CsvStyle(separator=separator, decimal_comma=comma)


def _procedure(settings: Settings, args: argparse.Namespace) -> Procedure:
    procedure = load_procedure(settings.procedure)
    if procedure.measures is None:
        raise ConfigError(f"{settings.procedure} has no measures round ([measures])")
    if args.rule is not None:
        procedure = replace(procedure, measures=replace(procedure.measures, rule=args.rule))
    return procedure


async def _text(settings: Settings, procedure: Procedure, args: argparse.Namespace) -> str:
    language = args.language or procedure.default_language
    if language not in procedure.languages:
        raise ConfigError(f"--language {language}: use one of {', '.join(procedure.languages)}")
    style = _style(args)
    db = await Database.open_read_only(settings.database)
    try:
        listed = await costed_list(db, procedure)
        ballots = await stored.selections(db) if args.format == "pabulib" else []
    finally:
        await db.close()
    if args.format == "csv":
        return to_csv(listed, procedure, style)
    if args.format == "json":
        return to_json(listed, procedure)
    if args.format == "pabulib":
        return await asyncio.to_thread(to_pabulib, procedure, listed, ballots)
    return to_table(listed, procedure, language)


def measures_results_command(settings: Settings, args: argparse.Namespace) -> int:
    """Print or write the costed priority list; 0 on success (ConfigError for bad input)."""
    if args.format == "markdown":
        raise ConfigError("--format markdown is for the prioritisation; use table, csv, json "
                          "or pabulib with --round measures")  # fmt: skip
    if args.merged or args.weights:
        raise ConfigError("--merged and --weights are for the prioritisation, not --round measures")
    procedure = _procedure(settings, args)
    check_readable(settings)
    return write_out(asyncio.run(_text(settings, procedure, args)), args.output)
