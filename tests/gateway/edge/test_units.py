"""Pieces of the edge and engine on their own: media negotiation, the document cache."""

from __future__ import annotations

import pytest
from graphql import build_schema

from gateway.edge.media import GRAPHQL_RESPONSE_JSON, JSON, accepts_html, negotiate
from gateway.engine.documents import DocumentCache
from gateway.engine.forwarding import subgraph_headers

SCHEMA = build_schema("type Query { a: Int }")


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/*;q=0.5", JSON),
        ("application/graphql-response+json", GRAPHQL_RESPONSE_JSON),
        ("Application/GraphQL-Response+JSON; charset=utf-8", GRAPHQL_RESPONSE_JSON),
        ("application/json;q=0.9, application/graphql-response+json", GRAPHQL_RESPONSE_JSON),
        ("application/graphql-response+json;q=0.1, application/json;q=0.2", JSON),
        ("application/graphql-response+json;q=0, */*", JSON),
        ("text/html", None),
        ("application/json;q=0", None),
        ("application/json;q=nonsense", None),
        ("garbage", None),
    ],
)
def test_negotiate(accept: str | None, expected: str | None) -> None:
    assert negotiate(accept) == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [(None, False), ("*/*", False), ("text/html", True), ("text/html;q=0", False)],
)
def test_accepts_html(accept: str | None, expected: bool) -> None:
    assert accepts_html(accept) is expected


def test_document_cache_keeps_the_most_recent() -> None:
    cache = DocumentCache(SCHEMA, size=2)
    first = cache.get("{ a }")
    cache.get("query B { a }")
    assert cache.get("{ a }") is first  # a hit, now the most recent
    cache.get("query C { a }")  # evicts "query B"
    assert len(cache) == 2
    assert cache.get("{ a }") is first


def test_document_cache_keeps_errors() -> None:
    cache = DocumentCache(SCHEMA, size=10)
    bad = cache.get("{ b }")
    assert bad.document is None
    assert bad.errors[0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert cache.get("{ b }") is bad


def test_operation_resolution() -> None:
    prepared = DocumentCache(SCHEMA, size=10).get("query A { a } query B { a }")
    assert prepared.operation(None) == (
        "Must provide operation name if query contains multiple operations."
    )
    assert prepared.operation("C") == 'Unknown operation named "C".'
    operation = prepared.operation("B")
    assert not isinstance(operation, str)
    assert operation.name is not None
    assert operation.name.value == "B"


def test_subgraph_headers_outside_a_span() -> None:
    incoming = {
        "Authorization": "Bearer t",
        "TraceParent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "X-Request-ID": "abc-1",
        "Cookie": "secret",
        "Accept": "*/*",
    }
    assert subgraph_headers(incoming) == {
        "authorization": "Bearer t",
        "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "x-request-id": "abc-1",
    }


@pytest.mark.parametrize("given", [None, "", "two words", "x" * 129])
def test_subgraph_headers_make_a_request_id(given: str | None) -> None:
    incoming = {} if given is None else {"x-request-id": given}
    request_id = subgraph_headers(incoming)["x-request-id"]
    assert request_id != given
    assert len(request_id) == 32
