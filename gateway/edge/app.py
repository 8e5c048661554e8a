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

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route

from gateway.edge.endpoint import GraphQLEndpoint
from gateway.engine import Gateway
from shared.app import instrumented, operational_routes
from shared.config import Settings
from shared.observability import configure_logging, configure_tracing

__all__ = ["SERVICE_NAME", "create_gateway_app"]

SERVICE_NAME = "gateway"
"""The ``service`` label of the gateway's logs, metrics and traces."""


def create_gateway_app(
    gateway: Gateway, settings: Settings, *, path: str = "/graphql"
) -> Starlette:
    """An app serving ``gateway`` at ``path``; its lifespan closes the gateway on shutdown."""
    configure_logging(settings, service=SERVICE_NAME)
    configure_tracing(settings, service=SERVICE_NAME)

    endpoint = GraphQLEndpoint(gateway, graphiql=settings.graphiql_enabled)
    routes: list[BaseRoute] = [
        Route(path, endpoint.handle, methods=["GET", "POST"]),
        *operational_routes(settings, gateway.readiness, failing_prefix="subgraph "),
    ]

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await gateway.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.gateway = gateway
    return instrumented(app, settings, service=SERVICE_NAME)
