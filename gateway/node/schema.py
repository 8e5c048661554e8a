"""The executable schema of the ``_node`` subgraph: global ids decoded, nothing looked up.

``node(id:)`` answers ``{__typename, id}`` for a global id naming a Node type
(``id`` unchanged: entities hold their global id); the gateway then fetches the
object from the subgraph owning it, which checks that it exists and that the
caller may see it. An id that is not a global id, or names a type that is not
a Node type, is null with a ``NOT_FOUND`` error here already.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphql import GraphQLError, GraphQLResolveInfo, GraphQLSchema, build_schema

from gateway.node.extension import NODE_INTERFACE
from shared.errors import BadUserInput
from shared.graphql.relay import split_global_id

__all__ = ["MAX_NODES", "build_node_schema", "not_found_message"]

MAX_NODES = 100
"""The most ids one ``nodes(ids:)`` takes."""


def not_found_message(global_id: object) -> str:
    """The message of a ``NOT_FOUND`` error for the node ``global_id``."""
    return (
        f"No node with ID {global_id!r}: no such object exists, or you may not see it. "
        "Pass an `id` this API returned, unchanged."
    )


def build_node_schema(types: Iterable[str]) -> GraphQLSchema:
    """The ``_node`` subgraph's schema: ``Node``, the Node ``types`` (only ``id``), and
    ``Query.node`` / ``Query.nodes`` resolving global ids."""
    names = sorted(types)
    objects = "\n".join(f"type {name} implements {NODE_INTERFACE} {{ id: ID! }}" for name in names)
    schema = build_schema(
        f"""
        interface {NODE_INTERFACE} {{ id: ID! }}
        {objects}
        type Query {{
          node(id: ID!): {NODE_INTERFACE}
          nodes(ids: [ID!]!): [{NODE_INTERFACE}]!
        }}
        """
    )
    known = frozenset(names)
    query = schema.query_type
    assert query is not None
    query.fields["node"].resolve = lambda _root, _info, id: _decode(id, known)
    query.fields["nodes"].resolve = lambda _root, _info, ids: _decode_all(ids, known)
    interface = schema.get_type(NODE_INTERFACE)
    interface.resolve_type = _type_of  # type: ignore[union-attr]
    return schema


def _type_of(value: dict[str, Any], _info: GraphQLResolveInfo[Any], _type: object) -> str:
    return str(value["__typename"])


def _decode(global_id: str, known: frozenset[str]) -> dict[str, Any]:
    try:
        type_name, _local = split_global_id(global_id)
    except BadUserInput:
        raise _not_found(global_id) from None
    if type_name not in known:
        raise _not_found(global_id)
    return {"__typename": type_name, "id": global_id}


def _decode_all(ids: list[str], known: frozenset[str]) -> list[dict[str, Any] | Exception]:
    if len(ids) > MAX_NODES:
        raise GraphQLError(
            f"`nodes` takes at most {MAX_NODES} ids (got {len(ids)}); split the list.",
            extensions={"code": "BAD_USER_INPUT"},
        )
    answers: list[dict[str, Any] | Exception] = []
    for global_id in ids:
        try:
            answers.append(_decode(global_id, known))
        except GraphQLError as exc:
            # graphql-core reports an exception in a list at that item's path.
            answers.append(exc)
    return answers


def _not_found(global_id: str) -> GraphQLError:
    return GraphQLError(not_found_message(global_id), extensions={"code": "NOT_FOUND"})
