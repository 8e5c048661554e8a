"""``lms dev``: the whole platform in one process on the embedded backends."""

from __future__ import annotations

import argparse
import sys

from starlette.applications import Starlette

from lms.server import add_listen_arguments, ensure_port_free, listen_settings, serve_app
from lms.services import all_services
from shared.app import create_app
from shared.config import Settings
from shared.runtime import Platform

__all__ = ["add_parser", "create_dev_app", "run", "subgraph_path"]


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "dev",
        help="run the whole platform in one process",
        description="Run every service in one process, on the backends the settings choose "
        "(embedded by default: SQLite, in-memory bus and cache, local files in LMS_DATA_DIR).",
    )
    add_listen_arguments(parser)


def subgraph_path(name: str) -> str:
    return f"/subgraphs/{name}/graphql"


def create_dev_app(settings: Settings) -> Starlette:
    """Every registered service on one platform, each subgraph at ``/subgraphs/NAME/graphql``."""
    platform = Platform.from_settings(settings)
    services = platform.add_all(all_services())
    return create_app(platform, graphql={subgraph_path(s.name): s for s in services}, name="dev")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    settings = listen_settings(args, settings)
    ensure_port_free(settings.host, settings.port)
    platform = Platform.from_settings(settings)
    services = platform.add_all(all_services())
    app = create_app(platform, graphql={subgraph_path(s.name): s for s in services}, name="dev")

    def started(base: str) -> None:
        lines = [f"LMS platform running at {base} (data in {settings.data_dir.resolve()})"]
        for service in services:
            lines.append(f"  GraphiQL ({service.name}): {base}{subgraph_path(service.name)}")
        lines.append(f"  health {base}/health · readiness {base}/ready · metrics {base}/metrics")
        lines.append("Press Ctrl+C to stop.")
        print("\n".join(lines), file=sys.stderr, flush=True)

    return await serve_app(app, host=settings.host, port=settings.port, on_started=started)
