"""Deep merging and copying of JSON values (dicts, lists, scalars) as response data.

``deep_merge`` follows Apollo Gateway's ``deepMerge``: objects merge key by
key, lists of the same length merge item by item, anything else replaces.
One exception keeps entity types right with ``@interfaceObject``: a concrete
``__typename`` is never replaced by the name of an abstract type.
"""

from __future__ import annotations

from typing import Any

__all__ = ["copy_json", "deep_merge"]


def deep_merge(
    target: dict[str, Any], source: dict[str, Any], object_names: frozenset[str]
) -> None:
    """Merge ``source`` into ``target`` in place; ``source``'s subtrees may be shared."""
    for key, value in source.items():
        existing = target.get(key)
        if existing is None:
            target[key] = value
            continue
        value_type = type(value)
        if value_type is dict:
            if type(existing) is dict:
                deep_merge(existing, value, object_names)
            else:
                target[key] = value
        elif value_type is list:
            if type(existing) is list:
                _merge_lists(existing, value, object_names)
            else:
                target[key] = value
        elif key == "__typename":
            if value in object_names or existing not in object_names:
                target[key] = value
        else:
            target[key] = value


def _merge_lists(target: list[Any], source: list[Any], object_names: frozenset[str]) -> None:
    size = len(target)
    for index, value in enumerate(source):
        if index >= size:
            target.append(value)
            continue
        existing = target[index]
        if type(value) is dict and type(existing) is dict:
            deep_merge(existing, value, object_names)
        elif type(value) is list and type(existing) is list:
            _merge_lists(existing, value, object_names)
        else:
            target[index] = value


def copy_json(value: Any) -> Any:
    """A deep copy of a JSON value (faster than :func:`copy.deepcopy` for this shape)."""
    value_type = type(value)
    if value_type is dict:
        return {key: copy_json(item) for key, item in value.items()}
    if value_type is list:
        return [copy_json(item) for item in value]
    return value
