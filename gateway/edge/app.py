"""The gateway's ASGI application.

Routes: ``/graphql`` (GraphQL over HTTP, GraphiQL for browsers when enabled),
``/health`` (the process is alive), ``/ready`` (every subgraph answers a
health-check query; 503 naming the first that does not) and ``/metrics``
(Prometheus text). Requests get an id (``X-Request-ID``), metrics and a trace
span, as in every service app (:mod:`shared.app`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gateway.edge.endpoint import GraphQLEndpoint
from gateway.engine import Gateway
from shared.config import Settings
from shared.observability import (
    RequestContextMiddleware,
    configure_logging,
    configure_tracing,
    instrument_app,
    metrics_endpoint,
)

__all__ = ["SERVICE_NAME", "create_gateway_app"]

SERVICE_NAME = "gateway"
"""The ``service`` label of the gateway's logs, metrics and traces."""


def create_gateway_app(
    gateway: Gateway, settings: Settings, *, path: str = "/graphql"
) -> Starlette:
    """An app serving ``gateway`` at ``path``; its lifespan closes the gateway on shutdown."""
    configure_logging(settings, service=SERVICE_NAME)
    configure_tracing(settings, service=SERVICE_NAME)

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def ready(_: Request) -> Response:
        results = await gateway.readiness()
        failing = {name: error for name, error in results.items() if error is not None}
        body: dict[str, Any] = {
            "status": "unavailable" if failing else "ok",
            "checks": {name: (error or "ok") for name, error in results.items()},
        }
        if failing:
            first = next(iter(failing))
            body["error"] = f"subgraph {first}: {failing[first]}"
        return JSONResponse(body, status_code=503 if failing else 200)

    endpoint = GraphQLEndpoint(gateway, graphiql=settings.graphiql_enabled)
    routes: list[BaseRoute] = [
        Route(path, endpoint.handle, methods=["GET", "POST"]),
        Route("/health", health, methods=["GET"]),
        Route("/ready", ready, methods=["GET"]),
    ]
    if settings.metrics_enabled:
        routes.append(Route("/metrics", metrics_endpoint, methods=["GET"]))

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await gateway.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.gateway = gateway
    app.add_middleware(RequestContextMiddleware, service=SERVICE_NAME)
    if settings.otlp_endpoint:
        instrument_app(app)  # spans cost time per request: only when they are exported
    return app
