"""Apollo's fetch data rewrites: ``ValueSetter`` and ``KeyRenamer``.

A rewrite's ``path`` walks field names and ``... on Type`` conditions (a
condition applies when the object's ``__typename`` satisfies it, or when the
object has no ``__typename``); lists are walked item by item. The last step
names the field to set (``setValueTo``) or to rename (``renameKeyTo``).
Input rewrites change representations before they are sent (for
``@interfaceObject``), output rewrites change fetched data before it is
merged (aliases the planner added to avoid field conflicts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gateway.executor.schema_types import SchemaTypes

__all__ = ["Rewrite", "apply_rewrites", "compile_rewrites"]

_FRAGMENT_PREFIX = "... on "


@dataclass(frozen=True, slots=True)
class Rewrite:
    """One compiled rewrite: ``steps`` are ``(is_type_condition, name)`` pairs."""

    steps: tuple[tuple[bool, str], ...]
    field: str
    rename_to: str | None
    value: Any


def compile_rewrites(rewrites: Sequence[dict[str, Any]] | None) -> tuple[Rewrite, ...]:
    """Apollo's JSON rewrites compiled for :func:`apply_rewrites`; unknown kinds are ignored."""
    compiled: list[Rewrite] = []
    for rewrite in rewrites or ():
        kind = rewrite.get("kind")
        path = list(rewrite.get("path") or ())
        if not path or kind not in ("ValueSetter", "KeyRenamer"):
            continue
        steps = tuple(
            (True, step[len(_FRAGMENT_PREFIX) :])
            if step.startswith(_FRAGMENT_PREFIX)
            else (False, step)
            for step in path[:-1]
        )
        compiled.append(
            Rewrite(
                steps=steps,
                field=path[-1],
                rename_to=rewrite.get("renameKeyTo") if kind == "KeyRenamer" else None,
                value=rewrite.get("setValueTo"),
            )
        )
    return tuple(compiled)


def apply_rewrites(rewrites: tuple[Rewrite, ...], value: Any, types: SchemaTypes) -> None:
    """Apply ``rewrites`` to ``value`` in place."""
    for rewrite in rewrites:
        _apply(rewrite, rewrite.steps, 0, value, types)


def _apply(
    rewrite: Rewrite,
    steps: tuple[tuple[bool, str], ...],
    index: int,
    value: Any,
    types: SchemaTypes,
) -> None:
    if type(value) is list:
        for item in value:
            _apply(rewrite, steps, index, item, types)
        return
    if type(value) is not dict:
        return
    if index == len(steps):
        if rewrite.rename_to is None:
            value[rewrite.field] = rewrite.value
        else:
            if rewrite.field in value:
                value[rewrite.rename_to] = value.pop(rewrite.field)
        return
    is_condition, name = steps[index]
    if is_condition:
        typename = value.get("__typename")
        if typename is None or types.matches(typename, name):
            _apply(rewrite, steps, index + 1, value, types)
    else:
        _apply(rewrite, steps, index + 1, value.get(name), types)
