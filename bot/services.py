"""What every handler needs, kept in one typed object in application.bot_data."""

from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import ContextTypes

from bot.broadcast import BroadcastWorker
from bot.config import Settings
from bot.i18n import Catalogs, Translator, negotiate
from bot.procedure import Procedure
from bot.send_budget import SendBudget
from bot.voting import rules_json
from storage import participants
from storage.db import Database
from storage.participants import Participant

KEY = "services"


@dataclass
class Services:
    """The settings, the procedure, the catalogs and (after post_init) the database."""

    settings: Settings
    procedure: Procedure
    catalogs: Catalogs
    db: Database | None = field(default=None)
    budget: SendBudget | None = field(default=None)
    worker: BroadcastWorker | None = field(default=None)
    rules: str = field(init=False)  # the voting rules as frozen with the first ballot
    reminder_queued: bool = False  # the one reminder before the close is in the outbox

    def __post_init__(self) -> None:
        self.rules = rules_json(self.procedure)

    @property
    def database(self) -> Database:
        """The open database (post_init opened it)."""
        if self.db is None:
            raise RuntimeError("the database is not open yet")
        return self.db

    def is_staff(self, user_id: int) -> bool:
        """Staff are authorised by Telegram user id from BOT_ADMINS."""
        return user_id in self.settings.admins


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The Services of the running application."""
    return context.application.bot_data[KEY]


@dataclass(frozen=True)
class Reader:
    """Who sent this update, as far as the bot knows: stored participant and language."""

    participant: Participant | None
    t: Translator

    @property
    def consented(self) -> bool:
        """True when the resident agreed to have their ballot stored."""
        return self.participant is not None and self.participant.consent_at is not None


_READER = "participation_reader"


async def reader(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Reader:
    """The reader of this update, read once per update (the context lives for one update)."""
    cached = context.__dict__.get(_READER)
    if cached is not None:
        return cached
    svc = services(context)
    user = update.effective_user
    offered, default = svc.procedure.languages, svc.procedure.default_language
    stored = await participants.get(svc.database, user.id) if user is not None else None
    if stored is not None and stored.language in offered:
        language = stored.language
    else:
        language = negotiate(user.language_code if user else None, offered, default)
    found = Reader(stored, svc.catalogs.translator(language))
    context.__dict__[_READER] = found
    return found


def forget_reader(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Drop the cached reader after this update changed the participant (language, consent)."""
    context.__dict__.pop(_READER, None)


async def language_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The reader's language: stored choice, else Telegram's language_code, else default."""
    return (await reader(update, context)).t.language


async def translator(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Translator:
    """A Translator for the reader of this update."""
    return (await reader(update, context)).t
