"""Bot API errors, worded the way Telegram words them.

Method handlers raise `ApiError`; `FakeTelegram.call` turns it into the JSON body and HTTP
status that Telegram would send, so python-telegram-bot raises the exception it raises in real
life (BadRequest, Forbidden, RetryAfter, Conflict ...).
"""

from typing import Any

# Texts copied from real Bot API answers: tests and the bot match on them.
TEXT_EMPTY = "message text is empty"
TEXT_TOO_LONG = "message is too long"
CAPTION_TOO_LONG = "message caption is too long"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
CHAT_NOT_FOUND = "chat not found"
CHAT_ID_EMPTY = "chat_id is empty"
EDIT_NOT_FOUND = "message to edit not found"
DELETE_NOT_FOUND = "message to delete not found"
COPY_NOT_FOUND = "message to copy not found"
REPLY_NOT_FOUND = "message to be replied not found"
NO_TEXT_TO_EDIT = "there is no text in the message to edit"
CANT_EDIT = "message can't be edited"
BUTTON_DATA_INVALID = "BUTTON_DATA_INVALID"
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
BLOCKED = "Forbidden: bot was blocked by the user"
NOT_A_MEMBER = "Forbidden: bot is not a member of the {kind} chat"  # kind: group, supergroup ...
KICKED = "Forbidden: bot was kicked from the {kind} chat"
GET_UPDATES_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
    "running"
)
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)


class ApiError(Exception):
    """A failed Bot API call: HTTP status, description and optional retry_after."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    """A 400 error with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {detail}")


def too_many_requests(retry_after: int) -> ApiError:
    """A 429 flood-control error; PTB turns it into telegram.error.RetryAfter."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


class SimulatedTimeout(Exception):
    """Raised by `FakeTelegram.call` for an injected timeout.

    The in-process transport turns it into telegram.error.TimedOut at once; the HTTP door
    holds the connection open for `delay` seconds, longer than a client waits.
    """

    def __init__(self, delay: float) -> None:
        super().__init__(f"simulated timeout ({delay}s)")
        self.delay = delay
