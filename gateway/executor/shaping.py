"""Shaping the merged subgraph data into the client's response.

Walks the client's operation over the data gathered by the fetches, as Apollo
Gateway's ``computeResponse`` does: response names (aliases), fragments,
``@skip``/``@include``, ``__typename``; fields the client did not ask for
(keys, ``__typename`` the planner added) are left out; leaf values are
checked against their type (an enum value the API schema does not know is an
error on that field); and nulls propagate as the GraphQL specification says:
a null (or erroring) non-null field nulls its parent, up to the nearest
nullable position, and ``data`` itself when it reaches the root. A null for
a non-null field records "Cannot return null for non-nullable field
Type.field." at its path unless an error is already recorded for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graphql import FieldNode, GraphQLObjectType, get_location

from gateway.executor.operation_shape import (
    COMPOSITE,
    INTROSPECTION,
    LEAF,
    LIST,
    NORMAL,
    TYPENAME,
    FieldShape,
    OperationShape,
    SelectionShape,
    TypeRef,
)

__all__ = ["ResponseShaper"]


class _Errored:
    """Marks a position that is null because of an error already recorded."""

    __slots__ = ()


ERRORED = _Errored()

Introspect = Callable[[tuple[FieldShape, ...]], dict[str, Any]]


class ResponseShaper:
    """Shapes one response; ``errors`` collects what shaping found wrong."""

    __slots__ = (
        "_composite_names",
        "_introspect",
        "_operation",
        "_path",
        "_variables",
        "_variant",
        "errors",
    )

    def __init__(
        self,
        operation: OperationShape,
        variables: Mapping[str, Any],
        *,
        introspect: Introspect,
    ) -> None:
        self._operation = operation
        self._composite_names = operation.types.composite_names
        self._variables = variables
        self._variant = operation.variant(variables)
        self._introspect = introspect
        self._path: list[str | int] = []
        self.errors: list[dict[str, Any]] = []

    def shape(self, data: dict[str, Any]) -> dict[str, Any] | None:
        """The client's ``data`` from the merged ``data``; ``None`` when a null reached the root."""
        operation = self._operation
        shape = operation.root
        fields = shape.fields(None, self._variant, self._variables)
        introspection = tuple(f for f in fields if f.kind == INTROSPECTION)
        answered = self._introspect(introspection) if introspection else {}
        result = self._object(data, shape, operation.root_type.name, fields, answered)
        return None if result is ERRORED else result

    # -- positions ---------------------------------------------------------------
    def _object(
        self,
        source: dict[str, Any],
        shape: SelectionShape,
        runtime_type: str | None,
        fields: tuple[FieldShape, ...],
        answered: dict[str, Any] | None = None,
    ) -> Any:
        output: dict[str, Any] = {}
        path = self._path
        for field in fields:
            response_name = field.response_name
            kind = field.kind
            if kind == NORMAL:
                type_ref = field.type_ref
                assert type_ref is not None
                value = source.get(response_name)
                if value is None:
                    if type_ref.non_null:
                        path.append(response_name)
                        self._null_error(field, type_ref)
                        path.pop()
                        return ERRORED
                    output[response_name] = None
                    continue
                if type_ref.kind == LEAF:
                    check = type_ref.check
                    if check is None or check(value):
                        output[response_name] = value
                        continue
                path.append(response_name)
                value = self._value(value, type_ref, field)
                path.pop()
                if value is ERRORED:
                    if type_ref.non_null:
                        return ERRORED
                    value = None
                output[response_name] = value
            elif kind == TYPENAME:
                value = source.get(response_name)
                if type(value) is not str:
                    value = source.get("__typename")
                name = self._typename(value, runtime_type or field.parent_name)
                if name is None:
                    path.append(response_name)
                    self._error(
                        "Cannot determine the object type of "
                        f"{field.parent_name} for __typename; the subgraph answered "
                        f"{value!r}.",
                        field,
                    )
                    path.pop()
                    return ERRORED
                output[response_name] = name
            else:
                output[response_name] = (answered or {}).get(response_name)
        return output

    def _value(self, value: Any, type_ref: TypeRef, field: FieldShape) -> Any:
        if value is None:
            if type_ref.non_null:
                self._null_error(field, type_ref)
                return ERRORED
            return None
        kind = type_ref.kind
        if kind == COMPOSITE:
            if type(value) is not dict:
                self._invalid(field, type_ref)
                return ERRORED
            typename = value.get("__typename")
            if typename is not None and (
                type(typename) is not str or typename not in self._composite_names
            ):
                self._error(
                    "Invalid __typename found for object at field "
                    f"{field.parent_name}.{field.name}.",
                    field,
                )
                return ERRORED
            shape = field.selection
            assert shape is not None
            fields = shape.fields(typename, self._variant, self._variables)
            return self._object(value, shape, typename, fields)
        if kind == LIST:
            if type(value) is not list:
                self._invalid(field, type_ref)
                return ERRORED
            element = type_ref.of_type
            assert element is not None
            path = self._path
            items: list[Any] = []
            append = items.append
            for index, item in enumerate(value):
                path.append(index)
                completed = self._value(item, element, field)
                path.pop()
                if completed is ERRORED:
                    if element.non_null:
                        return ERRORED
                    completed = None
                append(completed)
            return items
        check = type_ref.check
        if check is not None and not check(value):
            self._invalid(field, type_ref)
            return ERRORED
        return value

    def _typename(self, value: Any, fallback: str) -> str | None:
        types = self._operation.types
        if type(value) is str:
            named = types.named(value)
            if named is not None:
                return value if isinstance(named, GraphQLObjectType) else None
        named = types.named(fallback)
        return fallback if isinstance(named, GraphQLObjectType) else None

    # -- errors ------------------------------------------------------------------
    def _null_error(self, field: FieldShape, type_ref: TypeRef) -> None:
        path = self._path
        last = path[-1] if path else None
        if type(last) is int:
            message = (
                "Cannot return null for non-nullable array element of type "
                f"{type_ref.name} at index {last}."
            )
        else:
            message = f"Cannot return null for non-nullable field {field.parent_name}.{field.name}."
        self._error(message, field)

    def _invalid(self, field: FieldShape, type_ref: TypeRef) -> None:
        last = self._path[-1] if self._path else None
        if type(last) is int:
            where = f"array element of type {type_ref.name} at index {last}"
        else:
            where = f"field {field.parent_name}.{field.name}"
        self._error(f"Invalid value found for {where}.", field)

    def _error(self, message: str, field: FieldShape) -> None:
        self.errors.append(
            {"message": message, "locations": _locations(field.nodes), "path": list(self._path)}
        )


def _locations(nodes: tuple[FieldNode, ...]) -> list[dict[str, int]]:
    locations: list[dict[str, int]] = []
    for node in nodes[:1]:
        loc = node.loc
        if loc is not None:
            where = get_location(loc.source, loc.start)
            locations.append({"line": where.line, "column": where.column})
    return locations
