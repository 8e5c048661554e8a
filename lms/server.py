"""Serving an ASGI app with uvicorn, with the checks a person needs first."""

from __future__ import annotations

import argparse
import asyncio
import errno
import gc
import socket
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import uvicorn
from starlette.types import ASGIApp

from lms.errors import CommandError
from shared.config import Settings

__all__ = [
    "add_listen_arguments",
    "ensure_port_free",
    "listen_settings",
    "run_async",
    "serve_app",
    "settle_heap",
]

T = TypeVar("T")


def run_async(main: Coroutine[Any, Any, T]) -> T:
    """Run ``main`` to completion on a fresh event loop: uvloop's (faster I/O), else asyncio's."""
    try:
        import uvloop
    except ImportError:  # a platform uvloop does not support
        return asyncio.run(main)
    return uvloop.run(main)


def settle_heap() -> None:
    """Move what start-up built (schemas, plans' supporting objects) out of the garbage
    collector's reach, and collect young objects less often.

    A request allocates many short-lived dicts; with the default thresholds the
    collector runs often, and its full collections walk every long-lived object
    (the supergraph, the API schema), stalling requests: visible as tail latency
    (``lms dev`` under load paused about 0.2 s every 3 s before this).
    :func:`serve_app` calls it once the app has started, so the services' schemas
    and the composed supergraph are built by then.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


def add_listen_arguments(parser: argparse.ArgumentParser) -> None:
    """``--host`` and ``--port``, overriding ``LMS_HOST`` and ``LMS_PORT``."""
    parser.add_argument("--host", help="interface to bind (default: LMS_HOST, 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port to listen on (default: LMS_PORT, 4000)")


def listen_settings(args: argparse.Namespace, settings: Settings) -> Settings:
    """``settings`` with the host and port given on the command line, if any."""
    return settings.with_overrides(
        host=args.host or settings.host,
        port=settings.port if args.port is None else args.port,
    )


def ensure_port_free(host: str, port: int) -> None:
    """Raise :class:`CommandError` (one line) when ``host:port`` cannot be bound."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CommandError(
                    f"port {port} on {host} is already in use "
                    "(choose another with --port or LMS_PORT)"
                ) from None
            raise CommandError(
                f"cannot listen on {host}:{port}: {exc.strerror} (check --host or LMS_HOST)"
            ) from None


async def serve_app(
    app: ASGIApp,
    *,
    host: str,
    port: int,
    on_started: Callable[[str], None] | None = None,
) -> int:
    """Serve ``app`` until interrupted; ``on_started`` gets the base URL once listening."""
    ensure_port_free(host, port)
    config = uvicorn.Config(
        app, host=host, port=port, log_config=None, lifespan="on", access_log=False
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started and not task.done():  # noqa: ASYNC110 (uvicorn offers no event)
        await asyncio.sleep(0.05)
    if server.started:
        settle_heap()
    if server.started and on_started is not None:
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        on_started(f"http://{shown}:{port}")
    await task
    if not server.started:
        raise CommandError("the platform failed to start; see the log above")
    return 0
