"""Apollo's composition as an oracle, and what two supergraphs are compared on."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from graphql import print_schema

from gateway.supergraph import Supergraph

__all__ = ["apollo_compose", "metadata", "summary"]

ROOT = Path(__file__).resolve().parents[3]
ORACLE = ROOT / "tests" / "oracle"


def apollo_compose(subgraphs: list[tuple[str, str, Path]]) -> tuple[str | None, str]:
    """Apollo's supergraph of (name, url, file) subgraphs, or ``None`` and its errors."""
    node = shutil.which("node")
    assert node is not None, "node is needed for the composition oracle (install Node.js)"
    assert (ORACLE / "node_modules" / "@apollo" / "composition").is_dir(), (
        "run npm ci in tests/oracle to install Apollo's composition"
    )
    args = [f"{name}={url}={path}" for name, url, path in subgraphs]
    done = subprocess.run(
        [node, str(ORACLE / "compose.mjs"), *args], capture_output=True, text=True, check=False
    )
    return (done.stdout if done.returncode == 0 else None), done.stderr


def metadata(supergraph: Supergraph) -> dict[str, object]:
    """Per-type, per-field join metadata of ``supergraph`` in a comparable form."""
    result: dict[str, object] = {}
    for name, graphql_type in supergraph.schema.type_map.items():
        if name.startswith(("__", "join__", "link__")):
            continue
        result[name] = {
            g: (sorted((k.fields, k.resolvable) for k in t.keys), t.is_interface_object)
            for g, t in supergraph.type_in(name).items()
        }
        for field_name in getattr(graphql_type, "fields", {}) or {}:
            result[f"{name}.{field_name}"] = {
                g: (
                    f.requires is not None,
                    f.provides is not None,
                    f.type,
                    f.external,
                    f.override,
                    f.override_label,
                    f.used_overridden,
                )
                for g, f in supergraph.field_in(name, field_name).items()
            }
        for graph in supergraph.subgraphs:
            result[f"{name}@{graph}"] = (
                sorted(supergraph.interfaces_in(name, graph)),
                sorted(supergraph.union_members_in(name, graph)),
                sorted(supergraph.enum_values_in(name, graph)),
            )
    return result


def summary(sdl: str) -> tuple[str, dict[str, object]]:
    """The printed API schema and the join metadata of supergraph ``sdl``."""
    supergraph = Supergraph.parse(sdl)
    return print_schema(supergraph.api_schema), metadata(supergraph)
