"""The gateways under comparison, each started as its own process over a supergraph.

* ``lms``: ``lms gateway --supergraph FILE --host 127.0.0.1 --port N`` at ``/graphql``.
* ``apollo``: Apollo Gateway (``tests/oracle/conformance-apollo-gateway.mjs``) at ``/``.
* ``hive``: Hive Gateway's CLI (``hive-gateway supergraph FILE``) at ``/graphql``,
  configured by ``tests/oracle/bench-hive-gateway.config.mjs``.

Every one forwards the caller's ``Authorization`` header to the subgraphs.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from tests.conformance.campus import ORACLE, REPO
from tests.conformance.servers import HOST, Server, free_port, start_server

__all__ = ["GATEWAYS", "Gateway", "lms_command", "start_gateway"]

Gateway = Literal["lms", "apollo", "hive"]
GATEWAYS: tuple[Gateway, ...] = ("lms", "apollo", "hive")


def lms_command() -> Path:
    """The ``lms`` console script of the interpreter running this code."""
    return Path(sys.executable).parent / "lms"


def start_gateway(
    kind: Gateway,
    supergraph: Path,
    *,
    log_dir: Path,
    name: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Server:
    """Start a gateway of ``kind`` serving ``supergraph`` on a free loopback port."""
    port = free_port()
    if kind == "lms":
        argv = [
            str(lms_command()),
            "gateway",
            "--supergraph",
            str(supergraph),
            "--host",
            HOST,
            "--port",
            str(port),
        ]
        url = f"http://{HOST}:{port}/graphql"
    elif kind == "apollo":
        argv = ["node", str(ORACLE / "conformance-apollo-gateway.mjs"), str(supergraph), str(port)]
        url = f"http://{HOST}:{port}/"
    else:
        argv = [
            str(ORACLE / "node_modules" / ".bin" / "hive-gateway"),
            "supergraph",
            str(supergraph),
            "--host",
            HOST,
            "--port",
            str(port),
            "--fork",
            "1",
            "--config-path",
            str(ORACLE / "bench-hive-gateway.config.mjs"),
        ]
        url = f"http://{HOST}:{port}/graphql"
    return start_server(name or kind, argv, url=url, log_dir=log_dir, env=env, cwd=REPO)
