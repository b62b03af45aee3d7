"""`participation-bot purge`: remove the link between Telegram ids and the procedure.

    participation-bot purge [--before 2021-06-30] [--yes]

Without --before (after the procedure ended, voting closed): every participant, subscription
and news delivery goes, user ids leave the audit log, and every ballot stays in the tallies
under a new random key that no secret leads to. With --before DATE: only residents last seen
before that day (procedure timezone), at any time. Needs BOT_SECRET (to find the ballots of
the residents it removes). The running bot may keep running: this is one transaction.
"""

import argparse
import asyncio
import sys
from datetime import UTC, datetime, time

from bot.config import ConfigError, Settings
from bot.procedure import Procedure, load_procedure
from bot.voting.voter import voter_key
from bot.voting.window import WindowState, window
from storage.db import Database, check_version
from storage.privacy import Purged, purge


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The purge command's own options."""
    parser.add_argument(
        "--before", metavar="DATE",
        help="only residents last seen before this day, e.g. 2021-06-30 (default: everybody, "
        "after voting closed)",
    )  # fmt: skip
    parser.add_argument("--yes", action="store_true", help="purge without asking")


def _before(text: str | None, procedure: Procedure) -> str | None:
    if text is None:
        return None
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError as exc:
        raise ConfigError(f"--before {text}: expected a date like 2021-06-30") from exc
    start = datetime.combine(day, time(0), tzinfo=procedure.timezone)
    return start.astimezone(UTC).isoformat(timespec="seconds")


async def _purge(settings: Settings, procedure: Procedure, before: str | None) -> Purged:
    secret = settings.require_secret()
    db = await Database.open(settings.database)
    try:
        if before is None and (await window(db, procedure)).state() is not WindowState.CLOSED:
            raise ConfigError(
                "voting is not closed: purging everybody now would take away their ballots' "
                "owners while they may still vote. Purge after the close, or use --before DATE."
            )
        return await purge(db, lambda user_id: voter_key(secret, user_id), before)
    finally:
        await db.close()


def purge_command(settings: Settings, args: argparse.Namespace) -> int:
    """Ask (unless --yes), purge, say what was removed; the exit status."""
    procedure = load_procedure(settings.procedure)
    if not settings.database.is_file():
        raise ConfigError(f"the database {settings.database} does not exist (BOT_DATABASE)")
    check_version(settings.database)
    settings.require_secret()
    before = _before(args.before, procedure)
    who = f"residents last seen before {args.before}" if before else "every resident"
    print(
        f"This removes, for {who}: their participant rows, subscriptions and news deliveries, "
        "and user ids from the audit log. Their ballots stay in the results under a new "
        "random key. It cannot be undone."
    )
    if not args.yes:
        if not sys.stdin.isatty():
            print("not purged: add --yes to purge without asking")
            return 1
        if input("Purge? [y/N] ").strip().lower() not in ("y", "yes", "j", "ja"):
            print("not purged")
            return 1
    purged = asyncio.run(_purge(settings, procedure, before))
    print(
        f"purged: {purged.participants} participants removed, "
        f"{purged.ballots_unlinked} ballots unlinked from their Telegram ids"
    )
    return 0
