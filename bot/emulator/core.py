"""The emulator's state and its single entry point, `call`, shared by both front doors.

A call goes through: request log, latency, token check, method lookup, injected faults, flood
control, then the method handler. Handlers live in mixins (messages, account, user side) and
are found by the `api_method` marker; they raise ApiError for refusals.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from bot.emulator.errors import (
    BLOCKED,
    CHAT_ID_EMPTY,
    CHAT_NOT_FOUND,
    KICKED,
    NOT_A_MEMBER,
    ApiError,
    SimulatedTimeout,
    bad_request,
)
from bot.emulator.faults import Fault, FaultInjector, RateLimiter
from bot.emulator.params import bool_param, chat_id_of
from bot.emulator.records import (
    CHANNEL,
    JSON,
    PRESENT,
    CallbackRecord,
    ChatRecord,
    MessageRecord,
    RequestRecord,
    UploadedFile,
    UserRecord,
)
from bot.emulator.update_queue import UpdateQueue
from bot.emulator.waiting import ChangeNotifier

Handler = Callable[[Any, dict[str, Any]], Awaitable[Any]]
H = TypeVar("H", bound=Handler)
# Sends that count against Telegram's global limit of about 30 messages per second.
RATE_LIMITED = frozenset({"sendmessage", "senddocument", "sendphoto", "copymessage"})


def api_method(name: str) -> Callable[[H], H]:
    """Mark a coroutine method as the handler of Bot API method `name`."""

    def mark(handler: H) -> H:
        # A function object takes attributes, but its type does not declare this one.
        handler.bot_api_method = name.lower()  # type: ignore[attr-defined]
        return handler

    return mark


def _until(seconds: float | None) -> float | None:
    return None if seconds is None else time.monotonic() + seconds


def _bot_id(token: str) -> int:
    number = token.split(":", 1)[0]
    return int(number) if number.isdigit() else 123456


class EmulatorCore(ChangeNotifier):
    """State of one fake bot account and the users around it."""

    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "participation_demo_bot",
        latency: float = 0.0,
        rate_limit: float | None = None,
        paid_rate_limit: float = 1000.0,
        bot_name: str = "Participation Demo",
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.bot_name = bot_name
        self.bot_id = _bot_id(token)
        self.latency = latency
        self.users: dict[int, UserRecord] = {}
        self.chats: dict[int, ChatRecord] = {}
        self.requests: list[RequestRecord] = []
        self.updates = UpdateQueue()
        self.callbacks: dict[str, CallbackRecord] = {}
        self.files: dict[str, UploadedFile] = {}
        self.faults = FaultInjector()
        self.limiter = RateLimiter(rate_limit)
        self.paid_limiter = RateLimiter(paid_rate_limit)
        self.webhook: dict[str, Any] = {}
        self.stored_commands: dict[tuple[tuple[Any, ...], str], list[dict[str, str]]] = {}
        self.default_menu_button: dict[str, Any] = {"type": "commands"}
        self.bot_settings: dict[tuple[str, str], str] = {}  # (setting, language) -> text
        # Telegram's default for bots: in groups only commands and mentions reach the bot.
        self.privacy_mode = True
        super().__init__()
        self._handlers: dict[str, Handler] = {
            value.bot_api_method: value
            for klass in reversed(type(self).__mro__)
            for value in vars(klass).values()
            if hasattr(value, "bot_api_method")
        }

    # -- the entry point -------------------------------------------------------------------

    async def call(self, token: str, method: str, params: JSON) -> tuple[int, JSON]:
        """Answer one Bot API request: (HTTP status, JSON body).

        Raises SimulatedTimeout when a timeout was injected for this call.
        """
        record = RequestRecord(method, params)
        self.requests.append(record)
        self.changed()
        try:
            status, body = await self._answer(token, method, params)
        except BaseException:
            record.status, record.response = 504, {"ok": False, "description": "no answer"}
            self.changed()
            raise
        record.status, record.response = status, body
        self.changed()
        return status, body

    async def _answer(self, token: str, method: str, params: JSON) -> tuple[int, JSON]:
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        handler = self._handlers.get(method.lower())
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        try:
            result = await self._run(method.lower(), handler, params)
        except ApiError as error:
            return error.error_code, error.body()
        except (TypeError, ValueError, KeyError, AttributeError) as error:
            # Parameters of a shape no handler expected: Telegram would refuse them with a 400;
            # the exception text says which, so an emulator gap is not mistaken for a bot bug.
            return 400, bad_request(f"can't read parameters: {error!r}").body()
        return 200, {"ok": True, "result": result}

    async def _run(self, method: str, handler: Handler, params: dict[str, Any]) -> Any:
        try:
            chat_id = chat_id_of(params)
        except ApiError:
            chat_id = None
        fault = self.faults.take(method, chat_id)
        if fault is not None and fault.error is not None and not fault.performed:
            raise fault.error
        limiter = self.paid_limiter if bool_param(params, "allow_paid_broadcast") else self.limiter
        now = time.monotonic()
        if method in RATE_LIMITED and (wait := limiter.retry_after(now)) is not None:
            raise ApiError(429, f"Too Many Requests: retry after {wait}", wait)
        if fault is not None:  # a timeout, or an error after the call took effect
            if fault.performed:
                # The request reaches Telegram, only the answer is lost (or an error comes
                # back instead of it): the nasty case, the bot cannot tell it from a failure.
                await self._perform(method, handler, params, limiter, now)
            if fault.error is not None:
                raise fault.error
            raise SimulatedTimeout(fault.delay)
        return await self._perform(method, handler, params, limiter, now)

    async def _perform(
        self,
        method: str,
        handler: Handler,
        params: dict[str, Any],
        limiter: RateLimiter,
        now: float,
    ) -> Any:
        result = await handler(self, params)
        if method in RATE_LIMITED:
            limiter.record(now)
        return result

    # -- faults ----------------------------------------------------------------------------

    @property
    def rate_limit(self) -> float | None:
        """Messages per second allowed for sends (None: unlimited); may be changed any time."""
        return self.limiter.per_second

    @rate_limit.setter
    def rate_limit(self, value: float | None) -> None:
        self.limiter.per_second = value

    def inject_error(
        self,
        method: str,
        error_code: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
        performed: bool = False,
        seconds: float | None = None,
    ) -> None:
        """Make the next `times` calls of `method` (optionally for one chat) fail like this;
        with `seconds`, every call during that many seconds from now (an outage).

        With performed=True the call takes effect first and the error comes back instead of
        its answer (a 5xx after Telegram delivered the message).
        """
        error = ApiError(error_code, description, retry_after)
        self.faults.arm(
            Fault(method, times, chat_id, error=error, performed=performed, until=_until(seconds))
        )

    def inject_timeout(
        self,
        method: str,
        times: int = 1,
        delay: float = 60.0,
        chat_id: int | None = None,
        performed: bool = False,
        seconds: float | None = None,
    ) -> None:
        """Make the next `times` calls of `method` time out (`seconds`: every call during them).

        In process the client gets telegram.error.TimedOut at once; over HTTP the answer comes
        after `delay` seconds. With performed=True the call takes effect but its answer is lost.
        """
        self.faults.arm(
            Fault(method, times, chat_id, delay=delay, performed=performed, until=_until(seconds))
        )

    def inject_unreachable(
        self,
        method: str,
        times: int = 1,
        chat_id: int | None = None,
        seconds: float | None = None,
    ) -> None:
        """Make the next `times` calls of `method` (`seconds`: every call during them) fail to
        connect: the request never reaches Telegram, and the client knows it
        (python-telegram-bot raises NetworkError from httpx.ConnectError). In process only:
        the HTTP front door cannot refuse a connection it already accepted."""
        self.faults.arm(Fault(method, times, chat_id, until=_until(seconds), unreachable=True))

    # -- helpers for the method handlers ---------------------------------------------------

    @staticmethod
    def now() -> int:
        """Unix time as Telegram puts it into `date` fields."""
        return int(time.time())

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot's User object (the `from` of its messages)."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_name,
            "username": self.bot_username,
        }

    def find_chat(self, params: dict[str, Any], name: str = "chat_id") -> ChatRecord:
        """The chat a request names; 400 if absent or unknown."""
        chat_id = chat_id_of(params, name)
        if chat_id is None:
            raise bad_request(CHAT_ID_EMPTY)
        if isinstance(chat_id, str):
            wanted = chat_id[1:].lower()
            for user in self.users.values():
                if user.username and user.username.lower() == wanted:
                    return self.chats[user.id]
            for found in self.chats.values():
                if found.username and found.username.lower() == wanted:
                    return found
            raise bad_request(CHAT_NOT_FOUND)
        chat = self.chats.get(chat_id)
        if chat is None:
            raise bad_request(CHAT_NOT_FOUND)
        return chat

    def writable_chat(self, params: dict[str, Any]) -> ChatRecord:
        """The chat a request writes to; 403 if the user blocked the bot, or if the bot is not
        (or no longer) in the group or channel."""
        chat = self.find_chat(params)
        if chat.blocked:
            raise ApiError(403, BLOCKED)
        if not chat.private and chat.bot_status not in PRESENT:
            wording = KICKED if chat.bot_status == "kicked" else NOT_A_MEMBER
            raise ApiError(403, wording.format(kind=chat.type))
        return chat

    def message_json(self, record: MessageRecord) -> dict[str, Any]:
        """The Message JSON of a record, with the right sender and chat (a channel's messages
        have no sender user: the channel is their sender_chat)."""
        chat = self.chats[record.chat_id]
        sender: dict[str, Any] | None
        if chat.type == CHANNEL:
            sender = None
        elif record.from_bot:
            sender = self.bot_user
        elif record.sender_id is not None:
            sender = self.users[record.sender_id].to_json()
        else:
            sender = chat.user.to_json() if chat.user is not None else None
        return record.to_json(sender, chat.to_json())

    def describe(self) -> str:
        """Recent requests and pending updates, for wait_for's timeout message."""
        recent = ", ".join(f"{r.method}->{r.status}" for r in self.requests[-8:])
        return f"last requests: [{recent}]; pending updates: {len(self.updates.pending)}"
