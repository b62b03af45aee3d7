"""Read-only views of the emulator for tests: requests, chats, messages, commands, answers."""

from typing import Any

from bot.emulator.account import scope_key
from bot.emulator.core import EmulatorCore
from bot.emulator.records import (
    CallbackAnswer,
    CallbackRecord,
    ChatRecord,
    MessageRecord,
    RequestRecord,
)


class ObserveMixin(EmulatorCore):
    """calls, chat, bot_messages, last_bot_message, commands, answered_callbacks ..."""

    def calls(self, method: str) -> list[RequestRecord]:
        """The requests of one Bot API method (case-insensitive), oldest first."""
        wanted = method.lower()
        return [r for r in self.requests if r.method.lower() == wanted]

    def chat(self, chat_id: int) -> ChatRecord:
        """The chat with this id: a user's private chat, a group or a channel; KeyError names
        the known chats."""
        try:
            return self.chats[chat_id]
        except KeyError:
            raise KeyError(f"no chat {chat_id}; known: {sorted(self.chats)}") from None

    def bot_messages(self, chat_id: int, include_deleted: bool = False) -> list[MessageRecord]:
        """The bot's messages in a chat, oldest first (deleted ones only on request)."""
        return [
            m
            for m in self.chat(chat_id).messages
            if m.from_bot and (include_deleted or not m.deleted)
        ]

    def last_bot_message(self, chat_id: int) -> MessageRecord | None:
        """The newest visible bot message in a chat, or None."""
        messages = self.bot_messages(chat_id)
        return messages[-1] if messages else None

    def commands(self, language_code: str | None = None, scope: Any = None) -> list[dict[str, str]]:
        """What setMyCommands stored for this scope (dict, PTB object, None) and language."""
        return list(self.stored_commands.get((scope_key(scope), language_code or ""), []))

    @property
    def answered_callbacks(self) -> dict[str, CallbackAnswer]:
        """Callback query id -> the bot's answer, for the queries answered so far."""
        return {qid: q.answer for qid, q in self.callbacks.items() if q.answer is not None}

    def callback_for_update(self, update_id: int) -> CallbackRecord:
        """The callback query delivered in this update (to check its answer)."""
        for query in self.callbacks.values():
            if query.update_id == update_id:
                return query
        raise KeyError(f"update {update_id} carried no callback query")

    def unconfirmed_updates(self) -> int:
        """Updates the bot has not yet confirmed with an offset."""
        return len(self.updates.pending)
