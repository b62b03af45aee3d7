"""The reader of an update: the stored participant, and the language they read in (their
choice, else Telegram's language_code negotiated against the offered languages, else the
procedure's default, and then the resident is asked to pick one first)."""

from dataclasses import dataclass

from telegram import User

from bot.chat.services import Services
from bot.i18n import Translator, match
from storage import participants
from storage.participants import Participant


@dataclass(frozen=True)
class Reader:
    """Who sent an update, as far as the bot knows: stored participant and translator."""

    participant: Participant | None
    t: Translator
    # True when neither a stored choice nor Telegram's language_code names an offered
    # language: `t` is the procedure's default, which this resident may not read.
    guessed: bool = False

    @property
    def consented(self) -> bool:
        """True when the resident agreed to have their ballot stored."""
        return self.participant is not None and self.participant.consent_at is not None


async def read_reader(services: Services, user: User | None) -> Reader:
    """The reader behind a Telegram user (None: an update without a user)."""
    offered, default = services.procedure.languages, services.procedure.default_language
    stored = await participants.get(services.database, user.id) if user is not None else None
    if stored is not None and stored.language in offered:
        return Reader(stored, services.catalogs.translator(stored.language))
    matched = match(user.language_code if user else None, offered)
    return Reader(stored, services.catalogs.translator(matched or default), matched is None)
