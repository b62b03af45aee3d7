"""The reader of an update: the stored participant, and the language they read in (their
choice, else Telegram's language_code negotiated against the offered languages, else the
procedure's default)."""

from dataclasses import dataclass

from telegram import User

from bot.chat.services import Services
from bot.i18n import Translator, negotiate
from storage import participants
from storage.participants import Participant


@dataclass(frozen=True)
class Reader:
    """Who sent an update, as far as the bot knows: stored participant and translator."""

    participant: Participant | None
    t: Translator

    @property
    def consented(self) -> bool:
        """True when the resident agreed to have their ballot stored."""
        return self.participant is not None and self.participant.consent_at is not None


async def read_reader(services: Services, user: User | None) -> Reader:
    """The reader behind a Telegram user (None: an update without a user)."""
    offered, default = services.procedure.languages, services.procedure.default_language
    stored = await participants.get(services.database, user.id) if user is not None else None
    if stored is not None and stored.language in offered:
        language = stored.language
    else:
        language = negotiate(user.language_code if user else None, offered, default)
    return Reader(stored, services.catalogs.translator(language))
