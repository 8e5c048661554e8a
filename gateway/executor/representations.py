"""Entity representations built from a fetch's ``requires`` selections.

A representation holds exactly the fields ``requires`` selects from an
object (nested selections too; inline fragments apply when the object's
``__typename`` satisfies their type condition), as Apollo Gateway's
``executeSelectionSet`` builds them. An object missing a required field
gives no representation, and neither does one no type condition matched (no
``__typename`` in the result).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gateway.executor.json_values import deep_merge

if TYPE_CHECKING:
    from gateway.executor.schema_types import SchemaTypes

__all__ = ["RequiredField", "RequiredFragment", "build_representation", "compile_requires"]


@dataclass(frozen=True, slots=True)
class RequiredField:
    response_name: str
    selections: tuple[RequiredSelection, ...] | None


@dataclass(frozen=True, slots=True)
class RequiredFragment:
    type_condition: str | None
    selections: tuple[RequiredSelection, ...]


RequiredSelection = RequiredField | RequiredFragment


def compile_requires(selections: Sequence[dict[str, Any]]) -> tuple[RequiredSelection, ...]:
    """``requires`` in Apollo's JSON form, compiled for :func:`build_representation`."""
    compiled: list[RequiredSelection] = []
    for selection in selections:
        children = selection.get("selections")
        if selection.get("kind") == "InlineFragment":
            compiled.append(
                RequiredFragment(
                    type_condition=selection.get("typeCondition"),
                    selections=compile_requires(children or ()),
                )
            )
        else:
            compiled.append(
                RequiredField(
                    response_name=selection.get("alias") or selection["name"],
                    selections=None if children is None else compile_requires(children),
                )
            )
    return tuple(compiled)


def build_representation(
    source: Any, selections: tuple[RequiredSelection, ...], types: SchemaTypes
) -> dict[str, Any] | None:
    """The fields of ``source`` that ``selections`` select, or ``None`` when one is missing."""
    if source is None:
        return None
    if type(source) is not dict:
        return None
    result: dict[str, Any] = {}
    for selection in selections:
        if type(selection) is RequiredField:
            name = selection.response_name
            if name not in source:
                return None
            value = source[name]
            children = selection.selections
            if children is None:
                result[name] = value
            elif type(value) is list:
                result[name] = [_nested(item, children, types) for item in value]
            else:
                result[name] = build_representation(value, children, types)
        else:
            assert type(selection) is RequiredFragment
            condition = selection.type_condition
            if condition is None:
                continue
            typename = source.get("__typename")
            if typename is None or not types.matches(typename, condition):
                continue
            nested = build_representation(source, selection.selections, types)
            if nested is not None:
                deep_merge(result, nested, types.object_names)
    return result


def _nested(value: Any, children: tuple[RequiredSelection, ...], types: SchemaTypes) -> Any:
    if type(value) is list:
        return [_nested(item, children, types) for item in value]
    return build_representation(value, children, types)
