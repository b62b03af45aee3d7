"""What the emulator remembers: users, chats, messages, uploads, requests, callback queries.

Plain dataclasses that tests read directly, plus the Bot API JSON each of them turns into.
Chats are private (id == the user's id), groups and supergroups (negative ids, with members)
or channels.
"""

import time
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


@dataclass
class UploadedFile:
    """A file the bot uploaded (or referenced by file_id or URL)."""

    filename: str
    mime_type: str
    size: int
    data: bytes = field(default=b"", repr=False)
    file_id: str = ""
    url: str | None = None


@dataclass
class UserRecord:
    """A resident: a Telegram user with a private chat to the bot (chat id == user id)."""

    id: int
    first_name: str = "Resident"
    language_code: str | None = "de"
    username: str | None = None
    last_name: str | None = None

    def to_json(self) -> JSON:
        """The User object; absent fields stay absent, as in Telegram's JSON."""
        user: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code is not None:
            user["language_code"] = self.language_code
        return user

    def chat_json(self) -> JSON:
        """The private Chat object of this user."""
        chat: JSON = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat


@dataclass
class MessageRecord:
    """One message in a chat, as sent (text keeps its markup) and as shown (plain_text)."""

    message_id: int
    chat_id: int
    from_bot: bool
    date: int
    text: str | None = None
    parse_mode: str | None = None
    plain_text: str | None = None
    entities: list[JSON] = field(default_factory=list)
    reply_markup: JSON | None = None
    edit_date: int | None = None
    edit_count: int = 0
    deleted: bool = False
    document: UploadedFile | None = None
    photo: UploadedFile | None = None
    caption: str | None = None
    caption_plain: str | None = None
    caption_entities: list[JSON] = field(default_factory=list)
    reply_to_message_id: int | None = None
    options: JSON = field(default_factory=dict)
    # Who wrote a user's message in a group (None: the private chat's user, or a channel).
    sender_id: int | None = None
    # Further Message fields as Telegram sends them, e.g. a service message's new_chat_members.
    extra: JSON = field(default_factory=dict)

    @property
    def inline_keyboard(self) -> list[list[JSON]]:
        """The rows of the inline keyboard ([] if there is none)."""
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            rows: list[list[JSON]] = self.reply_markup["inline_keyboard"]
            return rows
        return []

    @property
    def buttons(self) -> list[JSON]:
        """Inline buttons row by row, as one list (index 0 is the first button)."""
        return [button for row in self.inline_keyboard for button in row]

    @property
    def callback_data(self) -> list[str]:
        """The callback_data of every callback button, row by row."""
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]

    def to_json(self, sender: JSON | None, chat: JSON) -> JSON:
        """The Message object the Bot API returns for this record.

        Without a sender (a channel post) the message has no `from`; the channel itself is its
        `sender_chat`, as in Telegram's JSON.
        """
        message: JSON = {"message_id": self.message_id, "date": self.date, "chat": chat}
        if sender is not None:
            message["from"] = sender
        else:
            message["sender_chat"] = chat
        if self.plain_text is not None:
            message["text"] = self.plain_text
            if self.entities:
                message["entities"] = self.entities
        if self.document is not None:
            message["document"] = _document_json(self.document)
        if self.photo is not None:
            message["photo"] = [_photo_json(self.photo)]
        if self.caption_plain:
            message["caption"] = self.caption_plain
            if self.caption_entities:
                message["caption_entities"] = self.caption_entities
        # Only inline keyboards belong to a message; reply keyboards belong to the chat.
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            message["reply_markup"] = self.reply_markup
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if self.options.get("protect_content"):
            message["has_protected_content"] = True
        if self.options.get("link_preview_options"):
            message["link_preview_options"] = self.options["link_preview_options"]
        message.update(self.extra)
        return message


def _document_json(upload: UploadedFile) -> JSON:
    return {
        "file_id": upload.file_id,
        "file_unique_id": upload.file_id[-16:],
        "file_name": upload.filename,
        "mime_type": upload.mime_type,
        "file_size": upload.size,
    }


def _photo_json(upload: UploadedFile) -> JSON:
    width, height = image_size(upload.data)
    return {
        "file_id": upload.file_id,
        "file_unique_id": upload.file_id[-16:],
        "width": width,
        "height": height,
        "file_size": upload.size,
    }


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG (from its header); 800x600 for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 800, 600


PRIVATE, GROUP, SUPERGROUP, CHANNEL = "private", "group", "supergroup", "channel"
# The bot's ChatMember status in a group or channel in which it can write and read.
PRESENT = frozenset({"member", "administrator"})


@dataclass
class ChatRecord:
    """A chat of the bot: private with one user (`user`), or a group, supergroup or channel
    (`type`, `title`, `members`: user ids; `bot_status`: the bot's own ChatMember status)."""

    id: int
    user: UserRecord | None = None  # the other side of a private chat; None for the others
    messages: list[MessageRecord] = field(default_factory=list)
    blocked: bool = False  # a private chat's user blocked the bot
    reply_keyboard: JSON | None = None
    menu_button: JSON | None = None
    next_message_id: int = 1
    type: str = PRIVATE
    title: str | None = None
    username: str | None = None  # a public group's or channel's @name (without the @)
    members: set[int] = field(default_factory=set)
    bot_status: str = "member"  # member, administrator, left or kicked (groups and channels)

    @property
    def private(self) -> bool:
        """True for the private chat with one user."""
        return self.type == PRIVATE

    def to_json(self) -> JSON:
        """The Chat object of this chat, as messages and updates carry it."""
        if self.user is not None:
            return self.user.chat_json()
        chat: JSON = {"id": self.id, "type": self.type, "title": self.title or ""}
        if self.username:
            chat["username"] = self.username
        return chat

    def find(self, message_id: int) -> MessageRecord | None:
        """The visible (not deleted) message with this id."""
        for message in reversed(self.messages):
            if message.message_id == message_id and not message.deleted:
                return message
        return None

    def add(self, message: MessageRecord) -> MessageRecord:
        """Append a message; message ids increase per chat."""
        self.messages.append(message)
        self.next_message_id = message.message_id + 1
        return message


@dataclass
class RequestRecord:
    """One Bot API call as the emulator received it, and how it answered."""

    method: str
    params: JSON
    timestamp: float = field(default_factory=time.time)
    status: int | None = None  # None while the call is still running
    response: JSON | None = None

    @property
    def ok(self) -> bool:
        """Whether the call succeeded."""
        return self.status == 200


@dataclass
class CallbackAnswer:
    """What the bot answered to a callback query."""

    text: str | None
    show_alert: bool
    url: str | None = None
    cache_time: int = 0


@dataclass
class CallbackRecord:
    """A callback query a user sent (by pressing a button or forged by a test)."""

    id: str
    update_id: int
    user_id: int
    message_id: int
    data: str
    answer: CallbackAnswer | None = None
    chat_id: int | None = None  # the chat of the message the button sits on
