"""Type-condition answers over the API schema, precomputed once per executor.

``matches(typename, condition)`` says whether an object whose ``__typename``
is ``typename`` satisfies the type condition ``condition`` (``... on
condition``): the same type, or a possible type of the abstract
``condition`` (object types and, for interfaces, the interfaces implementing
it) — Apollo's ``isObjectOfType`` and GraphQL's ``DoesFragmentTypeApply``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graphql import (
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
)

if TYPE_CHECKING:
    from graphql import GraphQLNamedType, GraphQLSchema

__all__ = ["SchemaTypes"]


class SchemaTypes:
    """What the executor asks the API schema about types, answered from precomputed sets."""

    __slots__ = ("_satisfying", "composite_names", "enum_values", "object_names", "schema")

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        type_map = schema.type_map
        self.object_names: frozenset[str] = frozenset(
            name for name, t in type_map.items() if isinstance(t, GraphQLObjectType)
        )
        self.composite_names: frozenset[str] = frozenset(
            name
            for name, t in type_map.items()
            if isinstance(t, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType)
        )
        self.enum_values: dict[str, frozenset[str]] = {
            name: frozenset(t.values)
            for name, t in type_map.items()
            if isinstance(t, GraphQLEnumType)
        }
        satisfying: dict[str, frozenset[str]] = {}
        for name, t in type_map.items():
            if isinstance(t, GraphQLUnionType):
                satisfying[name] = frozenset(member.name for member in t.types) | {name}
            elif isinstance(t, GraphQLInterfaceType):
                implementations = schema.get_implementations(t)
                satisfying[name] = (
                    frozenset(o.name for o in implementations.objects)
                    | frozenset(i.name for i in implementations.interfaces)
                    | {name}
                )
        self._satisfying = satisfying

    def matches(self, typename: str, condition: str) -> bool:
        """Whether an object of type ``typename`` satisfies ``... on condition``."""
        if typename == condition:
            return True
        possible = self._satisfying.get(condition)
        return possible is not None and typename in possible

    def named(self, name: str) -> GraphQLNamedType | None:
        """The named type ``name`` of the API schema, or ``None``."""
        return self.schema.type_map.get(name)
