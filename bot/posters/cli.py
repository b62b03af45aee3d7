"""`participation-bot poster`: printable A4 posters with a QR code, one per language.

    participation-bot poster [--language de|…|all] [--field ID] [--format pdf|png|svg]
        [--output DIR] [--bot-username NAME]

The code opens the bot in the poster's language (`?start=lang-<code>`) or, with --field, at
that action field (`?start=field-<id>`). The username comes from --bot-username, else from
Telegram (getMe) when a token is set (BOT_TOKEN, --token-file). Every input is checked before
anything is written; each file written is one line on standard output.
"""

import argparse
import asyncio
from pathlib import Path

from bot.config import ConfigError, Settings
from bot.i18n import Catalogs
from bot.posters.content import poster_content
from bot.posters.layout import FORMATS, render
from bot.posters.links import (
    LinkError,
    bot_username,
    deep_link,
    field_payload,
    language_payload,
)
from bot.posters.username import username_from_telegram
from bot.procedure import Field, Procedure, load_procedure
from bot.resources import locales_dir


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The poster command's own options."""
    parser.add_argument(
        "--language", default="all",
        help="a language of the procedure (de, en, …) or all (default: all)",
    )  # fmt: skip
    parser.add_argument("--field", help="link to this action field instead of the greeting")
    # No argparse `choices`: its answer is a usage block; ours is one line like the others.
    parser.add_argument("--format", default="pdf", help="pdf (default, for print), png or svg")
    parser.add_argument(
        "--output", type=Path, default=Path(), help="folder for the files (default: here)"
    )
    parser.add_argument(
        "--bot-username", help="the bot's @username (default: asked from Telegram with the token)"
    )


def _languages(procedure: Procedure, wanted: str) -> tuple[str, ...]:
    if wanted == "all":
        return procedure.languages
    if wanted not in procedure.languages:
        raise ConfigError(
            f"--language {wanted}: this procedure offers {', '.join(procedure.languages)} (or all)"
        )
    return (wanted,)


def _field(procedure: Procedure, wanted: str | None) -> Field | None:
    if wanted is None:
        return None
    field = procedure.field(wanted)
    if field is None:
        ids = ", ".join(f.id for f in procedure.fields)
        raise ConfigError(f"--field {wanted}: no such action field; the fields are: {ids}")
    return field


def _username(settings: Settings, given: str | None) -> str:
    if given is not None:
        return bot_username(given)
    if settings.token is None:
        raise ConfigError(
            "the posters need the bot's username: pass --bot-username NAME (as in "
            "t.me/NAME), or set BOT_TOKEN or --token-file to ask Telegram for it"
        )
    return bot_username(asyncio.run(username_from_telegram(settings.token, settings.api_url)))


def poster_command(settings: Settings, args: argparse.Namespace) -> int:
    """Write the posters; 0 on success (bad input raises ConfigError: exit 2, nothing written)."""
    procedure = load_procedure(settings.procedure)
    if args.format not in FORMATS:
        raise ConfigError(f"--format {args.format}: use {', '.join(FORMATS)}")
    languages = _languages(procedure, args.language)
    field = _field(procedure, args.field)
    try:
        payload = field_payload(field) if field is not None else None
        username = _username(settings, args.bot_username)
    except LinkError as exc:
        raise ConfigError(str(exc)) from exc
    output: Path = args.output
    if output.exists() and not output.is_dir():
        raise ConfigError(f"--output {output}: this is a file, not a folder")
    catalogs = Catalogs.load(locales_dir(), procedure.languages, procedure.timezone)
    try:
        output.mkdir(parents=True, exist_ok=True)
        for language in languages:
            link = deep_link(username, payload or language_payload(language))
            poster = poster_content(catalogs.translator(language), procedure, link, field)
            suffix = f"-{field.id}" if field is not None else ""
            path = output / f"poster-{language}{suffix}.{args.format}"
            # Written beside it, then renamed: a full disk never leaves half a poster.
            partial = path.with_name(path.name + ".partial")
            try:
                partial.write_bytes(render(poster, args.format))
                partial.replace(path)
            finally:
                partial.unlink(missing_ok=True)
            print(path)
    except OSError as exc:
        raise ConfigError(f"--output {output}: cannot write there ({exc.strerror})") from exc
    return 0
