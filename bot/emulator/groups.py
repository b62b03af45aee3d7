"""Groups, supergroups and channels: people write there, the bot is added or removed.

A group has a negative id (a supergroup's and a channel's start with -100, as on Telegram), a
title and members (user ids added with `add_user` first). The bot runs in privacy mode, like
every bot by default (getMe: can_read_all_group_messages false): of the ordinary messages in a
group it gets only commands (not those addressed to another bot as /cmd@other_bot) and messages
naming it (@its_username), unless it is an administrator there. Service messages (the bot was
added) always reach it. Channel posts arrive as `channel_post` updates without a sender user.

The bot's messages in a group are recorded in the group's ChatRecord like private ones
(`bot_messages(group_id)`); buttons on them are pressed with the user side's `press`,
`user_presses` and `user_sends_callback` given `chat_id=<group id>`.
"""

from collections.abc import Iterable
from typing import Any

from bot.emulator.records import (
    CHANNEL,
    GROUP,
    PRESENT,
    SUPERGROUP,
    ChatRecord,
    MessageRecord,
)
from bot.emulator.user_side import UserSideMixin

STATUSES = frozenset({"member", "administrator", "left", "kicked"})
# An administrator's rights as getChatMember and my_chat_member show them (Bot API 9).
ADMINISTRATOR_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": False,
    "can_restrict_members": False,
    "can_promote_members": False,
    "can_change_info": False,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
}


def _command(text: str) -> str | None:
    """The command a message starts with ("/start@some_bot"), or None."""
    return text.split(maxsplit=1)[0] if text.startswith("/") else None


