"""`AiohttpRequest`: python-telegram-bot's HTTP backend on aiohttp instead of httpx.

Why: per Bot API call, httpx's connection pool and its async-library detection cost several
times the CPU of the rest of a button press (docs/DESIGN-NOTES.md, "Speed"); aiohttp (already
a dependency, for webhook mode) does the same HTTP for a fraction of it. It only does HTTP:
python-telegram-bot still encodes the parameters, reads the answer and raises its errors
(RetryAfter from a 429, BadRequest, Forbidden ...), so the send budget and the flood-limit
handling above it are unchanged.

The contract of `telegram.request.BaseRequest.do_request`: return (HTTP status, body bytes)
for any answer the server gave; raise `telegram.error.TimedOut` when a timeout ran out and
`telegram.error.NetworkError` when the connection failed. Timeouts as HTTPXRequest takes them:
`connect_timeout` to connect, `pool_timeout` to wait for a free connection from the pool (at
most `connection_pool_size` at once), `read_timeout` between two reads of the answer.
aiohttp has no timeout for a single write, so `write_timeout` (or `media_write_timeout` for
uploads) bounds the whole request together with the others: no request waits longer than
their sum.
"""

from typing import Any

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

_JSON = {"Content-Type": "application/json"}


def _sum(*parts: float | None) -> float | None:
    # None is "no limit": a sum with one unlimited part is unlimited.
    return None if any(part is None for part in parts) else sum(p for p in parts if p)


class AiohttpRequest(BaseRequest):
    """A BaseRequest on one aiohttp ClientSession (opened in `initialize`, closed in
    `shutdown`), with a pool of at most `connection_pool_size` connections."""

    __slots__ = ("_pool_size", "_proxies", "_session", "_timeouts")

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._timeouts = {
            "read": read_timeout,
            "write": write_timeout,
            "connect": connect_timeout,
            "pool": pool_timeout,
            "media_write": media_write_timeout,
        }
        self._session: aiohttp.ClientSession | None = None
        # The proxy per URL, from HTTPS_PROXY/HTTP_PROXY/NO_PROXY, looked up once.
        self._proxies: dict[str, tuple[URL | None, aiohttp.BasicAuth | None]] = {}

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (python-telegram-bot adds getUpdates' long poll to it)."""
        return self._timeouts["read"]

    async def initialize(self) -> None:
        """Open the session (in the running loop); again after a shutdown."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=0)
            # Not trust_env: aiohttp would then read ~/.netrc in a thread on every request.
            # The proxy from the environment is looked up once per origin instead (_proxy).
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.USER_AGENT},
                skip_auto_headers=("Accept-Encoding",),
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    def _timeout(
        self,
        read: ODVInput[float],
        write: ODVInput[float],
        connect: ODVInput[float],
        pool: ODVInput[float],
        uploads: bool,
    ) -> aiohttp.ClientTimeout:
        given = self._timeouts
        read_s = given["read"] if isinstance(read, DefaultValue) else read
        if isinstance(write, DefaultValue):
            write_s = given["media_write"] if uploads else given["write"]
        else:
            write_s = write
        connect_s = given["connect"] if isinstance(connect, DefaultValue) else connect
        pool_s = given["pool"] if isinstance(pool, DefaultValue) else pool
        return aiohttp.ClientTimeout(
            # aiohttp's `connect` covers waiting for a pooled connection and connecting.
            connect=_sum(pool_s, connect_s),
            sock_connect=connect_s,
            sock_read=read_s,
            total=_sum(pool_s, connect_s, write_s, read_s),
        )

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """One HTTP request: (status, body); TimedOut or NetworkError when none came."""
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        uploads = request_data is not None and request_data.contains_files
        timeout = self._timeout(read_timeout, write_timeout, connect_timeout, pool_timeout, uploads)
        body: Any = None
        headers = None
        if request_data is not None and uploads:
            body = _form(request_data)
        elif request_data is not None:
            # One JSON body, the values encoded as python-telegram-bot encodes them for a form
            # (objects as JSON text, which the Bot API reads in a JSON body too): no form
            # encoding here and no form decoding on the other side.
            body, headers = request_data.json_payload, _JSON
        proxy, proxy_auth = self._proxy(url)
        try:
            async with session.request(
                method,
                url,
                data=body,
                headers=headers,
                timeout=timeout,
                proxy=proxy,
                proxy_auth=proxy_auth,
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's timeouts are TimeoutErrors
            raise TimedOut(f"aiohttp: {type(error).__name__}") from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
        except OSError as error:  # e.g. a connection refused before aiohttp wrapped it
            raise NetworkError(f"{type(error).__name__}: {error}") from error

    def _proxy(self, url: str) -> tuple[URL | None, aiohttp.BasicAuth | None]:
        """The proxy for this URL as HTTPS_PROXY (HTTP_PROXY, NO_PROXY) set it, as httpx
        (python-telegram-bot's default) uses it: a city's network may reach Telegram only
        through one. None without one."""
        found = self._proxies.get(url)  # one URL per Bot API method: a few dozen in all
        if found is None:
            try:
                found = get_env_proxy_for_url(URL(url))
            except LookupError:
                found = (None, None)
            self._proxies[url] = found
        return found


def _form(request_data: RequestData) -> aiohttp.FormData:
    """multipart/form-data: the parameters (JSON-encoded, as Telegram reads them) and the files
    (python-telegram-bot's (filename, content, mime type) parts)."""
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, part in request_data.multipart_data.items():
        filename, content, mime_type = part[0], part[1], part[2]
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form
