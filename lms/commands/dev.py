"""``lms dev``: the whole platform in one process on the embedded backends.

Every registered service is mounted at ``/subgraphs/NAME/graphql`` and the
gateway at ``/graphql``. At start-up the services' subgraphs are composed in
process (a failed composition stops start-up and prints the errors); the
gateway plans over that fresh supergraph and reaches each subgraph through
its ASGI app, without a socket. A committed ``schema/supergraph.graphql`` that
differs from the fresh composition is reported as stale (``lms compose``
rewrites it). When the identity service is registered, the gateway exchanges
API keys for access tokens at identity's route in the same app (no socket).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Route

from gateway.edge import GraphQLEndpoint
from gateway.edge.api_keys import ApiKeyExchange, with_api_keys
from gateway.engine import Gateway
from gateway.engine.gateway import READINESS_TIMEOUT, resolve_relay_node
from gateway.supergraph import Supergraph
from gateway.transport import AsgiTransport, Transport
from lms.errors import CommandError
from lms.server import add_listen_arguments, ensure_port_free, listen_settings, serve_app
from lms.services import all_services
from lms.supergraph import SUPERGRAPH_FILE, compose_project
from shared.app import create_app, operational_routes
from shared.config import Settings
from shared.runtime import Platform
from shared.service import Service, ServiceSpec

__all__ = [
    "GATEWAY_PATH",
    "CompositionFailed",
    "add_parser",
    "compose_services",
    "create_dev_app",
    "run",
    "subgraph_path",
]

logger = logging.getLogger(__name__)

GATEWAY_PATH = "/graphql"
"""Where ``lms dev`` serves the gateway (GraphiQL for a browser)."""


class CompositionFailed(CommandError):
    """The services' subgraphs do not compose; the message has one error per line."""


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "dev",
        help="run the whole platform in one process",
        description="Run every service and the gateway in one process, on the backends the "
        "settings choose (embedded by default: SQLite, in-memory bus and cache, local files "
        "in LMS_DATA_DIR). The gateway is at /graphql, each subgraph at "
        "/subgraphs/NAME/graphql.",
    )
    add_listen_arguments(parser)


def subgraph_path(name: str) -> str:
    return f"/subgraphs/{name}/graphql"


def compose_services(sdls: Mapping[str, str]) -> str:
    """The supergraph SDL of the subgraphs ``sdls`` (by name); raises
    :class:`CompositionFailed` listing every composition error."""
    result = compose_project(sdls)
    if result.supergraph_sdl is None or result.errors:
        errors = "\n".join(f"  {error}" for error in result.errors) or "  (no error reported)"
        raise CompositionFailed(
            "the services' subgraphs do not compose into a supergraph; fix these schema "
            f"errors:\n{errors}"
        )
    return result.supergraph_sdl


def create_dev_app(
    settings: Settings,
    *,
    committed_supergraph: Path = SUPERGRAPH_FILE,
    specs: Sequence[ServiceSpec] | None = None,
) -> Starlette:
    """Every registered service on one platform, each subgraph at ``/subgraphs/NAME/graphql``,
    and the gateway over them at ``/graphql``.

    Raises :class:`CompositionFailed` when the subgraphs do not compose. Logs a
    warning when ``committed_supergraph`` exists and differs from the fresh
    composition (the fresh one is served). ``specs``: the services to run
    (default: every registered one).
    """
    platform = Platform.from_settings(settings)
    services = platform.add_all(all_services() if specs is None else specs)
    sdl = compose_services({service.name: service.schema.as_str() + "\n" for service in services})
    app = create_app(platform, graphql={subgraph_path(s.name): s for s in services}, name="dev")
    _warn_when_stale(committed_supergraph, sdl)
    gateway = _embedded_gateway(app, settings, Supergraph.parse(sdl), services)
    identity = any(service.name == "identity" for service in services)
    api_keys = ApiKeyExchange.from_settings(settings, app=app if identity else None)
    _mount_gateway(app, gateway, platform, api_keys)
    return app


def _embedded_gateway(
    app: Starlette, settings: Settings, supergraph: Supergraph, services: Sequence[Service]
) -> Gateway:
    """A gateway reaching each service's subgraph through ``app`` itself, in process."""
    timeout = settings.gateway_subgraph_timeout
    transports: dict[str, Transport] = {
        service.name: AsgiTransport(
            service.name, app, path=subgraph_path(service.name), timeout=timeout
        )
        for service in services
    }
    return Gateway(
        supergraph,
        transports,
        plan_cache_size=settings.gateway_plan_cache_size,
        deduplicate=settings.gateway_deduplicate,
        development=settings.is_development,
        readiness_timeout=min(READINESS_TIMEOUT, timeout),
        relay_node=resolve_relay_node(settings, default=True),
    )


def _mount_gateway(
    app: Starlette, gateway: Gateway, platform: Platform, api_keys: ApiKeyExchange | None
) -> None:
    """Serve ``gateway`` at :data:`GATEWAY_PATH`, with ``/ready`` checking the platform's
    backends and, through the gateway, every subgraph (as ``gateway:NAME``)."""
    settings = platform.settings

    async def readiness() -> dict[str, str | None]:
        backends, subgraphs = await asyncio.gather(platform.readiness(), gateway.readiness())
        return {**backends, **{f"gateway:{name}": why for name, why in subgraphs.items()}}

    endpoint = GraphQLEndpoint(gateway, graphiql=settings.graphiql_enabled)
    routes: list[BaseRoute] = [
        Route(GATEWAY_PATH, with_api_keys(endpoint.handle, api_keys), methods=["GET", "POST"]),
        *operational_routes(settings, readiness),
    ]
    # the platform app's own /health, /ready and /metrics give way to these
    replaced = {route.path for route in routes if isinstance(route, Route)}
    kept = [r for r in app.router.routes if not (isinstance(r, Route) and r.path in replaced)]
    app.router.routes[:] = [*routes, *kept]
    app.state.gateway = gateway
    app.state.api_keys = api_keys
    platform_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(started: Starlette) -> AsyncIterator[None]:
        async with platform_lifespan(started):
            try:
                yield
            finally:
                await gateway.close()
                if api_keys is not None:
                    await api_keys.close()

    app.router.lifespan_context = lifespan


def _warn_when_stale(committed: Path, fresh_sdl: str) -> None:
    try:
        text = committed.read_text(encoding="utf-8")
    except FileNotFoundError:
        return
    except (OSError, UnicodeDecodeError) as exc:
        logger.warning("cannot read the committed supergraph %s (%s)", committed, exc)
        return
    if text.strip() != fresh_sdl.strip():
        logger.warning(
            "the committed supergraph %s is stale (the services' subgraphs compose into a "
            "different one, which is served); run `lms compose` to update it",
            committed,
        )


async def run(args: argparse.Namespace, settings: Settings) -> int:
    settings = listen_settings(args, settings)
    ensure_port_free(settings.host, settings.port)
    app = create_dev_app(settings)
    services = list(app.state.platform.services)

    def started(base: str) -> None:
        lines = [
            f"LMS platform running at {base} (data in {settings.data_dir.resolve()})",
            f"  GraphiQL: {base}{GATEWAY_PATH}",
        ]
        for name in services:
            lines.append(f"  subgraph {name}: {base}{subgraph_path(name)}")
        lines.append(f"  health {base}/health · readiness {base}/ready · metrics {base}/metrics")
        lines.append("Press Ctrl+C to stop.")
        print("\n".join(lines), file=sys.stderr, flush=True)

    return await serve_app(app, host=settings.host, port=settings.port, on_started=started)
