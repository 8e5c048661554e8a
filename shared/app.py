"""The ASGI application factory: every service is served the same way.

Each app has ``/graphql`` (GraphiQL for browsers in development),
``/health`` (the process is alive), ``/ready`` (its own backends are
reachable; names the one that is not), ``/metrics`` (Prometheus text),
``/.well-known/jwks.json`` (public signing keys), with the local object
store, ``/files/...`` (signed uploads and downloads), and the extra routes
each service's spec declares (``ServiceSpec.routes``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from shared.config import Settings
from shared.graphql.context import RequestContext
from shared.http import TrustedProxies
from shared.observability import (
    RequestContextMiddleware,
    configure_logging,
    configure_tracing,
    instrument_app,
    metrics_endpoint,
)
from shared.runtime import Platform
from shared.service import Service
from shared.storage import LocalObjectStore, storage_routes

__all__ = ["Readiness", "create_app", "instrumented", "operational_routes"]

Readiness = Callable[[], Awaitable[Mapping[str, str | None]]]
"""Checks by name: ``None`` when fine, else one line saying what is wrong."""


def operational_routes(
    settings: Settings, readiness: Readiness, *, failing_prefix: str = ""
) -> list[BaseRoute]:
    """``/health`` (alive), ``/ready`` (503 naming the first failing check) and ``/metrics``.

    ``failing_prefix`` goes before the failing check's name in the error line
    (the gateway says ``subgraph accounts: ...``).
    """

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def ready(_: Request) -> Response:
        results = await readiness()
        failing = {k: v for k, v in results.items() if v is not None}
        body: dict[str, Any] = {
            "status": "unavailable" if failing else "ok",
            "checks": {k: (v or "ok") for k, v in results.items()},
        }
        if failing:
            first = next(iter(failing))
            body["error"] = f"{failing_prefix}{first}: {failing[first]}"
        return JSONResponse(body, status_code=503 if failing else 200)

    routes: list[BaseRoute] = [
        Route("/health", health, methods=["GET"]),
        Route("/ready", ready, methods=["GET"]),
    ]
    if settings.metrics_enabled:
        routes.append(Route("/metrics", metrics_endpoint, methods=["GET"]))
    return routes


def instrumented(app: Starlette, settings: Settings, *, service: str) -> Starlette:
    """``app`` with request ids, HTTP metrics and, when traces are exported, a span per
    request (spans cost time on every request, so only when ``LMS_OTLP_ENDPOINT`` is set)."""
    app.add_middleware(
        RequestContextMiddleware,
        service=service,
        trusted=TrustedProxies.parse(settings.trusted_proxies),
    )
    if settings.otlp_endpoint:
        instrument_app(app)
    return app


def create_app(
    platform: Platform,
    *,
    graphql: Mapping[str, Service],
    name: str,
) -> Starlette:
    """An app serving ``platform``: each service's GraphQL at its path in ``graphql``.

    ``name`` labels logs, metrics and traces (``gateway``, ``identity``, ``dev`` ...).
    The app's lifespan starts the platform (backends, migrations, relays,
    consumers) and closes it on shutdown.
    """
    settings = platform.settings
    configure_logging(settings, service=name)
    configure_tracing(settings, service=name)

    async def jwks(_: Request) -> Response:
        return JSONResponse(platform.keys.jwks(), headers={"Cache-Control": "max-age=300"})

    routes = operational_routes(settings, platform.readiness)
    routes.append(Route("/.well-known/jwks.json", jwks, methods=["GET"]))
    if isinstance(platform.storage, LocalObjectStore):
        routes.extend(storage_routes(platform.storage))
    for path, service in graphql.items():
        endpoint = ServiceGraphQL(service)
        routes.append(Route(path, endpoint, methods=["GET", "POST"]))
        routes.append(WebSocketRoute(path, endpoint))
    for service in {id(s): s for s in graphql.values()}.values():
        if service.spec.routes is not None:
            routes.extend(service.spec.routes(service))

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await platform.start()
        try:
            yield
        finally:
            await platform.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.platform = platform
    return instrumented(app, settings, service=name)


class ServiceGraphQL(GraphQL[RequestContext, None]):
    """A service's GraphQL endpoint: the caller's principal comes from its bearer token."""

    def __init__(self, service: Service) -> None:
        settings = service.platform.settings
        super().__init__(
            service.schema,
            graphql_ide="graphiql" if settings.graphiql_enabled else None,
        )
        self.service = service

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext:
        return await RequestContext.from_request(
            request,
            response if isinstance(response, Response) else None,
            verifier=self.service.platform.verifier,
            runtime=self.service,
        )
