"""Answering the root introspection fields (``__schema``, ``__type``) from the API schema.

The client's introspection fields are executed by graphql-core against the
API schema alone (no subgraph is asked); answers that use no variables are
kept on the compiled operation and copied out for later requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from graphql import (
    DocumentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    execute_sync,
    visit,
)
from graphql.language import Visitor

from gateway.executor.json_values import copy_json

if TYPE_CHECKING:
    from graphql import GraphQLSchema

    from gateway.executor.operation_shape import FieldShape, OperationShape

__all__ = ["introspect"]


class _Variables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        self.names.add(node.name.value)


def introspect(
    schema: GraphQLSchema,
    operation: OperationShape,
    fields: tuple[FieldShape, ...],
    variables: Mapping[str, Any],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The answers to the introspection ``fields`` by response name, and any errors."""
    cache_key = "\x00".join(f.response_name for f in fields)
    cached = operation.introspection_cache.get(cache_key)
    if cached is not None:
        return copy_json(cached), []
    selections = tuple(node for field in fields for node in field.nodes)
    selection_set = SelectionSetNode(selections=selections)
    finder = _Variables()
    visit(selection_set, finder)
    for fragment in operation.fragments.values():
        visit(fragment, finder)
    definitions = tuple(
        d
        for d in operation.operation.variable_definitions or ()
        if d.variable.name.value in finder.names
    )
    document = DocumentNode(
        definitions=(
            OperationDefinitionNode(
                operation=OperationType.QUERY,
                variable_definitions=definitions,
                selection_set=selection_set,
                directives=(),
            ),
            *operation.fragments.values(),
        )
    )
    result = execute_sync(
        schema,
        document,
        root_value={},
        variable_values={name: variables[name] for name in finder.names if name in variables},
    )
    data = result.data or {}
    errors = [error.formatted for error in result.errors or ()]
    if not finder.names and not errors:
        operation.introspection_cache[cache_key] = copy_json(data)
    return data, [dict(error) for error in errors]
