"""Building a subgraph schema: Apollo Federation v2, error formatting, credential checks.

Every subgraph builds its schema with :func:`build_subgraph_schema`, which
adds :class:`~shared.graphql.errors.ErrorFormatter` and
:class:`~shared.graphql.permissions.RejectInvalidCredentials`, and logs errors
through :func:`~shared.graphql.errors.log_errors` (expected errors quietly,
bugs with their stack) instead of Strawberry's default of logging everything
at ERROR.

Parsed and validated documents are cached
(:class:`~shared.graphql.document_cache.DocumentCache` and Strawberry's
``ValidationCache``, :data:`DOCUMENT_CACHE_SIZE` each): the gateway sends a
subgraph the same few operation texts again and again, so after the first
request a subgraph skips straight to execution.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import strawberry
from strawberry.extensions import SchemaExtension, ValidationCache
from strawberry.printer import print_schema

from shared.graphql.document_cache import DOCUMENT_CACHE_SIZE, DocumentCache
from shared.graphql.errors import ErrorFormatter, log_errors
from shared.graphql.permissions import RejectInvalidCredentials

if TYPE_CHECKING:
    from graphql import GraphQLError
    from strawberry.schema.config import StrawberryConfig
    from strawberry.types import ExecutionContext

__all__ = ["FEDERATION_VERSION", "SubgraphSchema", "build_subgraph_schema", "print_sdl"]

FEDERATION_VERSION: Literal["2.11"] = "2.11"


ExtensionSpec = type[SchemaExtension] | Callable[[], SchemaExtension]


class SubgraphSchema(strawberry.federation.Schema):
    """A federation v2 schema whose errors are logged by :func:`log_errors`."""

    def process_errors(
        self,
        errors: list[GraphQLError],
        execution_context: ExecutionContext | None = None,
    ) -> None:
        log_errors(errors)


def build_subgraph_schema(
    *,
    query: type,
    mutation: type | None = None,
    subscription: type | None = None,
    types: Iterable[type] = (),
    extensions: Sequence[ExtensionSpec] = (),
    directives: Iterable[Any] = (),
    schema_directives: Iterable[object] = (),
    config: StrawberryConfig | None = None,
) -> SubgraphSchema:
    """The schema of one subgraph, speaking Apollo Federation v2.

    ``extensions`` run inside the platform's own (so their errors are
    formatted too). Entities are found from ``@key`` types reachable from the
    root types or listed in ``types``.
    """
    return SubgraphSchema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        types=list(types),
        extensions=[
            ErrorFormatter,
            RejectInvalidCredentials,
            DocumentCache,
            lambda: ValidationCache(maxsize=DOCUMENT_CACHE_SIZE),
            *extensions,
        ],
        directives=list(directives),
        schema_directives=list(schema_directives),
        config=config,
        federation_version=FEDERATION_VERSION,
    )


def print_sdl(schema: strawberry.federation.Schema) -> str:
    """The subgraph SDL, as ``{ _service { sdl } }`` answers it (with federation links)."""
    return print_schema(schema)
