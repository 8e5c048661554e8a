"""Pure-ASGI middleware giving each request an id and a client, and recording HTTP metrics.

It wraps ``send`` instead of buffering responses (unlike Starlette's
``BaseHTTPMiddleware``), so streaming responses, server-sent events and
WebSockets pass through untouched.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterable, MutableMapping
from typing import Any

from starlette.routing import BaseRoute, Host, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.http.client_address import TrustedProxies
from shared.observability.context import (
    RequestClient,
    reset_client,
    reset_request_id,
    set_client,
    set_request_id,
)
from shared.observability.metrics import MetricsRegistry, default_metrics

__all__ = [
    "REQUEST_ID_HEADER",
    "UNMATCHED_ROUTE",
    "RequestContextMiddleware",
    "route_template",
]

REQUEST_ID_HEADER = "X-Request-ID"
UNMATCHED_ROUTE = "<unmatched>"
"""``route`` label of requests no route matched (404s, redirects to a slash)."""

_HEADER_KEY = REQUEST_ID_HEADER.lower().encode("latin-1")
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:+=/-]{1,128}$")
_USER_AGENT_LENGTH = 512


class RequestContextMiddleware:
    """Assigns a request id, echoes it as ``X-Request-ID`` and records HTTP metrics.

    An incoming ``X-Request-ID`` is kept when it is a plain token of at most 128
    characters (letters, digits, ``._:+=/-``); otherwise a new one is generated.
    The id is available to the request's code through
    :func:`shared.observability.context.get_request_id` and in every log record.
    The client (peer, ``X-Forwarded-For`` read through ``trusted`` proxies, and
    ``User-Agent``) is available through
    :func:`shared.observability.context.get_client`.

    Metrics are labelled with the matched route *template* (``/files/{key:path}``),
    never the raw path. Add the middleware to a Starlette app with
    ``Middleware(RequestContextMiddleware, service="courses")``.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        service: str,
        metrics: MetricsRegistry | None = None,
        trusted: TrustedProxies | None = None,
    ) -> None:
        self.app = app
        self.service = service
        self.metrics = metrics if metrics is not None else default_metrics()
        self.trusted = trusted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return

        incoming_id, client = self._read_headers(scope)
        request_id = incoming_id or uuid.uuid4().hex
        header = (_HEADER_KEY, request_id.encode("latin-1"))
        token = set_request_id(request_id)
        client_token = set_client(client)
        try:
            if scope["type"] == "websocket":
                await self.app(scope, receive, _with_header_on(send, "websocket.accept", header))
            else:
                await self._http(scope, receive, send, header)
        finally:
            reset_client(client_token)
            reset_request_id(token)

    def _read_headers(self, scope: Scope) -> tuple[str | None, RequestClient]:
        """The request's own id when it brings a sane one, and its client: one pass."""
        request_id: str | None = None
        forwarded: list[str] = []
        user_agent: str | None = None
        for key, value in scope.get("headers", ()):
            if key == _HEADER_KEY and request_id is None:  # the first one decides
                candidate = value.decode("latin-1").strip()
                request_id = candidate if _SANE_REQUEST_ID.match(candidate) else ""
            elif key == b"x-forwarded-for":
                forwarded.append(value.decode("latin-1"))
            elif key == b"user-agent":
                user_agent = value.decode("latin-1")[:_USER_AGENT_LENGTH] or None
        peer = scope.get("client")
        return request_id or None, RequestClient(
            peer=peer[0] if peer else None,
            forwarded_for=",".join(forwarded),
            user_agent=user_agent,
            trusted=self.trusted,
        )

    async def _http(
        self, scope: Scope, receive: Receive, send: Send, header: tuple[bytes, bytes]
    ) -> None:
        method = scope.get("method", "GET")
        lookup_scope = {
            "type": scope["type"],
            "path": scope["path"],
            "root_path": scope.get("root_path", ""),
            "method": method,
            "headers": scope.get("headers", []),
            "path_params": {},
        }
        status = 500
        in_progress = self.metrics.http_requests_in_progress.labels(service=self.service)

        async def send_with_header(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                _set_header(message, header)
            await send(message)

        in_progress.inc()
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_header)
        finally:
            elapsed = time.perf_counter() - started
            in_progress.dec()
            route = _route_for(scope, lookup_scope)
            self.metrics.http_requests.labels(
                service=self.service, method=method, route=route, status=str(status)
            ).inc()
            self.metrics.http_request_duration.labels(
                service=self.service, method=method, route=route
            ).observe(elapsed)


def _set_header(message: MutableMapping[str, Any], header: tuple[bytes, bytes]) -> None:
    headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != header[0]]
    headers.append(header)
    message["headers"] = headers


def _with_header_on(send: Send, message_type: str, header: tuple[bytes, bytes]) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == message_type:
            _set_header(message, header)
        await send(message)

    return wrapped


def _route_for(scope: Scope, lookup_scope: Scope) -> str:
    # The router records the route it dispatched to in the (shared) scope; when
    # it did not, nothing matched. The template is then rebuilt from the
    # routing table, mounts included, on the scope as it arrived.
    if "route" not in scope and "endpoint" not in scope:
        return UNMATCHED_ROUTE
    router = scope.get("router")
    routes = getattr(router, "routes", None)
    if routes is None:
        return UNMATCHED_ROUTE
    return route_template(routes, lookup_scope) or UNMATCHED_ROUTE


def route_template(routes: Iterable[BaseRoute], scope: Scope) -> str | None:
    """The template of the route ``scope`` matches (``/files/{key:path}``), or ``None``.

    Mounts contribute their prefix; a mounted ASGI app without routes of its own
    yields ``<prefix>/{path:path}``. A partial match (wrong method) counts, as
    the router dispatches it too (to answer 405).
    """
    partial: str | None = None
    for route in routes:
        match, child_scope = route.matches(scope)
        if match is Match.NONE:
            continue
        template = _template_of(route, {**scope, **child_scope})
        if match is Match.FULL:
            return template
        if partial is None:
            partial = template
    return partial


def _template_of(route: BaseRoute, scope: Scope) -> str | None:
    if isinstance(route, Mount | Host):
        prefix = route.path if isinstance(route, Mount) else ""
        inner_routes = route.routes
        if not inner_routes:
            return f"{prefix}/{{path:path}}"
        inner = route_template(inner_routes, scope)
        return None if inner is None else prefix + inner
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else None
