"""Merging the arguments of a non-repeatable directive applied differently across subgraphs.

Apollo's strategies, per argument: ``@requiresScopes(scopes:)`` and
``@policy(policies:)`` take the conjunction of the subgraphs' requirements in
disjunctive normal form (every subgraph's requirement must hold, redundant
alternatives removed); ``@cost(weight:)`` the maximum; ``@listSize`` the
largest ``assumedSize``, the union of ``slicingArguments`` and ``sizedFields``
and ``requireOneSlicingArgument`` only if every subgraph requires it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from graphql import (
    BooleanValueNode,
    EnumValueNode,
    FloatValueNode,
    IntValueNode,
    ListValueNode,
    NullValueNode,
    ObjectValueNode,
    StringValueNode,
    ValueNode,
)

__all__ = ["MERGED_ARGUMENTS", "dnf_conjunction", "merge_arguments", "python_value"]

Arguments = dict[str, object]

MERGED_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "requiresScopes": ("scopes",),
    "policy": ("policies",),
    "cost": ("weight",),
    "listSize": ("assumedSize", "slicingArguments", "sizedFields", "requireOneSlicingArgument"),
}
"""Directives with a merge strategy -> their arguments, in printing order."""

_DEFAULTS: dict[str, Arguments] = {"listSize": {"requireOneSlicingArgument": True}}


def python_value(node: ValueNode) -> object:
    """The Python value of a GraphQL literal (enum values as their names)."""
    if isinstance(node, (StringValueNode, EnumValueNode)):
        return node.value
    if isinstance(node, BooleanValueNode):
        return node.value
    if isinstance(node, IntValueNode):
        return int(node.value)
    if isinstance(node, FloatValueNode):
        return float(node.value)
    if isinstance(node, NullValueNode):
        return None
    if isinstance(node, ListValueNode):
        return [python_value(v) for v in node.values]
    if isinstance(node, ObjectValueNode):
        return {f.name.value: python_value(f.value) for f in node.fields}
    raise ValueError(f"a directive argument cannot be a variable ({node})")


def _key(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _as_dnf(value: object) -> list[list[str]]:
    if not isinstance(value, list):
        return [[]]
    result = [[str(v) for v in inner] if isinstance(inner, list) else [] for inner in value]
    return result or [[]]


def dnf_conjunction(values: Sequence[object]) -> list[list[str]]:
    """All of ``values`` (each a disjunction of conjunctions) must hold, simplified."""
    seen: set[str] = set()
    distinct: list[list[list[str]]] = []
    for value in values:
        dnf = sorted((sorted(inner) for inner in _as_dnf(value)), key=_key)
        if _key(dnf) not in seen:
            seen.add(_key(dnf))
            distinct.append(dnf)
    if not distinct:
        return []
    result = distinct[0]
    for current in distinct[1:]:
        combined: list[list[str]] = []
        keys: set[str] = set()
        for left in result:
            for right in current:
                candidate = sorted(left + [e for e in right if e not in left])
                if _key(candidate) not in keys:
                    keys.add(_key(candidate))
                    combined.append(candidate)
        result = []
        for candidate in sorted(combined, key=len):
            if not any(set(kept) <= set(candidate) for kept in result):
                result.append(candidate)
    return result


def _union(values: Sequence[object]) -> list[object] | None:
    present = [v for v in values if isinstance(v, list)]
    if not present:
        return None
    result: list[object] = []
    for value in present:
        result += [v for v in value if v not in result]
    return result


def merge_arguments(directive: str, applications: Sequence[Arguments]) -> Arguments:
    """One application of ``directive`` standing for the different ``applications``."""
    filled = [{**_DEFAULTS.get(directive, {}), **a} for a in applications]

    def values(name: str) -> list[object]:
        return [a[name] for a in filled if a.get(name) is not None]

    if directive in ("requiresScopes", "policy"):
        (name,) = MERGED_ARGUMENTS[directive]
        return {name: dnf_conjunction([a.get(name) for a in filled])}
    if directive == "cost":
        return {"weight": max(int(str(v)) for v in values("weight"))}
    result: Arguments = {}
    sizes = [int(str(v)) for v in values("assumedSize")]
    if sizes:
        result["assumedSize"] = max(sizes)
    for name in ("slicingArguments", "sizedFields"):
        union = _union(values(name))
        if union is not None:
            result[name] = union
    required = values("requireOneSlicingArgument")
    if required:
        result["requireOneSlicingArgument"] = all(bool(v) for v in required)
    return result
