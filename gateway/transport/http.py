"""Reaching a subgraph over HTTP/1.1 with a pooled keep-alive client.

One :class:`httpx.AsyncClient` (made by :func:`create_http_client`) is shared
by every subgraph transport of a gateway, so connections are pooled per host
and kept alive between requests.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import httpx

from gateway.transport._decoding import ACCEPT, decode_response, encode_body
from gateway.transport.errors import TransportError
from gateway.transport.request import SubgraphRequest, SubgraphResponse

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["HttpTransport", "create_http_client"]

_NOT_FORWARDED = frozenset(
    {"accept", "connection", "content-length", "content-type", "host", "transfer-encoding"}
)


def create_http_client(
    *,
    timeout: float = 30.0,
    max_connections: int = 512,
    max_keepalive_connections: int = 128,
    keepalive_expiry: float = 30.0,
) -> httpx.AsyncClient:
    """The pooled HTTP/1.1 keep-alive client a gateway shares between its subgraphs."""
    return httpx.AsyncClient(
        http1=True,
        http2=False,
        timeout=httpx.Timeout(timeout),
        limits=httpx.Limits(
            max_connections=max_connections,
            max_keepalive_connections=max_keepalive_connections,
            keepalive_expiry=keepalive_expiry,
        ),
        headers={"user-agent": "lms-gateway"},
        follow_redirects=False,
        trust_env=False,
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
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.name = name
        self.url = url
        self.timeout = timeout
        self._owns_client = client is None
        self._client = client if client is not None else create_http_client(timeout=timeout)
        self._timeout = httpx.Timeout(timeout)

    async def send(self, request: SubgraphRequest) -> SubgraphResponse:
        """The subgraph's GraphQL response to ``request``; raises :class:`TransportError`."""
        headers = _headers(request.headers)
        content = encode_body(request.body())
        try:
            async with asyncio.timeout(self.timeout):
                response = await self._client.post(
                    self.url, content=content, headers=headers, timeout=self._timeout
                )
                body = await response.aread()
        except TimeoutError:
            raise self._timed_out() from None
        except httpx.TimeoutException:
            raise self._timed_out() from None
        except httpx.ConnectError as exc:
            raise TransportError(
                f"Subgraph {self.name!r} at {self.url} is unreachable ({_reason(exc)}); "
                "check that it is running and that the URL is right.",
                subgraph=self.name,
            ) from None
        except httpx.HTTPError as exc:
            raise TransportError(
                f"Request to subgraph {self.name!r} at {self.url} failed ({_reason(exc)}); "
                "check the subgraph's logs.",
                subgraph=self.name,
            ) from None
        return decode_response(
            subgraph=self.name,
            status=response.status_code,
            content_type=response.headers.get("content-type"),
            body=body,
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
