"""Apollo's composition as an oracle, and what two supergraphs are compared on."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from graphql import (
    DirectiveDefinitionNode,
    SchemaDefinitionNode,
    TypeDefinitionNode,
    parse,
    print_ast,
    print_schema,
)

from gateway.supergraph import Supergraph

__all__ = ["apollo_compose", "applications", "metadata", "summary"]

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


def _applied(node: object) -> list[str]:
    return sorted(
        print_ast(d)
        for d in getattr(node, "directives", None) or ()
        if not d.name.value.startswith("join__")
    )


def applications(sdl: str) -> dict[str, object]:
    """The supergraph's links, directive definitions and, per element (type, field,
    argument, input field, enum value), its directive applications other than ``join__*``
    (sorted: the order among them carries no meaning). The join machinery is left out:
    its version follows the subgraphs' federation version, which :func:`metadata` covers."""
    document = parse(sdl, no_location=True)
    result: dict[str, object] = {}
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode):
            links = [print_ast(d) for d in definition.directives or ()]
            result["schema"] = [link for link in links if "/join/v" not in link]
        elif isinstance(definition, DirectiveDefinitionNode):
            if not definition.name.value.startswith("join__"):
                result[f"@{definition.name.value}"] = print_ast(definition)
        elif isinstance(definition, TypeDefinitionNode):
            name = definition.name.value
            if name.startswith(("join__", "link__")):
                continue
            result[name] = _applied(definition)
            for child in getattr(definition, "fields", None) or ():
                result[f"{name}.{child.name.value}"] = _applied(child)
                for argument in getattr(child, "arguments", None) or ():
                    result[f"{name}.{child.name.value}({argument.name.value}:)"] = _applied(
                        argument
                    )
            for value in getattr(definition, "values", None) or ():
                result[f"{name}.{value.name.value}"] = _applied(value)
    return result


def summary(sdl: str) -> tuple[str, dict[str, object], dict[str, object]]:
    """The printed API schema, the join metadata and the directive applications of
    supergraph ``sdl``."""
    supergraph = Supergraph.parse(sdl)
    return print_schema(supergraph.api_schema), metadata(supergraph), applications(sdl)
