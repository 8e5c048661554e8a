"""The gateway's ASGI application.

Routes: ``/graphql`` (GraphQL over HTTP, GraphiQL for browsers when enabled),
``/health`` (the process is alive), ``/ready`` (every subgraph answers a
health-check query; 503 naming the first that does not) and ``/metrics``
(Prometheus text). Requests get an id (``X-Request-ID``), metrics and a trace
span, as in every service app (:mod:`shared.app`). Given a
:class:`~gateway.edge.reload.ReloadingGateway`, the app watches its
supergraph file while it runs and serves each changed supergraph that loads.
With ``LMS_GATEWAY_API_KEY_EXCHANGE_URL`` set, ``/graphql`` exchanges API keys
for access tokens first (:mod:`gateway.edge.api_keys`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route

from gateway.edge.api_keys import ApiKeyExchange, with_api_keys
from gateway.edge.endpoint import GraphQLEndpoint
from gateway.edge.reload import ReloadingGateway
from gateway.engine import Gateway
from shared.app import instrumented, operational_routes
from shared.config import Settings
from shared.observability import configure_logging, configure_tracing

__all__ = ["SERVICE_NAME", "create_gateway_app"]

SERVICE_NAME = "gateway"
"""The ``service`` label of the gateway's logs, metrics and traces."""


def create_gateway_app(
    gateway: Gateway | ReloadingGateway,
    settings: Settings,
    *,
    path: str = "/graphql",
    api_keys: ApiKeyExchange | None = None,
) -> Starlette:
    """An app serving ``gateway`` at ``path``; its lifespan closes the gateway on shutdown
    and, for a reloading gateway, watches the supergraph file while the app runs.

    ``api_keys`` exchanges API keys (default: the exchange the settings name, if any).
    """
    configure_logging(settings, service=SERVICE_NAME)
    configure_tracing(settings, service=SERVICE_NAME)

    if isinstance(gateway, ReloadingGateway):
        handle = gateway.handle
    else:
        handle = GraphQLEndpoint(gateway, graphiql=settings.graphiql_enabled).handle
    if api_keys is None:
        api_keys = ApiKeyExchange.from_settings(settings)
    routes: list[BaseRoute] = [
        Route(path, with_api_keys(handle, api_keys), methods=["GET", "POST"]),
        *operational_routes(settings, gateway.readiness, failing_prefix="subgraph "),
    ]

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        watching = (
            asyncio.create_task(gateway.watch()) if isinstance(gateway, ReloadingGateway) else None
        )
        try:
            yield
        finally:
            if watching is not None:
                watching.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watching
            await gateway.close()
            if api_keys is not None:
                await api_keys.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.gateway = gateway
    return instrumented(app, settings, service=SERVICE_NAME)
