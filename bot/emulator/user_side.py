"""What residents do: write to the bot, press its buttons, block and unblock it.

Each action appends the update Telegram would deliver and returns its update_id. Actions a
real client cannot perform (pressing a button that does not exist) raise ValueError, so a test
cannot accidentally exercise an impossible path; `user_sends_callback` is the deliberate
exception for forged and stale callback data. Buttons on bot messages in a group are pressed
with the same methods and `chat_id=<the group's id>` (groups.py: what happens in groups).
"""

import itertools
from typing import Any

from bot.emulator.core import EmulatorCore
from bot.emulator.html_text import utf16_len
from bot.emulator.records import CallbackRecord, ChatRecord, MessageRecord, UserRecord


class UserSideMixin(EmulatorCore):
    """add_user, user_sends, user_presses, press, user_blocks, user_unblocks ..."""

    _callback_numbers = itertools.count(1)

    def add_user(
        self,
        user_id: int,
        first_name: str = "Resident",
        language_code: str | None = "de",
        *,
        username: str | None = None,
        last_name: str | None = None,
    ) -> None:
        """Create (or update) a user and the private chat with them; None omits language_code."""
        user = UserRecord(user_id, first_name, language_code, username, last_name)
        self.users[user_id] = user
        if user_id in self.chats:
            self.chats[user_id].user = user
        else:
            self.chats[user_id] = ChatRecord(id=user_id, user=user)
        self.changed()

    def _user_chat(self, user_id: int) -> ChatRecord:
        chat = self.chats.get(user_id)
        if chat is None or chat.user is None:
            raise ValueError(f"unknown user {user_id}: call fake.add_user({user_id}) first")
        return chat

    def _user(self, user_id: int) -> UserRecord:
        user = self._user_chat(user_id).user
        assert user is not None  # _user_chat returns private chats only
        return user

    def _button_chat(self, user_id: int, chat_id: int | None) -> ChatRecord:
        """The chat in which the user presses a button: their private chat by default, else a
        group they are a member of."""
        if chat_id is None or chat_id == user_id:
            return self._user_chat(user_id)
        self._user(user_id)
        chat = self.chats.get(chat_id)
        if chat is None or chat.private:
            raise ValueError(f"unknown group {chat_id}: call fake.add_group({chat_id}) first")
        if user_id not in chat.members:
            raise ValueError(f"user {user_id} is not a member of chat {chat_id}")
        return chat

    def written(
        self, chat: ChatRecord, text: str, command: str | None = None, **fields: Any
    ) -> MessageRecord:
        """A message someone (not the bot) wrote in a chat, kept in the chat; a leading
        `command` gets its bot_command entity."""
        entities: list[dict[str, Any]] = []
        if command is not None:
            entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command)})
        record = MessageRecord(
            message_id=chat.next_message_id,
            chat_id=chat.id,
            from_bot=False,
            date=self.now(),
            text=text,
            plain_text=text,
            entities=entities,
            **fields,
        )
        chat.add(record)
        return record

    def user_sends(self, user_id: int, text: str) -> int:
        """The user sends text in their private chat; "/cmd ..." gets a bot_command entity."""
        if not text.strip():
            raise ValueError("a Telegram client cannot send an empty message")
        chat = self._user_chat(user_id)
        if chat.blocked:
            self.user_unblocks(user_id)  # the client's "Restart" button unblocks first
        command = text.split(maxsplit=1)[0] if text.startswith("/") else None
        record = self.written(chat, text, command)
        update_id = self.updates.push("message", self.message_json(record))
        self.changed()
        return update_id

    def user_sends_poll(
        self, user_id: int, question: str, options: list[str], *, older_server: bool = True
    ) -> int:
        """The user sends a poll in their private chat; returns the update id.

        With `older_server` the poll looks as a self-hosted Bot API server older than 9.6 sends
        it: without the fields 9.6 and 10.0 added (`persistent_id` of an option,
        `allows_revoting`, `members_only`), which python-telegram-bot 22.8 requires, so the
        library cannot read the update (a bot must skip it and go on).
        """
        chat = self._user_chat(user_id)
        answers: list[dict[str, Any]] = [{"text": text, "voter_count": 0} for text in options]
        poll: dict[str, Any] = {
            "id": str(next(self._callback_numbers)),
            "question": question,
            "options": answers,
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": True,
            "type": "regular",
            "allows_multiple_answers": False,
        }
        if not older_server:
            for number, answer in enumerate(answers):
                answer["persistent_id"] = str(number)
            poll.update(allows_revoting=False, members_only=False)
        record = MessageRecord(
            message_id=chat.next_message_id,
            chat_id=chat.id,
            from_bot=False,
            date=self.now(),
            extra={"poll": poll},
        )
        chat.add(record)
        update_id = self.updates.push("message", self.message_json(record))
        self.changed()
        return update_id

    def user_presses(
        self, user_id: int, message_id: int, callback_data: str, *, chat_id: int | None = None
    ) -> int:
        """The user presses the button with this callback_data on a bot message (in their
        private chat, or in the group `chat_id`)."""
        chat = self._button_chat(user_id, chat_id)
        record = chat.find(message_id)
        if record is None or not record.from_bot:
            raise ValueError(f"chat {chat.id} shows no bot message {message_id}")
        if callback_data not in record.callback_data:
            raise ValueError(
                f"message {message_id} has no button with callback_data {callback_data!r}; "
                f"it has {record.callback_data}"
            )
        return self.user_sends_callback(user_id, message_id, callback_data, chat_id=chat_id)

    def user_sends_callback(
        self, user_id: int, message_id: int, data: str, *, chat_id: int | None = None
    ) -> int:
        """A callback query with any data (forged or stale), for message_id in the user's chat
        (or in the group `chat_id`, of which the user must be a member)."""
        chat = self._button_chat(user_id, chat_id)
        record = chat.find(message_id)
        query_id = f"{4_000_000_000_000 + next(self._callback_numbers)}"
        message = (
            self.message_json(record)
            if record is not None
            # A message the client no longer has arrives as an InaccessibleMessage (date 0).
            else {"chat": chat.to_json(), "message_id": message_id, "date": 0}
        )
        payload = {
            "id": query_id,
            "from": self._user(user_id).to_json(),
            "message": message,
            # One opaque number per chat the message sits in, the same for every presser.
            "chat_instance": str(-(abs(chat.id) * 31 + self.bot_id)),
            "data": data,
        }
        update_id = self.updates.push("callback_query", payload)
        self.callbacks[query_id] = CallbackRecord(
            query_id, update_id, user_id, message_id, data, chat_id=chat.id
        )
        self.changed()
        return update_id

    def _keyboard_message(self, chat: ChatRecord, message_id: int | None) -> MessageRecord:
        if message_id is not None:
            record = chat.find(message_id)
        else:
            shown = [m for m in chat.messages if m.from_bot and not m.deleted and m.buttons]
            record = shown[-1] if shown else None
        if record is None or not record.buttons:
            raise ValueError(f"chat {chat.id} shows no bot message with inline buttons")
        return record

    def press(
        self,
        user_id: int,
        text: str | None = None,
        *,
        index: int | None = None,
        message_id: int | None = None,
        chat_id: int | None = None,
    ) -> int:
        """Press a button of the latest bot message with buttons (or of message_id), in the
        user's private chat or in the group `chat_id`.

        Choose it by label (exact, else a unique substring) or by index (row by row from 0).
        """
        record = self._keyboard_message(self._button_chat(user_id, chat_id), message_id)
        buttons = record.buttons
        labels = [b["text"] for b in buttons]
        if index is not None:
            if not 0 <= index < len(buttons):
                raise ValueError(f"no button {index}; message {record.message_id} has {labels}")
            button = buttons[index]
        elif text is not None:
            exact = [b for b in buttons if b["text"] == text]
            found = exact or [b for b in buttons if text.casefold() in b["text"].casefold()]
            if len(found) != 1:
                raise ValueError(f"{len(found)} buttons match {text!r}; labels: {labels}")
            button = found[0]
        else:
            raise ValueError("press() needs text or index")
        if "callback_data" not in button:
            raise ValueError(f"button {button['text']!r} opens {button}, it sends no callback")
        return self.user_presses(
            user_id, record.message_id, button["callback_data"], chat_id=chat_id
        )

    def user_presses_button(
        self, user_id: int, label: str | int, message_id: int | None = None
    ) -> int:
        """press() by label substring (str) or index (int)."""
        if isinstance(label, int):
            return self.press(user_id, index=label, message_id=message_id)
        return self.press(user_id, label, message_id=message_id)

    def _member_update(self, user_id: int, blocked: bool) -> int:
        chat = self._user_chat(user_id)
        if chat.blocked == blocked:
            raise ValueError(
                f"user {user_id} has {'already' if blocked else 'not'} blocked the bot"
            )
        chat.blocked = blocked
        member = {"user": self.bot_user, "status": "member"}
        kicked = {"user": self.bot_user, "status": "kicked", "until_date": 0}
        payload = {
            "chat": chat.to_json(),
            "from": self._user(user_id).to_json(),
            "date": self.now(),
            "old_chat_member": member if blocked else kicked,
            "new_chat_member": kicked if blocked else member,
        }
        update_id = self.updates.push("my_chat_member", payload)
        self.changed()
        return update_id

    def user_blocks(self, user_id: int) -> int:
        """The user blocks the bot: a my_chat_member update; sends then get 403."""
        return self._member_update(user_id, blocked=True)

    def user_unblocks(self, user_id: int) -> int:
        """The user unblocks the bot: a my_chat_member update back to "member"."""
        return self._member_update(user_id, blocked=False)

    def user_deletes_chat(self, user_id: int) -> None:
        """The user clears the chat history (without blocking): old messages disappear."""
        chat = self._user_chat(user_id)
        for record in chat.messages:
            record.deleted = True
        chat.reply_keyboard = None
        self.changed()
