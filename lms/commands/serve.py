"""``lms serve NAME``: one service, for the distributed deployment."""

from __future__ import annotations

import argparse
import sys

from lms.server import add_listen_arguments, ensure_port_free, listen_settings, serve_app
from lms.services import SERVICE_MODULES, get_service
from shared.app import create_app
from shared.config import Settings
from shared.runtime import Platform

__all__ = ["add_parser", "run"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "serve",
        help="run one service",
        description="Run one service with its GraphQL API at /graphql. "
        f"Services: {', '.join(sorted(SERVICE_MODULES)) or 'none yet'}.",
    )
    parser.add_argument("name", help="the service to run")
    add_listen_arguments(parser)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    spec = get_service(args.name)
    settings = listen_settings(args, settings)
    ensure_port_free(settings.host, settings.port)
    platform = Platform.from_settings(settings)
    service = platform.add(spec)
    app = create_app(platform, graphql={"/graphql": service}, name=spec.name)

    def started(base: str) -> None:
        print(f"{spec.name} serving {base}/graphql", file=sys.stderr, flush=True)

    return await serve_app(app, host=settings.host, port=settings.port, on_started=started)
