"""Fragments: named and inline, nested, and fields merged from several of them."""

from __future__ import annotations

from tests.conformance.case import Case

CASES = (
    Case(
        "named-across-subgraphs",
        '{ course(id: "c1") { ...Card } }'
        " fragment Card on Course { code title instructor { ...Person } workload { label } }"
        " fragment Person on User { name reviews { rating } }",
    ),
    Case(
        "inline-without-type",
        '{ course(id: "c2") { ... { code ... @include(if: true) { title } } } }',
    ),
    Case(
        "merged-fields-keep-order",
        '{ course(id: "c1") { instructor { name } code instructor { email }'
        " ... on Course { instructor { name role } } } }",
    ),
    Case(
        "fragment-on-provided-entity",
        "{ latestReviews(first: 2) { author { ... on User { email } } } }",
    ),
)
