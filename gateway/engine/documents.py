"""Parsed and validated documents, cached by query text.

Parsing and validating a document costs far more than executing a cached
plan, and clients send the same few documents over and over; so each query
text is parsed and validated once and the outcome (the document, or the
errors to answer with) kept in a bounded LRU cache.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
    validate,
)

from gateway.engine.codes import ErrorCode

__all__ = ["DocumentCache", "PreparedDocument"]

_NO_OPERATIONS: Mapping[str | None, OperationDefinitionNode] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """A query text after parsing and validation.

    Either ``document`` is set (valid against the schema) and ``operations``
    maps each operation's name (``None`` for an anonymous one) to its
    definition, or ``errors`` holds the formatted errors to answer with.
    """

    document: DocumentNode | None
    operations: Mapping[str | None, OperationDefinitionNode]
    errors: tuple[dict[str, Any], ...] = ()

    def operation(self, name: str | None) -> OperationDefinitionNode | str:
        """The operation to run for ``operationName`` ``name``, or why there is none."""
        operations = self.operations
        if name is None:
            if len(operations) == 1:
                return next(iter(operations.values()))
            if not operations:
                return "Must provide an operation."
            return "Must provide operation name if query contains multiple operations."
        found = operations.get(name)
        if found is None:
            return f'Unknown operation named "{name}".'
        return found


class DocumentCache:
    """Parses and validates query texts against ``schema``, remembering the last ``size``."""

    def __init__(self, schema: GraphQLSchema, *, size: int) -> None:
        if size < 1:
            raise ValueError("the document cache needs room for at least one document")
        self.schema = schema
        self.size = size
        self._entries: OrderedDict[str, PreparedDocument] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, query: str) -> PreparedDocument:
        """The prepared document of ``query``, parsed and validated on first sight."""
        entries = self._entries
        entry = entries.get(query)
        if entry is not None:
            entries.move_to_end(query)
            return entry
        entry = self._prepare(query)
        entries[query] = entry
        if len(entries) > self.size:
            entries.popitem(last=False)
        return entry

    def _prepare(self, query: str) -> PreparedDocument:
        try:
            document = parse(query, allow_empty_selection_sets=False)
        except GraphQLError as error:
            return PreparedDocument(
                None, _NO_OPERATIONS, (_formatted(error, ErrorCode.GRAPHQL_PARSE_FAILED),)
            )
        errors = validate(self.schema, document, allow_empty_selection_sets=False)
        if errors:
            return PreparedDocument(
                None,
                _NO_OPERATIONS,
                tuple(_formatted(e, ErrorCode.GRAPHQL_VALIDATION_FAILED) for e in errors),
            )
        operations = {
            (d.name.value if d.name else None): d
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode)
        }
        return PreparedDocument(document, MappingProxyType(operations))


def _formatted(error: GraphQLError, code: ErrorCode) -> dict[str, Any]:
    entry: dict[str, Any] = dict(error.formatted)
    entry["extensions"] = {**(entry.get("extensions") or {}), "code": code.value}
    return entry
