"""Button presses: one handler per kind of button, registered by the feature that owns it.

`Presses(procedure)(Pick, choose)` makes the handler for every press of a Pick button that
unpacks and validates against the procedure; the handler puts the button on the context
(`context.button(Pick)`) and runs `choose`. A press that no handler takes (old, forged,
malformed, or asking for something the procedure does not have) reaches the last handler of
all, the out-of-date answer (bot/chat/fallback.py), as in python-telegram-bot's
arbitrarycallbackdatabot example.

A press callback returns an alert text when it refused the press (nothing changed);
otherwise its edit carried the answer to the press, or the empty answer goes out after it.
"""

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.chat.buttons import ButtonData
from bot.chat.context import ChatContext
from bot.chat.screens import answer
from bot.procedure import Procedure

PressCallback = Callable[[Update, ChatContext], Coroutine[Any, Any, str | None]]
StateCallback = Callable[[Update, ChatContext], Coroutine[Any, Any, object]]


class ButtonHandler(CallbackQueryHandler[ChatContext, object]):
    """Handles presses of one kind of button (`wanted` a class), or of exactly one button
    (`wanted` an instance), valid for the procedure."""

    def __init__(
        self, wanted: type[ButtonData] | ButtonData, callback: StateCallback, procedure: Procedure
    ) -> None:
        super().__init__(callback)
        self.kind = wanted if isinstance(wanted, type) else type(wanted)
        self.exactly = None if isinstance(wanted, type) else wanted
        self.procedure = procedure
        self._prefix = f"v1:{self.kind.KIND}"

    def check_update(self, update: object) -> ButtonData | None:
        """The pressed button when it is of this kind and valid, else None."""
        if not isinstance(update, Update) or update.callback_query is None:
            return None
        data = update.callback_query.data
        # A cheap look at the kind first: every press passes every button handler.
        if not isinstance(data, str) or not data.startswith(self._prefix):
            return None
        pressed = self.kind.unpack(data, self.procedure)
        if pressed is None or (self.exactly is not None and pressed != self.exactly):
            return None
        return pressed

    def collect_additional_context(
        self,
        context: ChatContext,
        update: Update,
        application: "Application[Any, ChatContext, Any, Any, Any, Any]",
        check_result: Any,
    ) -> None:
        """Put the pressed button on the context."""
        context.pressed = check_result


class Presses:
    """Makes the button handlers of one procedure; a press is answered in every case."""

    def __init__(self, procedure: Procedure) -> None:
        self.procedure = procedure

    def __call__(
        self, wanted: type[ButtonData] | ButtonData, callback: PressCallback
    ) -> ButtonHandler:
        """The handler that runs `callback` for presses of `wanted`, then answers the press."""

        async def pressed(update: Update, context: ChatContext) -> None:
            alert = await callback(update, context)
            query = update.callback_query
            assert query is not None
            if alert:
                await answer(query, alert, alert=True)
            elif not context.answered:
                await answer(query)

        pressed.__qualname__ = getattr(callback, "__qualname__", "pressed")
        return ButtonHandler(wanted, pressed, self.procedure)
