"""Setting the profile texts in Telegram at start-up, only those that changed.

What was set is remembered in bot_state (a fingerprint per kind and language), so a restart
with the same procedure file and catalogs makes no call. A text Telegram refused or never
answered is not remembered and is tried again at the next start; nothing here stops the bot.
"""

import hashlib
import logging

from telegram import Bot
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot.i18n import Catalogs
from bot.procedure import Procedure
from bot.profile.texts import DESCRIPTION, ProfileText, profile_texts
from storage import bot_state
from storage.db import Database

log = logging.getLogger(__name__)

PREFIX = "profile."  # bot_state keys: profile.<kind>.<language>, "*" for everyone else


def state_key(kind: str, language: str) -> str:
    """The bot_state key remembering one text."""
    return f"{PREFIX}{kind}.{language or '*'}"


def fingerprint(text: str) -> str:
    """What is stored about a text set: its hash (enough to see a change)."""
    return hashlib.sha256(text.encode()).hexdigest()


def _withdrawn(stored: dict[str, str], texts: list[ProfileText]) -> list[ProfileText]:
    """Empty texts for languages set earlier and no longer offered: Telegram would otherwise
    keep showing their old texts to readers of that language."""
    current = {state_key(item.kind, item.language) for item in texts}
    empty = fingerprint("")
    gone = []
    for key, value in sorted(stored.items()):
        if key in current or value == empty:
            continue
        kind, _, language = key.removeprefix(PREFIX).rpartition(".")
        gone.append(ProfileText(kind, "" if language == "*" else language, ""))
    return gone


async def _set(bot: Bot, item: ProfileText) -> None:
    language = item.language or None
    # An empty text is left out instead of sent as "": with Defaults, python-telegram-bot 22
    # turns "" into [] (an empty sequence of poll options, to its eyes), which would reach
    # Telegram as the text "[]". The Bot API reads a missing text as empty: removed.
    text = item.text or None
    if item.kind == DESCRIPTION:
        await bot.set_my_description(text, language_code=language)
    else:
        await bot.set_my_short_description(text, language_code=language)


def _out_of_reach(error: TelegramError) -> bool:
    # Telegram did not answer, or asks to wait; BadRequest is a NetworkError in
    # python-telegram-bot, but it is an answer: that one text was refused.
    if isinstance(error, RetryAfter):
        return True
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


def _name(item: ProfileText) -> str:
    language = item.language or "everyone else"
    return f"{item.kind.replace('_', ' ')} ({language})"


async def update_profile(bot: Bot, db: Database, procedure: Procedure, catalogs: Catalogs) -> int:
    """Set the description and short description of every offered language (and the default
    language's for everyone else) that Telegram does not have yet; returns how many were set.
    Failures are logged as warnings and retried at the next start."""
    texts = profile_texts(procedure, catalogs)
    stored = await bot_state.get_all(db, PREFIX)
    done = 0
    for item in [*texts, *_withdrawn(stored, texts)]:
        key, value = state_key(item.kind, item.language), fingerprint(item.text)
        if stored.get(key) == value:
            continue
        if item.excess:
            # Telegram would refuse it; `participation-bot check` names the text to shorten.
            log.warning(
                "bot %s not set: %d characters over Telegram's limit of %d "
                "(participation-bot check names it)",
                _name(item), item.excess, item.limit,
            )  # fmt: skip
            continue
        try:
            await _set(bot, item)
        except TelegramError as exc:
            if _out_of_reach(exc):
                # Try the rest at the next start rather than hold up the start-up with one
                # timeout after another.
                log.warning(
                    "bot profile not updated now (%s: %s); tried again at the next start",
                    type(exc).__name__, exc.message,
                )  # fmt: skip
                break
            log.warning("bot %s not set, Telegram refused it: %s", _name(item), exc.message)
            continue
        await bot_state.put(db, key, value)
        done += 1
    if done:
        log.info("bot profile: %d text(s) set in Telegram", done)
    return done
