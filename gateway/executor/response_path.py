"""Finding the objects a ``Flatten`` node works on, and where they sit in the response.

A flatten path steps through field names (response names), ``@`` (every item
of a list) and ``... on Type`` (only objects of that type). Nulls are
skipped; lists met where the path expects an object are walked item by
item, so nested lists need no special case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gateway.executor.schema_types import SchemaTypes

__all__ = ["FlattenPath", "compile_path"]

_EACH = 0
_FIELD = 1
_TYPE = 2
_FRAGMENT_PREFIX = "... on "

Step = tuple[int, str]


class FlattenPath:
    """A compiled flatten path; ``objects`` and ``locate`` walk a response with it."""

    __slots__ = ("steps",)

    def __init__(self, steps: tuple[Step, ...]) -> None:
        self.steps = steps

    def objects(self, root: Any, types: SchemaTypes) -> list[dict[str, Any]]:
        """Every object at this path under ``root``, in response order."""
        found: list[dict[str, Any]] = []
        _collect(root, self.steps, 0, types, found)
        return found

    def locate(self, root: Any, types: SchemaTypes) -> dict[int, list[list[str | int]]]:
        """The response paths of the objects at this path, by ``id()`` of the object."""
        located: dict[int, list[list[str | int]]] = {}
        _locate(root, self.steps, 0, types, [], located)
        return located


def compile_path(path: tuple[str, ...] | list[str]) -> FlattenPath:
    """``path`` in Apollo's form (``["products", "@", "reviews"]``), compiled."""
    steps: list[Step] = []
    for step in path:
        if step == "@":
            steps.append((_EACH, step))
        elif step.startswith(_FRAGMENT_PREFIX):
            steps.append((_TYPE, step[len(_FRAGMENT_PREFIX) :]))
        else:
            steps.append((_FIELD, step))
    return FlattenPath(tuple(steps))


def _collect(
    value: Any, steps: tuple[Step, ...], index: int, types: SchemaTypes, found: list[dict[str, Any]]
) -> None:
    while True:
        if value is None:
            return
        if type(value) is list:
            if index < len(steps) and steps[index][0] == _EACH:
                index += 1
            for item in value:
                _collect(item, steps, index, types, found)
            return
        if type(value) is not dict:
            return
        if index == len(steps):
            found.append(value)
            return
        kind, name = steps[index]
        index += 1
        if kind == _FIELD:
            value = value.get(name)
        elif kind == _TYPE:
            typename = value.get("__typename")
            if typename is not None and not types.matches(typename, name):
                return


def _locate(
    value: Any,
    steps: tuple[Step, ...],
    index: int,
    types: SchemaTypes,
    path: list[str | int],
    located: dict[int, list[list[str | int]]],
) -> None:
    if value is None:
        return
    if type(value) is list:
        if index < len(steps) and steps[index][0] == _EACH:
            index += 1
        for position, item in enumerate(value):
            path.append(position)
            _locate(item, steps, index, types, path, located)
            path.pop()
        return
    if type(value) is not dict:
        return
    if index == len(steps):
        located.setdefault(id(value), []).append(list(path))
        return
    kind, name = steps[index]
    if kind == _FIELD:
        path.append(name)
        _locate(value.get(name), steps, index + 1, types, path, located)
        path.pop()
    elif kind == _TYPE:
        typename = value.get("__typename")
        if typename is None or types.matches(typename, name):
            _locate(value, steps, index + 1, types, path, located)
    else:
        _locate(value, steps, index + 1, types, path, located)
