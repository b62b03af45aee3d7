"""`participation-bot backup FILE [--force]`: a consistent copy of the database, beside the
running bot (no lock: it only reads, through SQLite's online backup API).

Prints one line with the file, its size and its schema version. The copy has mode 0600 (the
database lists Telegram user ids) and never holds the secret. Restore: stop the bot, move the
damaged file and its -wal and -shm files aside, copy the backup to BOT_DATABASE, start the bot
(docs/deployment.md).
"""

import argparse
from pathlib import Path

from bot.config import ConfigError, Settings
from storage.backup import BackupError, copy_database


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The backup command's own arguments."""
    parser.add_argument("file", type=Path, help="the backup file to write, e.g. /var/backups/p.db")
    parser.add_argument(
        "--force", action="store_true", help="replace FILE if it exists (once the copy is whole)"
    )


def size_text(size: int) -> str:
    """A file size for people: bytes below a kilobyte, else kB, MB or GB with one decimal."""
    if size < 1000:
        return f"{size} bytes"
    value, unit = size / 1000, "kB"
    for bigger in ("MB", "GB"):
        if value < 1000:
            break
        value, unit = value / 1000, bigger
    return f"{value:.1f} {unit}"


def backup_command(settings: Settings, args: argparse.Namespace) -> int:
    """Write the backup and say so in one line; 0 on success. Failures raise ConfigError."""
    try:
        made = copy_database(settings.database, args.file, overwrite=args.force)
    except BackupError as exc:
        raise ConfigError(str(exc)) from exc
    print(
        f"backup written: {made.path} ({size_text(made.size)}, schema version "
        f"{made.schema_version})"
    )
    return 0
