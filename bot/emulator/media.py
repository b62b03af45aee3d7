"""sendDocument and sendPhoto: uploads (kept with name, type, size and bytes) and re-sends.

A file is either uploaded (an UploadedFile built by a front door from multipart data), or
named by a file_id the emulator issued earlier, or by an HTTP URL, exactly as in the Bot API.
"""

import itertools
import mimetypes
from typing import Any

from bot.emulator.core import api_method
from bot.emulator.errors import bad_request
from bot.emulator.messages import MessagesMixin
from bot.emulator.params import str_param
from bot.emulator.records import UploadedFile
from bot.emulator.rules import check_caption

MAX_UPLOAD = 50 * 1024 * 1024  # bytes a bot may upload as a document
MAX_PHOTO = 10 * 1024 * 1024
_file_numbers = itertools.count(1)


def _new_file_id(kind: str) -> str:
    # Looks like Telegram's opaque ids and is unique across emulator instances in a process.
    return f"BQACAgIAAx{kind[:3].upper()}{next(_file_numbers):012d}emulatorfile"


class MediaMixin(MessagesMixin):
    """sendDocument, sendPhoto."""

    def _input_file(self, params: dict[str, Any], name: str, limit: int) -> UploadedFile:
        value = params.get(name)
        if isinstance(value, UploadedFile):
            if value.size == 0:
                raise bad_request("file must be non-empty")
            if value.size > limit:
                raise bad_request("file is too big")
            value.file_id = value.file_id or _new_file_id(name)
            self.files[value.file_id] = value
            return value
        if not isinstance(value, str) or not value:
            raise bad_request(f"there is no {name} in the request")
        if value in self.files:
            return self.files[value]
        if value.startswith(("http://", "https://")):
            filename = value.rstrip("/").rsplit("/", 1)[-1] or "file"
            mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
            upload = UploadedFile(filename, mime, 0, file_id=_new_file_id(name), url=value)
            self.files[upload.file_id] = upload
            return upload
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _send_file(self, params: dict[str, Any], name: str, limit: int) -> Any:
        chat = self.writable_chat(params)
        upload = self._input_file(params, name, limit)
        caption, mode = params.get("caption"), str_param(params, "parse_mode")
        plain, entities = check_caption(caption, mode, params.get("caption_entities"))
        return self.new_bot_message(
            chat,
            params,
            **{name: upload},
            caption=caption,
            parse_mode=mode,
            caption_plain=plain,
            caption_entities=entities,
        )

    @api_method("sendDocument")
    async def _send_document(self, params: dict[str, Any]) -> Any:
        return self._send_file(params, "document", MAX_UPLOAD)

    @api_method("sendPhoto")
    async def _send_photo(self, params: dict[str, Any]) -> Any:
        return self._send_file(params, "photo", MAX_PHOTO)
