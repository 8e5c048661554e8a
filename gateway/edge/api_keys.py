"""API keys at the edge: each key is traded once for an access token, then cached.

An integration sends ``Authorization: Bearer lms_<prefix>_<secret>`` or
``X-API-Key: lms_...``. Only identity can check a key, so the edge posts it
to identity's exchange (``LMS_GATEWAY_API_KEY_EXCHANGE_URL``; in ``lms dev``
the in-process identity app) and forwards ``Authorization: Bearer <token>``
to the subgraphs instead of the key: they verify the token like any other.

The token is cached under the key's SHA-256 (never the key itself) until
shortly before it expires, so a busy integration costs one exchange per
token lifetime (``LMS_API_KEY_TOKEN_TTL``, 5 minutes by default), not one
per request; concurrent requests of an uncached key share one exchange. The
cache keeps at most ``LMS_GATEWAY_API_KEY_CACHE_SIZE`` keys, least recently
used first out. A revoked key therefore keeps working through a gateway for
at most one token lifetime. A refused key is a 401 with a GraphQL error
``UNAUTHENTICATED`` before any parsing or planning; an exchange that cannot
be reached is a 503.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import request_response

from gateway import json_codec
from gateway.edge.media import JSON, negotiate
from shared.auth.internal import INTERNAL_TOKEN_HEADER

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

    from shared.config import Settings

__all__ = [
    "API_KEY_HEADER",
    "API_KEY_PREFIX",
    "ApiKeyExchange",
    "ApiKeyRefused",
    "ExchangeUnavailable",
    "presented_api_key",
    "with_api_keys",
]

logger = logging.getLogger(__name__)

API_KEY_PREFIX = "lms_"
"""How an API key starts; a JWT never does (it starts with ``eyJ``)."""

API_KEY_HEADER = "x-api-key"
"""The header an integration may send its key in instead of ``Authorization``."""

_AUTHORIZATION = b"authorization"
_API_KEY = API_KEY_HEADER.encode()
_BEARER_KEY = b"bearer " + API_KEY_PREFIX.encode()
_REFRESH_MARGIN = 30.0
"""Seconds before its expiry a cached token is replaced (at most a quarter of its life)."""

Endpoint = Callable[[Request], Awaitable[Response]]


class ApiKeyRefused(Exception):
    """Identity refused the key (unknown, malformed, revoked, expired ...)."""


class ExchangeUnavailable(Exception):
    """The exchange could not be reached or answered unexpectedly; the key is unchecked."""


@dataclass(slots=True)
class _Cached:
    token: str
    fresh_until: float


class ApiKeyExchange:
    """Trades API keys for access tokens at identity's exchange, caching each token.

    ``client`` reaches ``url`` (an ASGI transport for the in-process identity
    app; default a pooled HTTP client); :meth:`close` closes it. ``clock`` is
    monotonic seconds. ``exchanges`` counts calls to the exchange.
    """

    def __init__(
        self,
        url: str,
        *,
        client: httpx.AsyncClient | None = None,
        internal_token: str | None = None,
        cache_size: int = 10_000,
        timeout: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self._client = client if client is not None else httpx.AsyncClient(timeout=timeout)
        self._headers = {INTERNAL_TOKEN_HEADER: internal_token} if internal_token else {}
        self.cache_size = cache_size
        self._clock = clock
        self._cache: OrderedDict[bytes, _Cached] = OrderedDict()
        self._pending: dict[bytes, asyncio.Future[str]] = {}
        self.exchanges = 0

    @classmethod
    def from_settings(
        cls, settings: Settings, *, app: ASGIApp | None = None
    ) -> ApiKeyExchange | None:
        """The exchange the settings name; with ``app``, that app in process (the URL's path
        on it, default identity's route). ``None`` when neither is given."""
        url = settings.gateway_api_key_exchange_url
        token = settings.internal_token.get_secret_value() if settings.internal_token else None
        if app is not None:
            path = httpx.URL(url).path if url else "/internal/api-key-token"
            client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://identity"
            )
            return cls(
                path,
                client=client,
                internal_token=token,
                cache_size=settings.gateway_api_key_cache_size,
            )
        if not url:
            return None
        return cls(
            url,
            internal_token=token,
            cache_size=settings.gateway_api_key_cache_size,
            timeout=settings.gateway_subgraph_timeout,
        )

    async def token_for(self, key: str) -> str:
        """An access token for ``key``: cached, or from one exchange shared by concurrent
        callers. Raises :class:`ApiKeyRefused` or :class:`ExchangeUnavailable`."""
        digest = hashlib.sha256(key.encode()).digest()
        cached = self._cache.get(digest)
        if cached is not None:
            if cached.fresh_until > self._clock():
                self._cache.move_to_end(digest)
                return cached.token
            del self._cache[digest]
        pending = self._pending.get(digest)
        if pending is None:
            pending = asyncio.ensure_future(self._exchange(digest, key))
            self._pending[digest] = pending
            pending.add_done_callback(lambda _: self._pending.pop(digest, None))
        return await asyncio.shield(pending)

    def forget_all(self) -> None:
        """Drop every cached token (after a revocation, for instance)."""
        self._cache.clear()

    async def close(self) -> None:
        """Close the HTTP client (a given one too: it was handed over)."""
        await self._client.aclose()

    async def _exchange(self, digest: bytes, key: str) -> str:
        self.exchanges += 1
        started = self._clock()
        try:
            response = await self._client.post(self.url, json={"key": key}, headers=self._headers)
        except httpx.HTTPError as exc:
            raise ExchangeUnavailable(f"API-key exchange unreachable: {exc}") from None
        if response.status_code == 401:
            raise ApiKeyRefused()
        token, lifetime = _token_of(response)
        margin = min(_REFRESH_MARGIN, lifetime / 4)
        self._cache[digest] = _Cached(token, started + lifetime - margin)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return token


