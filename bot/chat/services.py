"""What every handler needs, made once per application: settings, procedure, catalogs, the
main menu and (once post_init opened it) the database."""

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.chat.menu import Menu
from bot.config import Settings
from bot.i18n import Catalogs
from bot.procedure import Procedure
from storage.db import Database


def _nothing() -> None:
    return None


@dataclass
class Services:
    """The running application's long-lived parts, in application.bot_data."""

    settings: Settings
    procedure: Procedure
    catalogs: Catalogs
    menu: Menu
    db: Database | None = None
    # Looks for due broadcasts at once (post_init connects it to the outbox worker).
    wake_outbox: Callable[[], None] = field(default=_nothing)

    @property
    def database(self) -> Database:
        """The open database (post_init opened it)."""
        if self.db is None:
            raise RuntimeError("the database is not open yet")
        return self.db

    def is_staff(self, user_id: int) -> bool:
        """Staff are authorised by Telegram user id from BOT_ADMINS."""
        return user_id in self.settings.admins