class GroupsMixin(UserSideMixin):
    """add_group, add_channel, add_to_group, user_sends_in_group, user_joins_group,
    bot_added_to_group, bot_removed_from_group, channel_post."""

    def add_group(
        self,
        chat_id: int,
        title: str = "Neighbours",
        members: Iterable[int] = (),
        *,
        supergroup: bool = False,
        username: str | None = None,
        bot_status: str = "member",
    ) -> ChatRecord:
        """Create a group (or supergroup) with these members, the bot already in it (give
        bot_status="left" and call bot_added_to_group to play the addition)."""
        kind = SUPERGROUP if supergroup else GROUP
        members = list(members)
        for user_id in members:
            self._user(user_id)  # ValueError for an unknown user, before anything changes
        chat = self._new_chat(chat_id, kind, title, username, bot_status)
        self.add_to_group(chat_id, *members)
        return chat

    def add_channel(
        self,
        chat_id: int,
        title: str = "Town news",
        *,
        username: str | None = None,
        bot_status: str = "administrator",
    ) -> ChatRecord:
        """Create a channel; a bot reads and writes a channel as its administrator."""
        return self._new_chat(chat_id, CHANNEL, title, username, bot_status)

    def _new_chat(
        self, chat_id: int, kind: str, title: str, username: str | None, bot_status: str
    ) -> ChatRecord:
        if chat_id >= 0:
            raise ValueError(f"a {kind} has a negative id, not {chat_id}")
        if kind != GROUP and not str(chat_id).startswith("-100"):
            raise ValueError(f"a {kind}'s id starts with -100 (e.g. -100{-chat_id})")
        if chat_id in self.chats:
            raise ValueError(f"chat {chat_id} exists already")
        if not title.strip():
            raise ValueError("a group or channel needs a title")
        if bot_status not in STATUSES:
            raise ValueError(f"bot_status must be one of {sorted(STATUSES)}")
        chat = ChatRecord(
            id=chat_id, type=kind, title=title, username=username, bot_status=bot_status
        )
        self.chats[chat_id] = chat
        self.changed()
        return chat

    def _group(self, chat_id: int) -> ChatRecord:
        chat = self.chats.get(chat_id)
        if chat is None or chat.type not in (GROUP, SUPERGROUP):
            raise ValueError(f"unknown group {chat_id}: call fake.add_group({chat_id}) first")
        return chat

    def add_to_group(self, chat_id: int, *user_ids: int) -> None:
        """Make known users members of a group (quietly, as if they had been there before)."""
        chat = self._group(chat_id)
        for user_id in user_ids:
            self._user(user_id)  # ValueError for an unknown user
            chat.members.add(user_id)
        self.changed()

    def _member_of(self, user_id: int, chat_id: int) -> ChatRecord:
        chat = self._group(chat_id)
        self._user(user_id)
        if user_id not in chat.members:
            raise ValueError(f"user {user_id} is not a member of group {chat_id}")
        return chat

    def _bot_reads(self, chat: ChatRecord, text: str) -> bool:
        """Whether the bot gets this message of a group (privacy mode, see the module doc)."""
        if chat.bot_status not in PRESENT:
            return False
        if chat.bot_status == "administrator" or not self.privacy_mode:
            return True
        me = self.bot_username.lower()
        command = _command(text)
        if command is not None:
            _, at, addressee = command.partition("@")
            return not at or addressee.lower() == me
        return f"@{me}" in text.lower()

    def user_sends_in_group(self, user_id: int, chat_id: int, text: str) -> int | None:
        """A member writes in a group; "/cmd" and "/cmd@bot" get a bot_command entity.

        Returns the update_id, or None when the bot does not get the message (privacy mode,
        or the bot is not in the group); the message is in the group either way.
        """
        if not text.strip():
            raise ValueError("a Telegram client cannot send an empty message")
        chat = self._member_of(user_id, chat_id)
        record = self.written(chat, text, _command(text), sender_id=user_id)
        self.changed()
        if not self._bot_reads(chat, text):
            return None
        update_id = self.updates.push("message", self.message_json(record))
        self.changed()
        return update_id

    def user_joins_group(self, user_id: int, chat_id: int) -> int | None:
        """A known user joins a group: the service message with new_chat_members (which the
        bot gets in privacy mode too). Returns its update_id, None if the bot is not there."""
        chat = self._group(chat_id)
        user = self._user(user_id)
        if user_id in chat.members:
            raise ValueError(f"user {user_id} is a member of group {chat_id} already")
        chat.members.add(user_id)
        record = MessageRecord(
            message_id=chat.next_message_id,
            chat_id=chat.id,
            from_bot=False,
            date=self.now(),
            sender_id=user_id,
            extra={"new_chat_members": [user.to_json()]},
        )
        chat.add(record)
        self.changed()
        if chat.bot_status not in PRESENT:
            return None
        update_id = self.updates.push("message", self.message_json(record))
        self.changed()
        return update_id

    def _bot_member(self, status: str) -> dict[str, Any]:
        member: dict[str, Any] = {"user": self.bot_user, "status": status}
        if status == "administrator":
            member.update(ADMINISTRATOR_RIGHTS)
        elif status == "kicked":
            member["until_date"] = 0
        return member

    def _bot_status_update(self, chat: ChatRecord, user_id: int, status: str) -> int:
        if status not in STATUSES:
            raise ValueError(f"status must be one of {sorted(STATUSES)}")
        if chat.bot_status == status:
            raise ValueError(f"the bot's status in chat {chat.id} is {status} already")
        payload = {
            "chat": chat.to_json(),
            "from": self._user(user_id).to_json(),
            "date": self.now(),
            "old_chat_member": self._bot_member(chat.bot_status),
            "new_chat_member": self._bot_member(status),
        }
        chat.bot_status = status
        update_id = self.updates.push("my_chat_member", payload)
        self.changed()
        return update_id

    def bot_added_to_group(
        self, chat_id: int, by_user_id: int, *, status: str = "member"
    ) -> tuple[int, int]:
        """A member adds the bot to a group: a my_chat_member update (left -> status), then the
        service message with new_chat_members. Returns both update ids, in that order."""
        chat = self._member_of(by_user_id, chat_id)
        if chat.bot_status in PRESENT:
            raise ValueError(f"the bot is in group {chat_id} already")
        if status not in PRESENT:
            raise ValueError(f"the bot joins as member or administrator, not {status}")
        member_update = self._bot_status_update(chat, by_user_id, status)
        record = MessageRecord(
            message_id=chat.next_message_id,
            chat_id=chat.id,
            from_bot=False,
            date=self.now(),
            sender_id=by_user_id,
            extra={"new_chat_members": [self.bot_user]},
        )
        chat.add(record)
        message_update = self.updates.push("message", self.message_json(record))
        self.changed()
        return member_update, message_update

    def bot_removed_from_group(self, chat_id: int, by_user_id: int, *, ban: bool = False) -> int:
        """A member removes the bot (status left, or kicked with ban=True): my_chat_member;
        sends to the group then get 403."""
        chat = self._member_of(by_user_id, chat_id)
        if chat.bot_status not in PRESENT:
            raise ValueError(f"the bot is not in group {chat_id}")
        return self._bot_status_update(chat, by_user_id, "kicked" if ban else "left")

    def channel_post(
        self, chat_id: int, text: str, author_signature: str | None = None
    ) -> int | None:
        """A post in a channel: a channel_post update, without `from` (sender_chat: the
        channel); Telegram delivers it only if allowed_updates names channel_post. Returns the
        update_id, or None when the bot is not in the channel (the post is there either way)."""
        chat = self.chats.get(chat_id)
        if chat is None or chat.type != CHANNEL:
            raise ValueError(f"unknown channel {chat_id}: call fake.add_channel({chat_id}) first")
        if not text.strip():
            raise ValueError("a Telegram client cannot send an empty message")
        extra = {"author_signature": author_signature} if author_signature else {}
        record = self.written(chat, text, extra=extra)
        self.changed()
        if chat.bot_status not in PRESENT:
            return None
        update_id = self.updates.push("channel_post", self.message_json(record))
        self.changed()
        return update_id
