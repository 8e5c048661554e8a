"""``join__FieldSet`` strings (keys, ``@requires``, ``@provides``) as selection sets."""

from __future__ import annotations

from functools import lru_cache

from graphql import GraphQLError, OperationDefinitionNode, SelectionSetNode, parse

from gateway.supergraph.errors import SupergraphError

__all__ = ["parse_field_set"]


@lru_cache(maxsize=4096)
def parse_field_set(fields: str) -> SelectionSetNode:
    """Parse ``"id organization { id }"`` into the selection set ``{ id organization { id } }``."""
    try:
        document = parse("{" + fields + "}", no_location=True)
    except GraphQLError as exc:
        raise SupergraphError(
            f"the field set {fields!r} is not a valid selection ({exc.message}); "
            "recompose the supergraph from valid subgraphs"
        ) from None
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation.selection_set
