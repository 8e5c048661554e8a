"""The transport of the ``_node`` subgraph: executed in process, no HTTP, no ASGI.

Every object ``node``/``nodes`` answers is marked
:data:`~gateway.executor.existence.MUST_EXIST`: when the subgraph owning it
answers null for it, the executor turns it into null with a ``NOT_FOUND``
error (see :mod:`gateway.executor.existence`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphql import ExecutionResult, GraphQLError, execute, parse, validate

from gateway.executor.bounded_cache import BoundedCache
from gateway.executor.existence import MUST_EXIST
from gateway.node.extension import NODE_SUBGRAPH
from gateway.node.schema import not_found_message
from gateway.transport.request import SubgraphRequest, SubgraphResponse

if TYPE_CHECKING:
    from graphql import DocumentNode, GraphQLSchema

__all__ = ["NodeTransport"]


class NodeTransport:
    """Answers the gateway's queries to ``_node`` by executing them on ``schema``
    (see :func:`gateway.node.schema.build_node_schema`); documents are parsed and
    validated once per query text (``cache_size`` kept)."""

    def __init__(self, schema: GraphQLSchema, *, cache_size: int = 1000) -> None:
        self.name = NODE_SUBGRAPH
        self.schema = schema
        self._documents: BoundedCache[str, DocumentNode | list[GraphQLError]] = BoundedCache(
            cache_size
        )

    async def send(self, request: SubgraphRequest) -> SubgraphResponse:
        prepared = self._prepare(request.query)
        if isinstance(prepared, list):
            return SubgraphResponse(data=None, errors=[dict(e.formatted) for e in prepared])
        result = execute(
            self.schema,
            prepared,
            variable_values=dict(request.variables),
            operation_name=request.operation_name,
        )
        assert isinstance(result, ExecutionResult)  # every resolver is synchronous
        data = result.data
        if data is not None:
            _mark(data)
        return SubgraphResponse(data=data, errors=[dict(e.formatted) for e in result.errors or ()])

    async def close(self) -> None:
        """Nothing to release."""

    def _prepare(self, query: str) -> DocumentNode | list[GraphQLError]:
        prepared = self._documents.get(query)
        if prepared is None:
            try:
                document = parse(query)
            except GraphQLError as exc:
                prepared = [exc]
            else:
                errors = validate(self.schema, document)
                prepared = errors if errors else document
            self._documents.put(query, prepared)
        return prepared


def _mark(data: dict[str, Any]) -> None:
    """Mark every node object of the answer as one that must exist."""
    for value in data.values():
        items = value if type(value) is list else (value,)
        for item in items:
            if type(item) is dict:
                item[MUST_EXIST] = not_found_message(item.get("id"))
