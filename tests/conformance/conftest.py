"""Session fixtures: the campus subgraphs, and each gateway over each supergraph.

Every server starts once per session; all cases run against the same ones.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conformance.campus import Campus, compose_with_lms, running_campus
from tests.conformance.gateways import Gateway, start_gateway
from tests.conformance.servers import Server


@pytest.fixture(scope="session")
def campus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Campus]:
    with running_campus(tmp_path_factory.mktemp("campus")) as running:
        yield running


def _gateways(
    kind: Gateway,
    campus: Campus,
    tmp_path_factory: pytest.TempPathFactory,
    *,
    supergraphs: dict[str, Path] | None = None,
    label: str | None = None,
) -> Iterator[dict[str, Server]]:
    label = label or kind
    log_dir = tmp_path_factory.mktemp(f"{label}-gateway")
    with contextlib.ExitStack() as stack:
        servers = {}
        for name, supergraph in (supergraphs or campus.supergraphs).items():
            server = start_gateway(kind, supergraph, log_dir=log_dir, name=f"{label}-{name}")
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
def lms_composed_supergraphs(
    campus: Campus, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    """``campus`` and ``outage`` composed by the project's composer, as files.

    The same ``_service { sdl }`` texts and URLs Apollo's composition was given.
    """
    work_dir = tmp_path_factory.mktemp("lms-composition")
    paths = {}
    for name, urls in campus.urls.items():
        path = work_dir / f"{name}.supergraph.graphql"
        path.write_text(compose_with_lms(campus.sdl, urls))
        paths[name] = path
    return paths


@pytest.fixture(scope="session")
def apollo_gateways_over_lms_composition(
    campus: Campus,
    lms_composed_supergraphs: dict[str, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, Server]]:
    """Apollo Gateway over each supergraph composed by the project's composer."""
    yield from _gateways(
        "apollo",
        campus,
        tmp_path_factory,
        supergraphs=lms_composed_supergraphs,
        label="apollo-over-lms-composition",
    )


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30.0) as client:
        yield client
