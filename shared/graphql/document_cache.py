"""Parsing each distinct operation text once per process.

The gateway sends a subgraph the same few operation texts again and again,
so parsing them anew for every request is wasted work. Strawberry's own
``ParserCache`` parses inside its extension hook, where a syntax error
escapes the schema's error formatting (it would reach the client with no
``extensions.code``). :class:`DocumentCache` only ever stores documents that
parsed: a text that fails is left to Strawberry, which parses it again and
reports the error as usual (``GRAPHQL_PARSE_FAILED``).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from graphql import DocumentNode, GraphQLError, parse
from strawberry.extensions import SchemaExtension

__all__ = ["DOCUMENT_CACHE_SIZE", "DocumentCache"]

DOCUMENT_CACHE_SIZE = 1024
"""Distinct operation texts kept parsed (least recently used ones leave first)."""


@lru_cache(maxsize=DOCUMENT_CACHE_SIZE)
def _parsed(query: str, options: tuple[tuple[str, Any], ...]) -> DocumentNode:
    return parse(query, **dict(options))


class DocumentCache(SchemaExtension):
    """Gives the operation its cached parsed document, when its text parses."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query:
            try:
                options = tuple(sorted((context.parse_options or {}).items()))
                context.graphql_document = _parsed(context.query, options)
            except (GraphQLError, TypeError):
                pass  # not cached: Strawberry parses it and reports the error itself
        yield
