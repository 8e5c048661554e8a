"""``lms serve NAME``: one service, or the gateway, for the distributed deployment.

``lms serve gateway`` serves the federation gateway in front of the service
containers: the supergraph file ``LMS_GATEWAY_SUPERGRAPH`` (default: the
committed ``schema/supergraph.graphql``), its subgraph URLs replaced by
``LMS_GATEWAY_SUBGRAPH_URLS``, reloaded when the file changes. The gateway is
no service of the registry: it owns no data and runs on no platform backend.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from lms.commands.gateway import serve_supergraph
from lms.errors import CommandError
from lms.server import add_listen_arguments, ensure_port_free, listen_settings, serve_app
from lms.services import SERVICE_MODULES, UnknownService, get_service
from lms.supergraph import SUPERGRAPH_FILE
from shared.app import create_app
from shared.config import Settings
from shared.runtime import Platform
from shared.service import ServiceSpec

__all__ = ["GATEWAY", "add_parser", "gateway_supergraph", "run"]

GATEWAY = "gateway"
"""The name ``lms serve`` takes for the gateway, besides the services' names."""


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "serve",
        help="run one service, or the gateway",
        description="Run one service with its GraphQL API at /graphql, or with NAME "
        f"{GATEWAY!r} the gateway in front of the services (the supergraph file "
        "LMS_GATEWAY_SUPERGRAPH, default schema/supergraph.graphql, reloaded when it changes). "
        f"Services: {', '.join(sorted(SERVICE_MODULES)) or 'none yet'}.",
    )
    parser.add_argument("name", help=f"the service to run, or {GATEWAY!r}")
    add_listen_arguments(parser)


def gateway_supergraph(settings: Settings) -> Path:
    """The supergraph file ``lms serve gateway`` serves; raises :class:`CommandError` when
    it does not exist."""
    path = (settings.gateway_supergraph or SUPERGRAPH_FILE).resolve()
    if not path.is_file():
        hint = (
            "check LMS_GATEWAY_SUPERGRAPH"
            if settings.gateway_supergraph is not None
            else "run `lms compose` to write it, or set LMS_GATEWAY_SUPERGRAPH"
        )
        raise CommandError(f"supergraph file {path} not found ({hint})")
    return path


def run(args: argparse.Namespace, settings: Settings) -> int | Coroutine[Any, Any, int]:
    settings = listen_settings(args, settings)
    if args.name == GATEWAY:
        # the gateway runs its own event loop (or uvicorn's workers, when asked for)
        return serve_supergraph(settings, gateway_supergraph(settings), platform=True)
    try:
        spec = get_service(args.name)
    except UnknownService as exc:
        raise CommandError(f"{exc}, or {GATEWAY!r} for the gateway") from None
    return _serve_service(spec, settings)


async def _serve_service(spec: ServiceSpec, settings: Settings) -> int:
    ensure_port_free(settings.host, settings.port)
    platform = Platform.from_settings(settings)
    service = platform.add(spec)
    app = create_app(platform, graphql={"/graphql": service}, name=spec.name)

    def started(base: str) -> None:
        print(f"{spec.name} serving {base}/graphql", file=sys.stderr, flush=True)

    return await serve_app(app, host=settings.host, port=settings.port, on_started=started)