def _token_of(response: httpx.Response) -> tuple[str, float]:
    """The token and its lifetime in seconds from a successful exchange answer."""
    if response.status_code != 200:
        raise ExchangeUnavailable(f"API-key exchange answered {response.status_code}")
    try:
        body: Any = response.json()
        token, lifetime = body["access_token"], body["expires_in"]
    except (ValueError, KeyError, TypeError):
        raise ExchangeUnavailable("API-key exchange answered without a token") from None
    if not isinstance(token, str) or not isinstance(lifetime, (int, float)) or lifetime <= 0:
        raise ExchangeUnavailable("API-key exchange answered a malformed token")
    return token, float(lifetime)


def presented_api_key(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The API key of raw ASGI ``headers``: ``X-API-Key`` or a ``Bearer lms_...`` header."""
    for name, value in headers:
        if name == _AUTHORIZATION:
            if value[:11].lower() == _BEARER_KEY:
                return value[7:].strip().decode("latin-1")
        elif name == _API_KEY:
            stripped = value.strip()
            if stripped.startswith(API_KEY_PREFIX.encode()):
                return stripped.decode("latin-1")
    return None


class _ApiKeyEdge:
    """ASGI wrapper of an endpoint: swaps a request's API key for an access token."""

    def __init__(self, app: ASGIApp, exchange: ApiKeyExchange) -> None:
        self.app = app
        self.exchange = exchange

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers: list[tuple[bytes, bytes]] = scope["headers"]
        key = presented_api_key(headers) if scope["type"] == "http" else None
        if key is None:
            await self.app(scope, receive, send)
            return
        try:
            token = await self.exchange.token_for(key)
        except ApiKeyRefused:
            await _refusal(scope, 401, "Invalid API key.", "UNAUTHENTICATED")(scope, receive, send)
            return
        except ExchangeUnavailable as exc:
            logger.warning("%s", exc)
            message = "API keys cannot be checked right now; retry shortly."
            await _refusal(scope, 503, message, "SERVICE_UNAVAILABLE")(scope, receive, send)
            return
        forwarded = [(n, v) for n, v in headers if n not in (_AUTHORIZATION, _API_KEY)]
        forwarded.append((_AUTHORIZATION, b"Bearer " + token.encode()))
        await self.app({**scope, "headers": forwarded}, receive, send)


def _refusal(scope: Scope, status: int, message: str, code: str) -> Response:
    """A GraphQL error response in the media type the client accepts (JSON by default)."""
    accept = Request(scope).headers.get("accept")
    media_type = negotiate(accept) or JSON
    body = json_codec.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})
    headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if status == 401 else None
    return Response(
        body, status_code=status, headers=headers, media_type=f"{media_type}; charset=utf-8"
    )


def with_api_keys(endpoint: Endpoint, exchange: ApiKeyExchange | None) -> ASGIApp | Endpoint:
    """``endpoint`` for a Starlette ``Route``, exchanging API keys first when ``exchange``."""
    if exchange is None:
        return endpoint
    return _ApiKeyEdge(request_response(endpoint), exchange)
