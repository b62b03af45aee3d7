"""The per-update context every handler gets (python-telegram-bot's ContextTypes).

Who sent the update, whether they agreed to vote, and the translator for their language are
read once, by `resolve_reader` in handler group -1, ahead of every handler: a handler reads
`context.t` and `context.reader` and never looks them up itself. The context lives for one
update, so nothing leaks from one resident to the next.
"""

from typing import Any, TypeVar

from telegram import Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackContext,
    ContextTypes,
    ExtBot,
    TypeHandler,
)

from bot.chat.buttons import ButtonData
from bot.chat.reader import Reader, read_reader
from bot.chat.services import Services
from bot.i18n import Translator
from bot.procedure import Procedure
from storage.db import Database

SERVICES = "services"  # the key of Services in application.bot_data
B = TypeVar("B", bound=ButtonData)

# The bot's own ExtBot: its rate_limit_args say who sends (bot/broadcasting/send_budget.py).
ChatBot = ExtBot[str]
Data = dict[Any, Any]


class ChatContext(CallbackContext[ChatBot, Data, Data, Data]):
    """CallbackContext with the services, the reader and the pressed button, typed."""

    def __init__(
        self,
        application: "Application[ChatBot, ChatContext, Data, Data, Data, None]",
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self._reader: Reader | None = None
        self.pressed: ButtonData | None = None  # set by the handler of its kind of button
        self.answered = False  # show() already answered this update's button press

    @property
    def services(self) -> Services:
        """The application's settings, procedure, catalogs, menu and database."""
        return services_of(self.application)

    @property
    def procedure(self) -> Procedure:
        """The procedure the bot serves."""
        return self.services.procedure

    @property
    def db(self) -> Database:
        """The open database."""
        return self.services.database

    @property
    def reader(self) -> Reader:
        """Who sent this update: the stored participant (if any) and their translator."""
        if self._reader is None:
            raise RuntimeError("the reader is resolved ahead of the handlers (group -1)")
        return self._reader

    @property
    def t(self) -> Translator:
        """Texts and formatting in the reader's language."""
        return self.reader.t

    async def resolve(self, update: object) -> None:
        """Read the reader of this update, unless that was done already."""
        if self._reader is None:
            await self.reread(update)

    async def reread(self, update: object) -> None:
        """Read the reader again, after this update changed them (language, consent)."""
        user = update.effective_user if isinstance(update, Update) else None
        self._reader = await read_reader(self.services, user)

    def button(self, kind: type[B]) -> B:
        """The button pressed in this update, decoded and validated by its handler."""
        if not isinstance(self.pressed, kind):
            raise RuntimeError(f"this update is not a press of a {kind.__name__} button")
        return self.pressed


def services_of(application: "Application[Any, Any, Any, Any, Any, Any]") -> Services:
    """The Services of a running application."""
    found = application.bot_data[SERVICES]
    assert isinstance(found, Services)
    return found


CONTEXT_TYPES = ContextTypes(context=ChatContext)


async def _resolve(update: Update, context: ChatContext) -> None:
    await context.resolve(update)


def resolve_reader() -> "TypeHandler[Update, ChatContext, None]":
    """The handler for group -1: resolves the reader before any other handler runs."""
    return TypeHandler(Update, _resolve)


ChatHandler = BaseHandler[Any, ChatContext, Any]
