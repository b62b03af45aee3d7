"""`participation-bot broadcast`: queue a broadcast from files, for staff who prefer them.

    participation-bot broadcast --text de=news-de.md --text en=news-en.md \\
        [--kind news|phase --phase ID] [--audience all|de,en] [--at "2020-02-25 10:00"] [--yes]

The files hold the text per language (.md: **bold**, *italic*, [links](https://…); .html:
Telegram HTML; anything else: plain text). Without --yes the preview is printed and the
command asks before queueing. The running bot's worker delivers it (within a second or two).
"""

import argparse
import asyncio
import html
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.broadcasting import publishing
from bot.broadcasting.texts import (
    is_blank,
    markdown_to_html,
    over_the_limit,
    too_long,
)
from bot.chat.text import MAX_MESSAGE
from bot.config import ConfigError, Settings
from bot.i18n import Catalogs
from bot.procedure import Procedure, load_procedure
from bot.resources import locales_dir
from storage import outbox
from storage.db import Database, check_version


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The broadcast command's own options."""
    parser.add_argument(
        "--text", action="append", required=True, metavar="LANG=FILE",
        help="text of one language from a file; the default language is required",
    )  # fmt: skip
    parser.add_argument("--kind", choices=("news", "phase"), default="news")
    parser.add_argument("--phase", help="the phase that becomes current (with --kind phase)")
    parser.add_argument("--audience", default="all", help="all (default) or languages: de,en")
    parser.add_argument("--at", help='send at this time (procedure timezone): "2020-02-25 10:00"')
    parser.add_argument("--yes", action="store_true", help="queue without asking")


def _read_texts(pairs: list[str], procedure: Procedure) -> dict[str, str]:
    texts = {}
    for pair in pairs:
        language, _, name = pair.partition("=")
        if language not in procedure.languages or not name:
            offered = ", ".join(procedure.languages)
            raise ConfigError(f"--text {pair}: expected LANG=FILE with LANG one of {offered}")
        path = Path(name)
        try:
            raw = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"--text {pair}: cannot read {name}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"--text {pair}: cannot read {name}: it is not UTF-8 text (save it as UTF-8)"
            ) from exc
        if path.suffix.lower() == ".md":
            text = markdown_to_html(raw)
        elif path.suffix.lower() in (".html", ".htm"):
            text = raw.strip()
        else:
            text = html.escape(raw.strip(), quote=False)
        if is_blank(text):
            raise ConfigError(f"--text {pair}: the file is empty")
        length = too_long(text)
        if length is not None:
            raise ConfigError(
                f"--text {pair}: {length} characters, {length - MAX_MESSAGE} too many; "
                f"Telegram allows at most {MAX_MESSAGE}"
            )
        texts[language] = text
    if procedure.default_language not in texts:
        raise ConfigError(
            f"--text: the default language ({procedure.default_language}) is required"
        )
    return texts


def _options(
    args: argparse.Namespace, procedure: Procedure
) -> tuple[set[str] | None, str | None, datetime | None]:
    languages = None
    if args.audience != "all":
        languages = {code.strip() for code in args.audience.split(",") if code.strip()}
        unknown = languages - set(procedure.languages)
        if unknown or not languages:
            raise ConfigError(
                f"--audience: unknown language(s): {', '.join(sorted(unknown)) or '-'}"
            )
    phase = None
    if args.kind == "phase":
        if args.phase not in {p.id for p in procedure.phases}:
            ids = ", ".join(p.id for p in procedure.phases)
            raise ConfigError(f"--phase: {args.phase!r} is not a phase of the procedure ({ids})")
        phase = args.phase
    at = None
    if args.at:
        try:
            at = datetime.strptime(args.at, "%Y-%m-%d %H:%M").replace(tzinfo=procedure.timezone)
        except ValueError as exc:
            raise ConfigError('--at: expected a time like "2020-02-25 10:00"') from exc
        if at <= datetime.now(UTC):
            raise ConfigError("--at: the time is in the past")
    return languages, phase, at


def broadcast_command(settings: Settings, args: argparse.Namespace) -> int:
    """Validate, show the preview, ask (unless --yes), queue; the exit status."""
    procedure = load_procedure(settings.procedure)
    texts = _read_texts(args.text, procedure)
    languages, phase, at = _options(args, procedure)
    check_version(settings.database)
    catalogs = Catalogs.load(locales_dir(), procedure.languages, procedure.timezone)
    every = publishing.messages_for(catalogs, procedure, "phase" if phase else "news", texts)
    sizes = asyncio.run(_audience(settings, procedure, languages))
    _check_lengths(every, set(languages or procedure.languages) | set(sizes), procedure)
    for language, count in sorted(sizes.items()):
        gone = "" if language in procedure.languages else ", no longer offered"
        print(f"--- {language}: {count} recipient(s){gone} ---\n{every[language]}\n")
    total = sum(sizes.values())
    minutes = max(1, round(total / settings.broadcast_rate / 60))
    when = at.isoformat(sep=" ", timespec="minutes") if at else "now"
    print(f"{total} recipient(s); about {minutes} min at {settings.broadcast_rate:g}/s; {when}")
    if not args.yes:
        if not sys.stdin.isatty():
            print("not queued: add --yes to queue without asking")
            return 1
        if input("Queue this broadcast? [y/N] ").strip().lower() not in ("y", "yes", "j", "ja"):
            print("not queued")
            return 1
    broadcast_id = asyncio.run(_queue(settings, procedure, texts, languages, phase, at))
    print(f"queued as broadcast #{broadcast_id}; the running bot delivers it")
    return 0


def _check_lengths(every: dict[str, str], groups: set[str], procedure: Procedure) -> None:
    """Each language group's message as it will be sent (with the note where there is no
    translation) must fit Telegram's limit; which is too long, and by how much."""
    lengths = over_the_limit(every, groups)
    if lengths:
        details = "; ".join(
            f"{language}: {length} characters with the note, {length - MAX_MESSAGE} too many"
            for language, length in lengths.items()
        )
        raise ConfigError(
            f"--text: too long for Telegram (at most {MAX_MESSAGE} characters) in {details}. "
            f"Shorten the {procedure.default_language} text or give --text for these languages"
        )


async def _audience(
    settings: Settings, procedure: Procedure, languages: set[str] | None
) -> dict[str, int]:
    db = await Database.open(settings.database)
    try:
        return await outbox.audience_sizes(db, procedure.default_language, languages)
    finally:
        await db.close()


async def _queue(
    settings: Settings,
    procedure: Procedure,
    texts: dict[str, str],
    languages: set[str] | None,
    phase: str | None,
    at: datetime | None,
) -> int:
    db = await Database.open(settings.database)
    try:
        return await publishing.queue(
            db,
            procedure,
            author_id=None,
            texts=texts,
            kind="phase" if phase else "news",
            phase_id=phase,
            languages=languages,
            send_at=at,
        )
    finally:
        await db.close()
