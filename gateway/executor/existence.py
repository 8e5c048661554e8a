"""Objects that exist only if their owning subgraph returns them.

A subgraph may mark an object of its answer with :data:`MUST_EXIST` (the value
is the message to report). When an entity fetch for such an object answers
null, the object is not merely missing fields: it does not exist for this
caller. The object is then replaced by null in the response, with a
``NOT_FOUND`` error at its path, unless the subgraph already gave an error for
that entity (a permission error, say), which then explains the null alone.

Only the gateway's own ``_node`` subgraph marks objects (``node(id:)``,
``nodes(ids:)``); every other fetch is untouched.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["MUST_EXIST", "NOT_FOUND", "explained_entities", "remove_missing"]

MUST_EXIST = "$mustExist"
"""The key marking an object (never a GraphQL response name: ``$`` cannot start one)."""

NOT_FOUND = "NOT_FOUND"


def explained_entities(errors: Iterable[dict[str, Any]]) -> set[int] | None:
    """The indexes of the ``_entities`` answers an error is about; ``None`` when an error
    is about no single entity (it then explains every null of the fetch)."""
    indexes: set[int] = set()
    for error in errors:
        path = error.get("path")
        if (
            isinstance(path, list)
            and len(path) >= 2
            and path[0] == "_entities"
            and type(path[1]) is int
        ):
            indexes.add(path[1])
        else:
            return None
    return indexes


def remove_missing(
    data: dict[str, Any],
    objects: list[dict[str, Any]],
    located: dict[int, list[list[str | int]]],
    *,
    explained: bool,
) -> list[dict[str, Any]]:
    """Null out, in ``data``, every object of ``objects`` marked :data:`MUST_EXIST`
    (at its paths in ``located``); the ``NOT_FOUND`` errors to report (none when
    ``explained``). The marker is removed, so an object is reported once."""
    errors: list[dict[str, Any]] = []
    for obj in objects:
        message = obj.pop(MUST_EXIST, None)
        if message is None:
            continue
        for path in located.get(id(obj), ()):
            if not path or not _set_null(data, path):
                continue
            if not explained:
                errors.append(
                    {"message": str(message), "path": list(path), "extensions": {"code": NOT_FOUND}}
                )
    return errors


def _set_null(data: dict[str, Any], path: list[str | int]) -> bool:
    parent: Any = data
    for step in path[:-1]:
        if type(parent) is dict and type(step) is str:
            parent = parent.get(step)
        elif type(parent) is list and type(step) is int and 0 <= step < len(parent):
            parent = parent[step]
        else:
            return False
    last = path[-1]
    if type(parent) is dict and type(last) is str and last in parent:
        parent[last] = None
        return True
    if type(parent) is list and type(last) is int and 0 <= last < len(parent):
        parent[last] = None
        return True
    return False
