"""The project's own supergraph: every registered service's subgraph SDL, composed.

The SDLs come from the services' Strawberry schemas in this process (what
each would answer to ``{ _service { sdl } }``), so composing the project needs
no running server. :data:`SCHEMA_DIR` is where ``lms compose`` writes them:
``schema/subgraphs/NAME.graphql`` and ``schema/supergraph.graphql``.

A subgraph's URL in the supergraph is where the distributed deployment
(``compose.yaml``, Kubernetes) reaches it: ``http://NAME:8000/graphql``.
``lms dev`` reaches every subgraph in process and ignores the URLs; a gateway
elsewhere replaces them with ``LMS_GATEWAY_SUBGRAPH_URLS``.

:func:`schema_files` is what a schema folder should hold after a composition;
:func:`write_schema_files` brings a folder there and :func:`stale_schema_files`
says how a folder differs from it (what ``lms compose --check`` reports).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gateway.composition import CompositionResult, SubgraphSource, compose
from lms.services import all_services
from shared.config import Settings
from shared.runtime import Platform

__all__ = [
    "SCHEMA_DIR",
    "SUPERGRAPH_FILE",
    "StaleFile",
    "compose_project",
    "project_subgraph_sdls",
    "schema_files",
    "stale_schema_files",
    "subgraph_file",
    "subgraph_url",
    "supergraph_file",
    "write_schema_files",
]

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
"""The folder of generated schema files (committed, checked by ``lms compose --check``)."""

SUPERGRAPH_FILE = SCHEMA_DIR / "supergraph.graphql"


def subgraph_file(name: str, schema_dir: Path = SCHEMA_DIR) -> Path:
    """Where the SDL of subgraph ``name`` is written."""
    return schema_dir / "subgraphs" / f"{name}.graphql"


def supergraph_file(schema_dir: Path = SCHEMA_DIR) -> Path:
    """Where the composed supergraph is written."""
    return schema_dir / SUPERGRAPH_FILE.name


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


def schema_files(
    sdls: Mapping[str, str], supergraph_sdl: str, schema_dir: Path = SCHEMA_DIR
) -> dict[Path, str]:
    """The files a schema folder holds for these subgraph SDLs and their supergraph."""
    files = {subgraph_file(name, schema_dir): sdl for name, sdl in sdls.items()}
    files[supergraph_file(schema_dir)] = supergraph_sdl
    return files


def _generated_files(schema_dir: Path) -> list[Path]:
    """The generated files present in ``schema_dir`` (its README and other files are not)."""
    found = sorted((schema_dir / "subgraphs").glob("*.graphql"))
    if supergraph_file(schema_dir).is_file():
        found.append(supergraph_file(schema_dir))
    return found


def write_schema_files(files: Mapping[Path, str], schema_dir: Path) -> list[Path]:
    """Write ``files`` and delete generated files of ``schema_dir`` not among them.

    Returns the deleted files: subgraph SDLs of services no longer registered.
    """
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    removed = [path for path in _generated_files(schema_dir) if path not in files]
    for path in removed:
        path.unlink()
    return removed


@dataclass(frozen=True)
class StaleFile:
    """A file of a schema folder that does not match a fresh composition, and why."""

    path: Path
    reason: str


def stale_schema_files(files: Mapping[Path, str], schema_dir: Path) -> list[StaleFile]:
    """How ``schema_dir`` differs from ``files``: missing, different or left-over files."""
    stale: list[StaleFile] = []
    for path, text in sorted(files.items()):
        try:
            committed = path.read_text()
        except FileNotFoundError:
            stale.append(StaleFile(path, "missing"))
            continue
        except OSError as exc:
            stale.append(StaleFile(path, f"cannot be read ({exc.strerror})"))
            continue
        if committed != text:
            stale.append(StaleFile(path, "differs from a fresh composition"))
    stale.extend(
        StaleFile(path, "belongs to no registered service")
        for path in _generated_files(schema_dir)
        if path not in files
    )
    return stale
