"""Session fixtures: the campus subgraphs, and each gateway over each supergraph.

Every server starts once per session; all cases run against the same ones.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx
import pytest

from tests.conformance.campus import Campus, running_campus
from tests.conformance.gateways import Gateway, start_gateway
from tests.conformance.servers import Server


@pytest.fixture(scope="session")
def campus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Campus]:
    with running_campus(tmp_path_factory.mktemp("campus")) as running:
        yield running


def _gateways(
    kind: Gateway, campus: Campus, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Server]]:
    log_dir = tmp_path_factory.mktemp(f"{kind}-gateway")
    with contextlib.ExitStack() as stack:
        servers = {}
        for name, supergraph in campus.supergraphs.items():
            server = start_gateway(kind, supergraph, log_dir=log_dir, name=f"{kind}-{name}")
            stack.callback(server.stop)
            servers[name] = server
        yield servers


@pytest.fixture(scope="session")
def apollo_gateways(
    campus: Campus, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Server]]:
    """Apollo Gateway over each supergraph (``campus``, ``outage``)."""
    yield from _gateways("apollo", campus, tmp_path_factory)


@pytest.fixture(scope="session")
def lms_gateways(
    campus: Campus, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Server]]:
    """``lms gateway`` over each supergraph (``campus``, ``outage``)."""
    yield from _gateways("lms", campus, tmp_path_factory)


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30.0) as client:
        yield client
