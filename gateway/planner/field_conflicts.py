"""Aliases for fields a subgraph would reject as conflicting, and the rewrites undoing them.

A subgraph validates its operation like any GraphQL server: two fields with one
response key must have the same shape, even in fragments on different object
types (``... on User { id }`` with ``ID!`` next to ``... on Admin { id }`` with
``ID``). Such a field is fetched under an alias (``id__alias_0``) and an output
rewrite (Apollo's ``KeyRenamer``) renames it back before the data is merged.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from graphql import (
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
)

from gateway.planner.selection import OutField, OutSet
from gateway.supergraph import Supergraph

__all__ = ["alias_conflicts"]

_Entry = tuple[OutField, OutSet, str, tuple[str, ...]]
"""A field, the set holding it, its parent type, and its path from the fetch's data."""


def _shape(type_: GraphQLOutputType) -> str:
    if isinstance(type_, GraphQLNonNull):
        return _shape(type_.of_type) + "!"
    if isinstance(type_, GraphQLList):
        return "[" + _shape(type_.of_type) + "]"
    if isinstance(type_, (GraphQLObjectType, GraphQLInterfaceType)) or hasattr(type_, "types"):
        return "{}"
    return type_.name


def _shape_of_reference(reference: str) -> str:
    named = reference.strip("[]! ")
    return reference.replace(named, "\x00")


class _Fixer:
    def __init__(self, supergraph: Supergraph, subgraph: str) -> None:
        self.supergraph = supergraph
        self.schema = supergraph.schema
        self.subgraph = subgraph
        self.counter = itertools.count()
        self.rewrites: list[dict[str, Any]] = []

    def field_shape(self, parent_type: str, field: OutField) -> tuple[str, str | None]:
        """The field's response shape in the subgraph, and its named type (for children)."""
        if field.name == "__typename":
            return "String!", None
        definition = self.schema.get_type(parent_type)
        if not isinstance(definition, (GraphQLObjectType, GraphQLInterfaceType)):
            return "?", None
        field_def = definition.fields.get(field.name)
        if field_def is None:
            return "?", None
        shape = _shape(field_def.type)
        named = field_def.type
        while isinstance(named, (GraphQLNonNull, GraphQLList)):
            named = named.of_type
        named_name: str = named.name
        info = self.supergraph.field_in(parent_type, field.name).get(self.subgraph)
        if info is not None and info.type is not None:
            named_name = info.type.strip("[]! ")
            leaf = "{}" if shape.strip("[]!").endswith("{}") else named_name
            shape = _shape_of_reference(info.type).replace("\x00", leaf)
        return shape, named_name

    def gather(self, out: OutSet, parent_type: str, path: tuple[str, ...]) -> Iterator[_Entry]:
        for item in out:
            if isinstance(item, OutField):
                yield item, out, parent_type, path
            elif item.type_condition is not None:
                yield from self.gather(
                    item.selections, item.type_condition, (*path, f"... on {item.type_condition}")
                )
            else:
                yield from self.gather(item.selections, parent_type, path)

    def fix(self, sets: list[tuple[OutSet, str, tuple[str, ...]]]) -> None:
        by_key: dict[str, list[_Entry]] = {}
        for out, parent_type, path in sets:
            for entry in self.gather(out, parent_type, path):
                by_key.setdefault(entry[0].response_key, []).append(entry)
        for key, entries in by_key.items():
            first_shape: str | None = None
            children: dict[str, list[tuple[OutSet, str, tuple[str, ...]]]] = {}
            for field, holder, parent_type, path in entries:
                shape, named = self.field_shape(parent_type, field)
                response_key = key
                if first_shape is None:
                    first_shape = shape
                elif shape != first_shape:
                    alias = f"{field.name}__alias_{next(self.counter)}"
                    holder.rename(field, alias)
                    self.rewrites.append(
                        {"kind": "KeyRenamer", "path": [*path, alias], "renameKeyTo": key}
                    )
                    response_key = alias
                if field.selections is not None and named is not None:
                    children.setdefault(response_key, []).append(
                        (field.selections, named, (*path, response_key))
                    )
            for child_sets in children.values():
                self.fix(child_sets)


def alias_conflicts(
    out: OutSet, *, parent_type: str, subgraph: str, supergraph: Supergraph
) -> list[dict[str, Any]]:
    """Alias the conflicting fields of ``out``; the output rewrites that undo it."""
    fixer = _Fixer(supergraph, subgraph)
    fixer.fix([(out, parent_type, ())])
    return fixer.rewrites
