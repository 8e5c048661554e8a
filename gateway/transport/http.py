"""Reaching a subgraph over HTTP/1.1 with a pooled keep-alive client.

One :class:`HttpClient` (made by :func:`create_http_client`) is shared by
every subgraph transport of a gateway, so connections are pooled per host and
kept alive between requests. It runs on aiohttp, whose connection pool stays
cheap under hundreds of concurrent requests; the session is opened lazily, in
the event loop that first uses it.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import aiohttp

from gateway.transport._decoding import ACCEPT, decode_response, encode_body
from gateway.transport.errors import TransportError
from gateway.transport.request import SubgraphRequest, SubgraphResponse

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["HttpClient", "HttpTransport", "create_http_client"]

_NOT_FORWARDED = frozenset(
    {"accept", "connection", "content-length", "content-type", "host", "transfer-encoding"}
)


class HttpClient:
    """A pooled keep-alive HTTP/1.1 client shared by a gateway's subgraph transports."""

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        max_connections: int = 512,
        max_connections_per_host: int = 128,
        keepalive_expiry: float = 30.0,
    ) -> None:
        self.timeout = timeout
        self._limits = (max_connections, max_connections_per_host, keepalive_expiry)
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    @property
    def is_closed(self) -> bool:
        return self._closed

    def session(self) -> aiohttp.ClientSession:
        """The session, opened on first use (inside the running event loop)."""
        if self._session is None or self._session.closed:
            if self._closed:
                raise RuntimeError("the HTTP client is closed")
            limit, per_host, keepalive = self._limits
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=limit,
                    limit_per_host=per_host,
                    keepalive_timeout=keepalive,
                    ttl_dns_cache=300,
                ),
                headers={"user-agent": "lms-gateway"},
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                auto_decompress=True,
                trust_env=False,
            )
        return self._session

    async def aclose(self) -> None:
        self._closed = True
        if self._session is not None:
            await self._session.close()
            self._session = None


def create_http_client(
    *,
    timeout: float = 30.0,
    max_connections: int = 512,
    max_keepalive_connections: int = 128,
    keepalive_expiry: float = 30.0,
) -> HttpClient:
    """The pooled HTTP/1.1 keep-alive client a gateway shares between its subgraphs."""
    return HttpClient(
        timeout=timeout,
        max_connections=max_connections,
        max_connections_per_host=max_keepalive_connections,
        keepalive_expiry=keepalive_expiry,
    )


class HttpTransport:
    """POSTs JSON to one subgraph's ``url``; each request gets at most ``timeout`` seconds.

    Without ``client`` the transport makes (and :meth:`close` closes) its own;
    with one, closing the client is left to its owner.
    """

    def __init__(
        self,
        name: str,
        url: str,
        *,
        timeout: float = 30.0,
        client: HttpClient | None = None,
    ) -> None:
        self.name = name
        self.url = url
        self.timeout = timeout
        self._owns_client = client is None
        self._client = client if client is not None else create_http_client(timeout=timeout)
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def send(self, request: SubgraphRequest) -> SubgraphResponse:
        """The subgraph's GraphQL response to ``request``; raises :class:`TransportError`."""
        headers = _headers(request.headers)
        content = encode_body(request.body())
        try:
            async with (
                asyncio.timeout(self.timeout),
                self._client.session().post(
                    self.url, data=content, headers=headers, timeout=self._timeout
                ) as response,
            ):
                body = await response.read()
                status = response.status
                content_type = response.headers.get("content-type")
        except TimeoutError:
            raise self._timed_out() from None
        except aiohttp.ClientConnectorError as exc:
            raise TransportError(
                f"Subgraph {self.name!r} at {self.url} is unreachable ({_reason(exc)}); "
                "check that it is running and that the URL is right.",
                subgraph=self.name,
            ) from None
        except aiohttp.ClientError as exc:
            raise TransportError(
                f"Request to subgraph {self.name!r} at {self.url} failed ({_reason(exc)}); "
                "check the subgraph's logs.",
                subgraph=self.name,
            ) from None
        return decode_response(
            subgraph=self.name, status=status, content_type=content_type, body=body
        )

    async def close(self) -> None:
        """Close the HTTP client if this transport made it."""
        if self._owns_client:
            await self._client.aclose()

    def _timed_out(self) -> TransportError:
        return TransportError(
            f"Subgraph {self.name!r} at {self.url} did not answer within {self.timeout:g}s; "
            "check its health or raise its timeout.",
            subgraph=self.name,
        )

    def __repr__(self) -> str:
        return f"HttpTransport({self.name!r}, {self.url!r})"


def _headers(forwarded: Mapping[str, str]) -> dict[str, str]:
    headers = {"content-type": "application/json", "accept": ACCEPT}
    for name, value in forwarded.items():
        lowered = name.lower()
        if lowered not in _NOT_FORWARDED:
            headers[lowered] = value
    return headers


def _reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__
