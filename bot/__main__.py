"""The command line: `participation-bot run | demo | check | broadcast | results |
import-workshop | import-measures | purge | poster | backup` (also `python -m bot`)."""

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.broadcasting.cli import add_arguments as add_broadcast_arguments
from bot.broadcasting.cli import broadcast_command
from bot.config import SETTINGS, ConfigError, Settings, load_settings
from bot.i18n import CatalogError
from bot.measures.importing import add_arguments as add_import_measures_arguments
from bot.measures.importing import import_measures_command
from bot.operations.backup import add_arguments as add_backup_arguments
from bot.operations.backup import backup_command
from bot.operations.stats import add_arguments as add_stats_arguments
from bot.operations.stats import stats_command
from bot.posters.cli import add_arguments as add_poster_arguments
from bot.posters.cli import poster_command
from bot.privacy.cli import add_arguments as add_purge_arguments
from bot.privacy.cli import purge_command
from bot.procedure import ProcedureError, coverage
from bot.profile.check import profile_problems
from bot.results.cli import (
    add_import_arguments,
    add_results_arguments,
    import_command,
    results_command,
)
from bot.voting.rules import RulesChangedError
from storage.backup import BackupError
from storage.db import DatabaseInUseError, NotADatabaseError, SchemaTooNewError

EXIT_INVALID = 1  # `check` found problems
EXIT_CONFIG = 2  # a setting, the procedure file or the database stops the bot from starting


@dataclass(frozen=True)
class Command:
    """A command that works on the files beside the bot: its help, the settings it takes,
    its own arguments and what it does (the exit status)."""

    help: str
    settings: tuple[str, ...]
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[Settings, argparse.Namespace], int]


# In the order `participation-bot --help` lists them, after run and demo.
COMMANDS = {
    "broadcast": Command(
        "queue a broadcast from files (the running bot delivers it)",
        ("database", "procedure", "broadcast_rate"),
        add_broadcast_arguments,
        broadcast_command,
    ),
    "results": Command(
        "the results so far (safe while the bot runs): table, CSV, JSON, Markdown",
        ("database", "procedure"),
        add_results_arguments,
        results_command,
    ),
    "import-workshop": Command(
        "import, list or remove town-hall workshop results (CSV)",
        ("database", "procedure"),
        add_import_arguments,
        import_command,
    ),
    "import-measures": Command(
        "import measures from workshops as approved measures (CSV)",
        ("database", "procedure"),
        add_import_measures_arguments,
        import_measures_command,
    ),
    "purge": Command(
        "remove the link between Telegram ids and the procedure (after it ended)",
        ("database", "procedure", "secret", "secret_file"),
        add_purge_arguments,
        purge_command,
    ),
    "backup": Command(
        "a consistent copy of the database (safe while the bot runs)",
        ("database",),
        add_backup_arguments,
        backup_command,
    ),
    "poster": Command(
        "printable A4 posters with a QR code that opens the bot (PDF, PNG, SVG)",
        ("procedure", "token", "token_file", "api_url"),
        add_poster_arguments,
        poster_command,
    ),
    "stats": Command(
        "a one-screen summary for cron or monitoring (safe while the bot runs)",
        ("database",),
        add_stats_arguments,
        stats_command,
    ),
}


