"""The project's own supergraph: every registered service's subgraph SDL, composed.

The SDLs come from the services' Strawberry schemas in this process (what
each would answer to ``{ _service { sdl } }``), so composing the project needs
no running server. :data:`SCHEMA_DIR` is where ``lms compose`` writes them:
``schema/subgraphs/NAME.graphql`` and ``schema/supergraph.graphql``.

A subgraph's URL in the supergraph is where the distributed deployment
(``compose.yaml``, Kubernetes) reaches it: ``http://NAME:8000/graphql``.
``lms dev`` reaches every subgraph in process and ignores the URLs; a gateway
elsewhere replaces them with ``LMS_GATEWAY_SUBGRAPH_URLS``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

from gateway.composition import CompositionResult, SubgraphSource, compose
from lms.services import all_services
from shared.config import Settings
from shared.runtime import Platform

__all__ = [
    "SCHEMA_DIR",
    "SUPERGRAPH_FILE",
    "compose_project",
    "project_subgraph_sdls",
    "subgraph_file",
    "subgraph_url",
]

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
"""The folder of generated schema files (committed, checked by ``lms compose --check``)."""

SUPERGRAPH_FILE = SCHEMA_DIR / "supergraph.graphql"


def subgraph_file(name: str, schema_dir: Path = SCHEMA_DIR) -> Path:
    """Where the SDL of subgraph ``name`` is written."""
    return schema_dir / "subgraphs" / f"{name}.graphql"


def subgraph_url(name: str) -> str:
    """The URL the distributed deployment serves subgraph ``name`` at."""
    return f"http://{name}:8000/graphql"


def project_subgraph_sdls(settings: Settings | None = None) -> dict[str, str]:
    """Each registered service's subgraph SDL, by service name (in registry order).

    The schemas are built on a platform that is never started: no database is
    opened and no backend contacted. Without ``settings``, embedded defaults in
    a throwaway data folder are used.
    """
    if settings is None:
        with tempfile.TemporaryDirectory(prefix="lms-schema-") as data_dir:
            return project_subgraph_sdls(Settings.load({}, data_dir=Path(data_dir)))
    platform = Platform.from_settings(settings)
    sdls: dict[str, str] = {}
    for service in platform.add_all(all_services()):
        sdls[service.name] = service.schema.as_str() + "\n"
    return sdls


def compose_project(
    sdls: Mapping[str, str] | None = None, *, settings: Settings | None = None
) -> CompositionResult:
    """Compose the project's subgraphs (``sdls``, default: :func:`project_subgraph_sdls`)."""
    if sdls is None:
        sdls = project_subgraph_sdls(settings)
    return compose(
        [SubgraphSource(name=name, url=subgraph_url(name), sdl=sdl) for name, sdl in sdls.items()]
    )
