"""The campus fixture set: four subgraphs and their supergraph, composed by Apollo.

``accounts`` and ``catalog`` are Strawberry apps served by uvicorn;
``reviews`` and ``workload`` are ``@apollo/subgraph`` modules served by
``tests/oracle/conformance-subgraph.mjs``. Each runs as its own process on
127.0.0.1. The supergraph is composed from each running subgraph's
``_service { sdl }`` by Apollo's composition (``tests/oracle/compose.mjs``),
so it always matches the subgraphs' code.

Two supergraphs are written: ``campus`` (every subgraph up) and ``outage``
(the same subgraphs, but ``workload``'s URL is a loopback port that refuses
connections, so a gateway meets a subgraph that is down).

:func:`compose_with_lms` composes the same SDL texts and URLs with the
project's own composer (``gateway.composition``), for the composition
differential (``test_composed_by_lms.py``).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import httpx

from gateway.composition import SubgraphSource
from gateway.composition import compose as lms_compose
from tests.conformance.servers import HOST, Server, closed_port, free_port, start_server

__all__ = [
    "ORACLE",
    "REPO",
    "SUBGRAPHS",
    "Campus",
    "SubgraphSpec",
    "compose",
    "compose_with_lms",
    "running_campus",
    "service_sdl",
    "start_subgraphs",
    "stop_all",
]

REPO = Path(__file__).resolve().parents[2]
ORACLE = REPO / "tests" / "oracle"
MODULES = Path(__file__).resolve().parent / "subgraphs"


@dataclass(frozen=True)
class SubgraphSpec:
    """How to run one subgraph of the set."""

    name: str
    runtime: Literal["python", "node"]

    def argv(self, port: int) -> list[str]:
        if self.runtime == "python":
            return [
                sys.executable,
                "-m",
                "uvicorn",
                f"tests.conformance.subgraphs.{self.name}:app",
                "--host",
                HOST,
                "--port",
                str(port),
                "--no-access-log",
                "--log-level",
                "warning",
            ]
        return [
            "node",
            str(ORACLE / "conformance-subgraph.mjs"),
            str(MODULES / f"{self.name}.mjs"),
            str(port),
        ]

    def url(self, port: int) -> str:
        path = "/graphql" if self.runtime == "python" else "/"
        return f"http://{HOST}:{port}{path}"


SUBGRAPHS: tuple[SubgraphSpec, ...] = (
    SubgraphSpec("accounts", "python"),
    SubgraphSpec("catalog", "python"),
    SubgraphSpec("reviews", "node"),
    SubgraphSpec("workload", "node"),
)


def start_subgraphs(log_dir: Path, specs: Iterable[SubgraphSpec] = SUBGRAPHS) -> dict[str, Server]:
    """Start every subgraph in ``specs``; on a failure, stop those already started."""
    servers: dict[str, Server] = {}
    try:
        for spec in specs:
            port = free_port()
            servers[spec.name] = start_server(
                spec.name, spec.argv(port), url=spec.url(port), log_dir=log_dir, cwd=REPO
            )
    except BaseException:
        stop_all(servers.values())
        raise
    return servers


def stop_all(servers: Iterable[Server]) -> None:
    """Stop servers, last started first."""
    for server in reversed(list(servers)):
        server.stop()


def service_sdl(url: str) -> str:
    """A subgraph's SDL as it reports it through ``_service { sdl }``."""
    response = httpx.post(url, json={"query": "{ _service { sdl } }"}, timeout=10.0)
    response.raise_for_status()
    return str(response.json()["data"]["_service"]["sdl"])


def compose(sdl: Mapping[str, str], urls: Mapping[str, str], work_dir: Path) -> str:
    """The supergraph SDL Apollo's composition makes of these subgraphs."""
    work_dir.mkdir(parents=True, exist_ok=True)
    args = []
    for name, text in sdl.items():
        path = work_dir / f"{name}.graphql"
        path.write_text(text)
        args.append(f"{name}={urls[name]}={path}")
    result = subprocess.run(
        ["node", str(ORACLE / "compose.mjs"), *args],
        capture_output=True,
        text=True,
        cwd=ORACLE,
        timeout=60,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"composition failed:\n{result.stderr}")
    return result.stdout


def compose_with_lms(sdl: Mapping[str, str], urls: Mapping[str, str]) -> str:
    """The supergraph SDL the project's composer makes of these subgraphs."""
    result = lms_compose(
        [SubgraphSource(name=name, url=urls[name], sdl=text) for name, text in sdl.items()]
    )
    if result.supergraph_sdl is None:
        errors = "\n".join(f"{error.code}: {error.message}" for error in result.errors)
        raise RuntimeError(f"lms composition failed:\n{errors}")
    return result.supergraph_sdl


OUTAGE_SUBGRAPH = "workload"


@dataclass
class Campus:
    """Running subgraphs and the supergraph files composed over them.

    ``sdl`` is each subgraph's ``_service { sdl }``; ``urls`` maps each
    supergraph name to the subgraph URLs it was composed with.
    """

    subgraphs: dict[str, Server]
    supergraphs: dict[str, Path]
    sdl: dict[str, str] = field(default_factory=dict)
    urls: dict[str, dict[str, str]] = field(default_factory=dict)


@contextmanager
def running_campus(work_dir: Path) -> Iterator[Campus]:
    """Start the set, compose ``campus`` and ``outage``; stop everything on exit."""
    servers = start_subgraphs(work_dir / "logs")
    refusing, port = closed_port()
    try:
        urls = {name: server.url for name, server in servers.items()}
        sdl = {name: service_sdl(url) for name, url in urls.items()}
        down = {**urls, OUTAGE_SUBGRAPH: f"http://{HOST}:{port}/"}
        where_by_supergraph = {"campus": urls, "outage": down}
        supergraphs = {}
        for name, where in where_by_supergraph.items():
            path = work_dir / f"{name}.supergraph.graphql"
            path.write_text(compose(sdl, where, work_dir / "sdl"))
            supergraphs[name] = path
        yield Campus(
            subgraphs=servers,
            supergraphs=supergraphs,
            sdl=sdl,
            urls=where_by_supergraph,
        )
    finally:
        refusing.close()
        stop_all(servers.values())