def _add_settings(parser: argparse.ArgumentParser, names: Sequence[str]) -> None:
    helps = {
        "token": "bot token from @BotFather; other users see flags in `ps`: prefer BOT_TOKEN "
        "or --token-file",
        "api_url": "Bot API base URL; the token is appended (default https://api.telegram.org/bot)",
        "database": "SQLite database file (default participation.db)",
        "procedure": "procedure file (default: the shipped example)",
        "admins": "comma-separated Telegram user ids of staff",
        "secret": "secret that pseudonymises ballots (keep it safe, never change it); other "
        "users see flags in `ps`: prefer BOT_SECRET or --secret-file",
        "log_level": "DEBUG, INFO, WARNING or ERROR (default INFO)",
        "log_format": "text (default: one readable line per event) or json (one JSON object "
        "per line)",
        "broadcast_rate": "broadcast messages per second (default 25)",
        "paid_broadcast": "1: use Telegram's paid broadcasts, up to 1000 messages a second",
        "webhook_url": "receive updates by webhook at this public https:// address (behind a "
        "reverse proxy) instead of polling",
        "webhook_listen": "webhook mode: address to listen on (default 127.0.0.1)",
        "webhook_port": "webhook mode: port to listen on, also for /healthz (default 8443)",
        "webhook_secret": "webhook mode: the secret token Telegram sends with every update "
        "(default: generated once and kept in the database); prefer BOT_WEBHOOK_SECRET",
        "token_file": "read the bot token from the first line of this file",
        "secret_file": "read the secret from the first line of this file (e.g. a systemd "
        "credential: --secret-file %%d/bot-secret)",
    }
    for name in names:
        env, flag = SETTINGS[name]
        parser.add_argument(flag, dest=name, default=None, help=f"{helps[name]} [{env}]")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="participation-bot",
        description="A Telegram bot for a municipal citizen participation procedure.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser(
        "run", help="run the bot against Telegram (long polling, or a webhook with --webhook-url)"
    )
    _add_settings(run, list(SETTINGS))
    run.add_argument(
        "--insecure-dev-secret",
        action="store_true",
        help="start without BOT_SECRET using a public development value: ballots are NOT "
        "private (local trials only, never in production; warns at every start)",
    )
    demo = commands.add_parser("demo", help="chat with the bot in this terminal, offline")
    _add_settings(demo, ["database", "procedure", "log_level"])
    demo.add_argument(
        "--user-language",
        default="en",
        help="the Telegram language of the demo resident, e.g. de, ar, pt-BR (default en)",
    )
    demo.add_argument(
        "--staff",
        action="store_true",
        help="make the demo user staff (BOT_ADMINS), to try /voting, /news and the results",
    )
    for name, command in COMMANDS.items():
        sub = commands.add_parser(name, help=command.help)
        _add_settings(sub, command.settings)
        command.add_arguments(sub)
    check = commands.add_parser("check", help="validate a procedure file")
    check.add_argument("file", nargs="?", type=Path, help="procedure file (default BOT_PROCEDURE)")
    return parser


def _fail(message: str, code: int = EXIT_CONFIG) -> int:
    print(f"participation-bot: {message}", file=sys.stderr)
    return code


def _settings(args: argparse.Namespace) -> Settings:
    flags = {name: getattr(args, name, None) for name in SETTINGS}
    return load_settings(flags, os.environ)


def check(path: Path) -> int:
    """Validate a procedure file and print problems or a per-language coverage table."""
    try:
        table = coverage(path)
    except ProcedureError as exc:
        for problem in exc.problems:
            print(f"{path}: {problem}")
        print(f"{len(exc.problems)} problem(s) found; the bot will not start with this file.")
        return EXIT_INVALID
    # The bot's profile texts, with the catalogs' words: Telegram refuses them when too long.
    too_long = profile_problems(path)
    for problem in too_long:
        print(f"{path}: {problem}")
    if too_long:
        print(f"{len(too_long)} problem(s) found; Telegram would refuse these profile texts.")
        return EXIT_INVALID
    print(f"{path}: valid")
    print(f"{'language':<10}{'translated':>12}  missing")
    for row in table:
        missing = ", ".join(row.missing[:3]) + (" …" if len(row.missing) > 3 else "")
        print(f"{row.language:<10}{row.translated:>6} / {row.total:<4} {missing or '-'}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            path = args.file or _settings(args).procedure
            return check(path)
        settings = _settings(args)
        if args.command in COMMANDS:
            return COMMANDS[args.command].run(settings, args)
        if args.command == "run":
            from bot.runner import run

            return run(settings, insecure_dev_secret=args.insecure_dev_secret)
        from bot.demo import demo

        return demo(settings, user_language=args.user_language, staff=args.staff)
    except ConfigError as exc:
        return _fail(str(exc))
    except ProcedureError as exc:
        return _fail("the procedure file has problems:\n" + str(exc))
    except (
        SchemaTooNewError,
        NotADatabaseError,
        DatabaseInUseError,
        CatalogError,
        RulesChangedError,
        BackupError,
    ) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        logging.getLogger(__name__).info("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
