"""What every handler needs, kept in one typed object in application.bot_data."""

from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import ContextTypes

from bot.config import Settings
from bot.i18n import Catalogs, Translator, negotiate
from bot.procedure import Procedure
from storage import participants
from storage.db import Database

KEY = "services"


@dataclass
class Services:
    """The settings, the procedure, the catalogs and (after post_init) the database."""

    settings: Settings
    procedure: Procedure
    catalogs: Catalogs
    db: Database | None = field(default=None)

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


async def language_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The reader's language: stored choice, else Telegram's language_code, else default."""
    svc = services(context)
    user = update.effective_user
    offered = svc.procedure.languages
    if user is None:
        return svc.procedure.default_language
    stored = await participants.get(svc.database, user.id)
    if stored is not None and stored.language in offered:
        return stored.language
    return negotiate(user.language_code, offered, svc.procedure.default_language)


async def translator(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Translator:
    """A Translator for the reader of this update."""
    return services(context).catalogs.translator(await language_of(update, context))
