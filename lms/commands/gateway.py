"""``lms gateway``: the federation gateway in front of running subgraphs.

The supergraph file is checked every ``LMS_GATEWAY_RELOAD_INTERVAL`` seconds
and a changed supergraph is served without a restart (single process; each
of several workers serves the file it started with). ``lms serve gateway``
serves the project's own supergraph the same way (:func:`serve_supergraph`).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import uvicorn

from gateway.edge import create_gateway_app
from gateway.edge.reload import ReloadingGateway
from gateway.engine import Gateway, GatewayConfigError, load_supergraph
from gateway.engine.gateway import resolve_relay_node
from lms.errors import CommandError
from lms.server import (
    add_listen_arguments,
    ensure_port_free,
    listen_settings,
    run_async,
    serve_app,
)
from shared.config import ENV_PREFIX, Settings

__all__ = ["add_parser", "run", "serve_supergraph"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "gateway",
        help="run the federation gateway",
        description="Serve a supergraph's API at /graphql, planning each operation over "
        "the subgraphs it was composed from (their URLs: the supergraph's, replaced by "
        "LMS_GATEWAY_SUBGRAPH_URLS). A changed supergraph file is served without a restart "
        "(checked every LMS_GATEWAY_RELOAD_INTERVAL seconds).",
    )
    parser.add_argument(
        "--supergraph",
        type=Path,
        help="supergraph SDL file, as composed by Federation v2 composition "
        "(default: LMS_GATEWAY_SUPERGRAPH)",
    )
    add_listen_arguments(parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    settings = listen_settings(args, settings)
    path: Path | None = args.supergraph or settings.gateway_supergraph
    if path is None:
        raise CommandError(
            "no supergraph to serve: pass --supergraph FILE or set LMS_GATEWAY_SUPERGRAPH"
        )
    return serve_supergraph(settings, path.resolve())


def serve_supergraph(settings: Settings, path: Path, *, platform: bool = False) -> int:
    """Serve the supergraph file at ``path`` until interrupted, reloading it when it changes
    (unless ``LMS_GATEWAY_RELOAD_INTERVAL`` is 0 or several workers run).

    ``platform``: this is the platform's own gateway (``lms serve gateway``), which
    serves Relay ``node``/``nodes`` unless ``LMS_GATEWAY_RELAY_NODE`` says otherwise.
    """
    relay_node = resolve_relay_node(settings, default=platform)
    try:
        if settings.gateway_workers > 1:
            load_supergraph(settings, path)  # fail here, in one line, not in every worker
            ensure_port_free(settings.host, settings.port)
            os.environ[f"{ENV_PREFIX}GATEWAY_RELAY_NODE"] = str(relay_node).lower()
            return _serve_workers(settings, path)
        ensure_port_free(settings.host, settings.port)
        gateway: Gateway | ReloadingGateway
        if settings.gateway_reload_interval > 0:
            gateway = ReloadingGateway.from_settings(settings, path, relay_node_default=relay_node)
        else:
            gateway = Gateway.from_settings(settings, path, relay_node_default=relay_node)
    except GatewayConfigError as exc:
        raise CommandError(str(exc)) from None
    app = create_gateway_app(gateway, settings)

    def started(base: str) -> None:
        reloading = (
            f", reloading {path} when it changes" if isinstance(gateway, ReloadingGateway) else ""
        )
        print(f"gateway serving {base}/graphql{reloading}", file=sys.stderr, flush=True)

    return run_async(serve_app(app, host=settings.host, port=settings.port, on_started=started))


def _serve_workers(settings: Settings, path: Path) -> int:
    os.environ[f"{ENV_PREFIX}GATEWAY_SUPERGRAPH"] = str(path)
    print(
        f"gateway serving http://{settings.host}:{settings.port}/graphql "
        f"with {settings.gateway_workers} workers",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(
        "gateway.edge.factory:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.gateway_workers,
        log_config=None,
        lifespan="on",
        access_log=False,
        # a worker imports the whole command line before answering the supervisor's
        # health pings; uvicorn's default of 5 s restarts slow starters forever
        timeout_worker_healthcheck=60,
    )
    return 0
