"""Reaching a subgraph mounted in the same process by calling its ASGI app directly.

No sockets and no HTTP client: the request is handed to the app as an ASGI
``http`` scope and the answer is collected from its ``send`` calls, then
judged exactly like an HTTP answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from gateway.transport._decoding import ACCEPT, decode_response, encode_body
from gateway.transport.errors import TransportError
from gateway.transport.request import SubgraphRequest, SubgraphResponse

__all__ = ["AsgiApp", "AsgiTransport"]

Message = MutableMapping[str, Any]
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]
"""An ASGI 3 application."""

_ACCEPT = ACCEPT.encode()
_NOT_FORWARDED = frozenset(
    {"accept", "connection", "content-length", "content-type", "host", "transfer-encoding"}
)


class AsgiTransport:
    """Sends operations to the ASGI ``app`` at ``path``; each gets at most ``timeout`` seconds."""

    def __init__(
        self,
        name: str,
        app: AsgiApp,
        *,
        path: str = "/graphql",
        timeout: float = 30.0,
        host: str = "subgraph.internal",
    ) -> None:
        self.name = name
        self.app = app
        self.path = path
        self.timeout = timeout
        self.host = host
        self._raw_path = path.encode()
        self._host = host.encode()

    async def send(self, request: SubgraphRequest) -> SubgraphResponse:
        """The app's GraphQL response to ``request``; raises :class:`TransportError`."""
        content = encode_body(request.body())
        headers = [
            (b"host", self._host),
            (b"content-type", b"application/json"),
            (b"accept", _ACCEPT),
            (b"content-length", str(len(content)).encode()),
        ]
        for header, value in request.headers.items():
            lowered = header.lower()
            if lowered not in _NOT_FORWARDED:
                headers.append((lowered.encode(), value.encode()))
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": self.path,
            "raw_path": self._raw_path,
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 0),
            "server": (self.host, 80),
            "extensions": {},
        }
        exchange = _Exchange(content)
        try:
            async with asyncio.timeout(self.timeout):
                await self.app(scope, exchange.receive, exchange.send)
        except TimeoutError:
            raise TransportError(
                f"Subgraph {self.name!r} (in process) did not answer within {self.timeout:g}s; "
                "check its resolvers or raise its timeout.",
                subgraph=self.name,
            ) from None
        except Exception as exc:
            if exchange.status is None:
                raise TransportError(
                    f"Subgraph {self.name!r} (in process) failed with "
                    f"{type(exc).__name__}: {exc}; check its logs.",
                    subgraph=self.name,
                    status=500,
                ) from None
        finally:
            exchange.finish()
        if exchange.status is None:
            raise TransportError(
                f"Subgraph {self.name!r} (in process) sent no response; check its app at "
                f"{self.path}.",
                subgraph=self.name,
            )
        return decode_response(
            subgraph=self.name,
            status=exchange.status,
            content_type=exchange.content_type,
            body=b"".join(exchange.chunks),
        )

    async def close(self) -> None:
        """Nothing to release: the app belongs to whoever mounted it."""

    def __repr__(self) -> str:
        return f"AsgiTransport({self.name!r}, path={self.path!r})"


class _Exchange:
    """One request/response exchange with an ASGI app."""

    __slots__ = ("_body", "_done", "chunks", "content_type", "status")

    def __init__(self, body: bytes) -> None:
        self._body: bytes | None = body
        self._done = asyncio.Event()
        self.status: int | None = None
        self.content_type: str | None = None
        self.chunks: list[bytes] = []

    async def receive(self) -> Message:
        body = self._body
        if body is not None:
            self._body = None
            return {"type": "http.request", "body": body, "more_body": False}
        await self._done.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            self.status = int(message["status"])
            for name, value in message.get("headers", ()):
                if name.lower() == b"content-type":
                    self.content_type = value.decode("latin-1")
        elif kind == "http.response.body":
            chunk = message.get("body", b"")
            if chunk:
                self.chunks.append(chunk)
            if not message.get("more_body", False):
                self._done.set()

    def finish(self) -> None:
        self._done.set()
