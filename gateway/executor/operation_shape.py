"""The client's operation, compiled for shaping the response.

:class:`OperationShape` is built once per (document, operation name) and
cached by the executor. For each selection set it collects, lazily and once
per (runtime type, ``@skip``/``@include`` variable values), the fields to
answer in order — GraphQL's CollectFields: response names merged, fragments
(named and inline) applied when their type condition holds for the object's
``__typename`` (or, without one, for the static type), directives evaluated.
Field types are compiled to :class:`TypeRef` chains with leaf checks.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from graphql import (
    BooleanValueNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_composite_type,
)

from gateway.executor.schema_types import SchemaTypes

__all__ = [
    "FieldShape",
    "OperationShape",
    "SelectionShape",
    "TypeRef",
    "find_operation",
]

LeafCheck = Callable[[Any], bool]

NORMAL = 0
TYPENAME = 1
INTROSPECTION = 2

LEAF = 0
LIST = 1
COMPOSITE = 2

_INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


def _is_int(value: Any) -> bool:
    kind = type(value)
    return kind is int or (kind is float and math.isfinite(value) and value.is_integer())


def _is_float(value: Any) -> bool:
    kind = type(value)
    return kind is int or (kind is float and math.isfinite(value))


def _is_string(value: Any) -> bool:
    return type(value) is str


def _is_boolean(value: Any) -> bool:
    return type(value) is bool


def _is_id(value: Any) -> bool:
    return type(value) is str or _is_int(value)


_BUILTIN_CHECKS: dict[str, LeafCheck] = {
    "Int": _is_int,
    "Float": _is_float,
    "String": _is_string,
    "Boolean": _is_boolean,
    "ID": _is_id,
}


class TypeRef:
    """One level of a field's type: ``kind`` is LEAF, LIST (``of_type``) or COMPOSITE."""

    __slots__ = ("check", "kind", "name", "non_null", "of_type")

    def __init__(
        self,
        *,
        kind: int,
        non_null: bool,
        name: str,
        of_type: TypeRef | None = None,
        check: LeafCheck | None = None,
    ) -> None:
        self.kind = kind
        self.non_null = non_null
        self.name = name
        self.of_type = of_type
        self.check = check


def _type_ref(gql_type: GraphQLOutputType, types: SchemaTypes) -> TypeRef:
    non_null = isinstance(gql_type, GraphQLNonNull)
    inner: Any = gql_type.of_type if non_null else gql_type  # type: ignore[union-attr]
    if isinstance(inner, GraphQLList):
        element = _type_ref(inner.of_type, types)
        element_name = f"{element.name}!" if element.non_null else element.name
        return TypeRef(kind=LIST, non_null=non_null, name=f"[{element_name}]", of_type=element)
    named = get_named_type(inner)
    if is_composite_type(named):
        return TypeRef(kind=COMPOSITE, non_null=non_null, name=named.name)
    check: LeafCheck | None = None
    if isinstance(named, GraphQLEnumType):
        allowed = types.enum_values.get(named.name, frozenset())

        def check(value: Any, allowed: frozenset[str] = allowed) -> bool:
            return type(value) is str and value in allowed

    elif isinstance(named, GraphQLScalarType):
        check = _BUILTIN_CHECKS.get(named.name)
    return TypeRef(kind=LEAF, non_null=non_null, name=named.name, check=check)


class FieldShape:
    """A field to answer: ``kind`` is NORMAL, TYPENAME or INTROSPECTION."""

    __slots__ = ("kind", "name", "nodes", "parent_name", "response_name", "selection", "type_ref")

    def __init__(
        self,
        *,
        kind: int,
        response_name: str,
        name: str,
        parent_name: str,
        nodes: tuple[FieldNode, ...],
        type_ref: TypeRef | None,
        selection: SelectionShape | None,
    ) -> None:
        self.kind = kind
        self.response_name = response_name
        self.name = name
        self.parent_name = parent_name
        self.nodes = nodes
        self.type_ref = type_ref
        self.selection = selection


class SelectionShape:
    """The merged selection sets of one position in the response, over ``static_type``."""

    __slots__ = ("_cache", "_operation", "selection_sets", "static_type")

    def __init__(
        self,
        operation: OperationShape,
        static_type: str,
        selection_sets: tuple[SelectionSetNode, ...],
    ) -> None:
        self._operation = operation
        self.static_type = static_type
        self.selection_sets = selection_sets
        self._cache: dict[tuple[str | None, tuple[bool, ...]], tuple[FieldShape, ...]] = {}

    def fields(
        self, runtime_type: str | None, variant: tuple[bool, ...], variables: Mapping[str, Any]
    ) -> tuple[FieldShape, ...]:
        """The fields to answer for an object of ``runtime_type`` (``None``: unknown)."""
        key = (runtime_type, variant)
        found = self._cache.get(key)
        if found is None:
            found = self._operation.collect(self, runtime_type, variables)
            self._cache[key] = found
        return found


