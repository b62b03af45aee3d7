"""Bot API methods that write into chats: send, edit, delete, copy messages.

Every refusal uses Telegram's wording (see errors.py); a successful call returns the Message
JSON python-telegram-bot expects.
"""

from typing import Any

from bot.emulator.core import EmulatorCore, api_method
from bot.emulator.errors import (
    CANT_EDIT,
    COPY_NOT_FOUND,
    DELETE_NOT_FOUND,
    EDIT_NOT_FOUND,
    NO_TEXT_TO_EDIT,
    NOT_MODIFIED,
    REPLY_NOT_FOUND,
    bad_request,
)
from bot.emulator.params import bool_param, int_param, required_int, str_param
from bot.emulator.records import JSON, ChatRecord, MessageRecord
from bot.emulator.rules import check_caption, check_reply_markup, check_text

# Send options kept on the record so that tests can check them.
OPTIONS = (
    "disable_notification",
    "protect_content",
    "allow_paid_broadcast",
    "link_preview_options",
)


def _clean(markup: Any) -> Any:
    """Markup without null fields, so that equal keyboards compare equal."""
    if isinstance(markup, dict):
        return {k: _clean(v) for k, v in markup.items() if v is not None}
    if isinstance(markup, list):
        return [_clean(v) for v in markup]
    return markup


class MessagesMixin(EmulatorCore):
    """sendMessage, editMessageText, editMessageReplyMarkup, editMessageCaption, deleteMessage,
    deleteMessages, copyMessage, sendChatAction."""

    def new_bot_message(self, chat: ChatRecord, params: dict[str, Any], **fields: Any) -> JSON:
        """Store a bot message in chat (reply keyboard, reply target, options) and return JSON."""
        markup = _clean(check_reply_markup(params.get("reply_markup")))
        reply_to = self._reply_target(chat, params)
        record = MessageRecord(
            message_id=chat.next_message_id,
            chat_id=chat.id,
            from_bot=True,
            date=self.now(),
            reply_markup=markup,
            reply_to_message_id=reply_to,
            options={name: params[name] for name in OPTIONS if name in params},
            **fields,
        )
        if markup is not None and "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup is not None and markup.get("remove_keyboard"):
            chat.reply_keyboard = None
        chat.add(record)
        self.emit("sent", record)
        message = self.message_json(record)
        target = chat.find(reply_to) if reply_to is not None else None
        if target is not None:
            message["reply_to_message"] = self.message_json(target)
        return message

    def _reply_target(self, chat: ChatRecord, params: dict[str, Any]) -> int | None:
        reply = params.get("reply_parameters")
        if not isinstance(reply, dict):
            return int_param(params, "reply_to_message_id")
        message_id = int_param(reply, "message_id")
        if message_id is not None and chat.find(message_id) is None:
            if not bool_param(reply, "allow_sending_without_reply"):
                raise bad_request(REPLY_NOT_FOUND)
            return None
        return message_id

    @api_method("sendMessage")
    async def _send_message(self, params: dict[str, Any]) -> Any:
        chat = self.writable_chat(params)
        text, mode = params.get("text"), str_param(params, "parse_mode")
        plain, entities = check_text(text, mode, params.get("entities"))
        return self.new_bot_message(
            chat, params, text=text, parse_mode=mode, plain_text=plain, entities=entities
        )

    def _editable(self, params: dict[str, Any]) -> tuple[ChatRecord, MessageRecord]:
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self.writable_chat(params)
        record = chat.find(required_int(params, "message_id"))
        if record is None:
            raise bad_request(EDIT_NOT_FOUND)
        if not record.from_bot:
            raise bad_request(CANT_EDIT)
        return chat, record

    def _finish_edit(self, record: MessageRecord, changes: dict[str, Any]) -> JSON:
        if all(getattr(record, name) == value for name, value in changes.items()):
            raise bad_request(NOT_MODIFIED)
        for name, value in changes.items():
            setattr(record, name, value)
        record.edit_date = self.now()
        record.edit_count += 1
        self.emit("edited", record)
        return self.message_json(record)

    @api_method("editMessageText")
    async def _edit_message_text(self, params: dict[str, Any]) -> Any:
        _, record = self._editable(params)
        if record.plain_text is None:
            raise bad_request(NO_TEXT_TO_EDIT)
        text, mode = params.get("text"), str_param(params, "parse_mode")
        plain, entities = check_text(text, mode, params.get("entities"))
        markup = _clean(check_reply_markup(params.get("reply_markup")))
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        # Like Telegram: an edit without reply_markup removes the inline keyboard.
        changes = {"plain_text": plain, "entities": entities, "reply_markup": markup}
        result = self._finish_edit(record, changes)
        record.text, record.parse_mode = text, mode
        return result

    @api_method("editMessageReplyMarkup")
    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> Any:
        _, record = self._editable(params)
        markup = _clean(check_reply_markup(params.get("reply_markup")))
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        return self._finish_edit(record, {"reply_markup": markup})

    @api_method("editMessageCaption")
    async def _edit_message_caption(self, params: dict[str, Any]) -> Any:
        _, record = self._editable(params)
        if record.document is None and record.photo is None:
            raise bad_request("there is no caption in the message to edit")
        caption, mode = params.get("caption"), str_param(params, "parse_mode")
        plain, entities = check_caption(caption, mode, params.get("caption_entities"))
        markup = _clean(check_reply_markup(params.get("reply_markup")))
        changes = {"caption_plain": plain, "caption_entities": entities, "reply_markup": markup}
        result = self._finish_edit(record, changes)
        record.caption = caption
        return result

    def _delete(self, chat: ChatRecord, message_id: int) -> bool:
        record = chat.find(message_id)
        if record is None:
            return False
        record.deleted = True
        if record.from_bot:
            self.emit("deleted", record)
        return True

    @api_method("deleteMessage")
    async def _delete_message(self, params: dict[str, Any]) -> Any:
        chat = self.find_chat(params)
        if not self._delete(chat, required_int(params, "message_id")):
            raise bad_request(DELETE_NOT_FOUND)
        return True

    @api_method("deleteMessages")
    async def _delete_messages(self, params: dict[str, Any]) -> Any:
        chat = self.find_chat(params)
        ids = params.get("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must be a non-empty list of at most 100 ids")
        for message_id in ids:
            self._delete(chat, int(message_id))
        return True

    @api_method("copyMessage")
    async def _copy_message(self, params: dict[str, Any]) -> Any:
        chat = self.writable_chat(params)
        source = self.find_chat(params, "from_chat_id").find(required_int(params, "message_id"))
        if source is None:
            raise bad_request(COPY_NOT_FOUND)
        fields = {
            "text": source.text,
            "parse_mode": source.parse_mode,
            "plain_text": source.plain_text,
            "entities": source.entities,
            "document": source.document,
            "photo": source.photo,
            "caption": source.caption,
            "caption_plain": source.caption_plain,
            "caption_entities": source.caption_entities,
        }
        if "caption" in params:
            mode = str_param(params, "parse_mode")
            plain, entities = check_caption(params["caption"], mode, params.get("caption_entities"))
            fields.update(caption=params["caption"], caption_plain=plain, caption_entities=entities)
        message = self.new_bot_message(chat, params, **fields)
        return {"message_id": message["message_id"]}

    @api_method("sendChatAction")
    async def _send_chat_action(self, params: dict[str, Any]) -> Any:
        self.writable_chat(params)
        if not params.get("action"):
            raise bad_request("action is empty")
        return True