class OperationShape:
    """The client's operation ``operation`` of ``document``, compiled against the API schema."""

    def __init__(
        self,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        types: SchemaTypes,
    ) -> None:
        self.document = document
        self.operation = operation
        self.types = types
        self.fragments: dict[str, FragmentDefinitionNode] = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        schema = types.schema
        root = {
            OperationType.QUERY: schema.query_type,
            OperationType.MUTATION: schema.mutation_type,
            OperationType.SUBSCRIPTION: schema.subscription_type,
        }[operation.operation]
        if root is None:
            raise ValueError(
                f"the API schema has no {operation.operation.value} type; "
                "check the operation against the supergraph"
            )
        self.root_type: GraphQLObjectType = root
        self.condition_variables: tuple[str, ...] = tuple(sorted(self._condition_variables()))
        self.root = SelectionShape(self, root.name, (operation.selection_set,))
        self.introspection_cache: dict[str, Any] = {}

    def variant(self, variables: Mapping[str, Any]) -> tuple[bool, ...]:
        """The values of the ``@skip``/``@include`` variables: part of every field cache key."""
        return tuple(variables.get(name) is True for name in self.condition_variables)

    def _condition_variables(self) -> set[str]:
        found: set[str] = set()
        definitions: list[Any] = [self.operation, *self.fragments.values()]
        stack: list[SelectionSetNode] = [d.selection_set for d in definitions]
        while stack:
            selection_set = stack.pop()
            for selection in selection_set.selections:
                for directive in selection.directives or ():
                    if directive.name.value in ("skip", "include"):
                        for argument in directive.arguments or ():
                            if isinstance(argument.value, VariableNode):
                                found.add(argument.value.name.value)
                child = getattr(selection, "selection_set", None)
                if child is not None:
                    stack.append(child)
        return found

    def collect(
        self, shape: SelectionShape, runtime_type: str | None, variables: Mapping[str, Any]
    ) -> tuple[FieldShape, ...]:
        """CollectFields for ``shape`` and an object of ``runtime_type``, compiled."""
        grouped: dict[str, list[tuple[FieldNode, str]]] = {}
        for selection_set in shape.selection_sets:
            self._collect(selection_set, shape.static_type, runtime_type, variables, grouped, set())
        types = self.types
        runtime = types.named(runtime_type) if runtime_type is not None else None
        collected: list[FieldShape] = []
        for response_name, occurrences in grouped.items():
            first, static_parent = occurrences[0]
            name = first.name.value
            nodes = tuple(node for node, _ in occurrences)
            if name == "__typename":
                collected.append(
                    FieldShape(
                        kind=TYPENAME,
                        response_name=response_name,
                        name=name,
                        parent_name=static_parent,
                        nodes=nodes,
                        type_ref=None,
                        selection=None,
                    )
                )
                continue
            if name in _INTROSPECTION_FIELDS and static_parent == self.root_type.name:
                collected.append(
                    FieldShape(
                        kind=INTROSPECTION,
                        response_name=response_name,
                        name=name,
                        parent_name=static_parent,
                        nodes=nodes,
                        type_ref=None,
                        selection=None,
                    )
                )
                continue
            definition = None
            parent_name = static_parent
            if isinstance(runtime, GraphQLObjectType | GraphQLInterfaceType):
                definition = runtime.fields.get(name)
                parent_name = runtime.name
            if definition is None:
                static = types.named(static_parent)
                if isinstance(static, GraphQLObjectType | GraphQLInterfaceType):
                    definition = static.fields.get(name)
                parent_name = static_parent
            if definition is None:
                continue
            type_ref = _type_ref(definition.type, types)
            selection = None
            named = get_named_type(definition.type)
            if is_composite_type(named):
                selection = SelectionShape(
                    self,
                    named.name,
                    tuple(node.selection_set for node in nodes if node.selection_set is not None),
                )
            collected.append(
                FieldShape(
                    kind=NORMAL,
                    response_name=response_name,
                    name=name,
                    parent_name=parent_name,
                    nodes=nodes,
                    type_ref=type_ref,
                    selection=selection,
                )
            )
        return tuple(collected)

    def _collect(
        self,
        selection_set: SelectionSetNode,
        static_type: str,
        runtime_type: str | None,
        variables: Mapping[str, Any],
        grouped: dict[str, list[tuple[FieldNode, str]]],
        visited: set[str],
    ) -> None:
        types = self.types
        for selection in selection_set.selections:
            if selection.directives and not _included(selection.directives, variables):
                continue
            if isinstance(selection, FieldNode):
                response_name = selection.alias.value if selection.alias else selection.name.value
                grouped.setdefault(response_name, []).append((selection, static_type))
                continue
            if isinstance(selection, InlineFragmentNode):
                condition = (
                    selection.type_condition.name.value if selection.type_condition else None
                )
                fragment_selection = selection.selection_set
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in visited:
                    continue
                visited.add(name)
                condition = fragment.type_condition.name.value
                fragment_selection = fragment.selection_set
            else:
                continue
            if condition is not None:
                subject = runtime_type if runtime_type is not None else static_type
                if not types.matches(subject, condition):
                    continue
            self._collect(
                fragment_selection,
                condition if condition is not None else static_type,
                runtime_type,
                variables,
                grouped,
                visited,
            )


def _included(directives: Any, variables: Mapping[str, Any]) -> bool:
    for directive in directives:
        name = directive.name.value
        if name not in ("skip", "include"):
            continue
        value: Any = None
        for argument in directive.arguments or ():
            if argument.name.value == "if":
                node = argument.value
                if isinstance(node, BooleanValueNode):
                    value = node.value
                elif isinstance(node, VariableNode):
                    value = variables.get(node.name.value)
        if name == "skip" and value is True:
            return False
        if name == "include" and value is not True:
            return False
    return True


def find_operation(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode:
    """The operation of ``document`` named ``operation_name`` (the only one when ``None``)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        if len(operations) == 1:
            return operations[0]
        raise ValueError(
            "the document has several operations; pass the name of the one to execute"
            if operations
            else "the document has no operation to execute"
        )
    for operation in operations:
        if operation.name is not None and operation.name.value == operation_name:
            return operation
    raise ValueError(f"the document has no operation named {operation_name!r}")
