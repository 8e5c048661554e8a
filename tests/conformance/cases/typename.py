"""__typename at the root, on entities from other subgraphs, in lists and mutations."""

from __future__ import annotations

from tests.conformance.case import Case

CASES = (
    Case("root", "{ __typename }"),
    Case(
        "everywhere",
        '{ __typename course(id: "c1") { __typename instructor { __typename name }'
        " reviews { __typename author { __typename } } workload { __typename }"
        " contents { __typename } } }",
    ),
    Case(
        "entity-typename-only",
        '{ course(id: "c1") { instructor { __typename } } latestReviews(first: 1)'
        " { course { __typename } } }",
    ),
    Case("mutation-root", "mutation { __typename }"),
    Case(
        "aliased",
        '{ t: __typename course(id: "c4") { kind: __typename k2: __typename } }',
    ),
)
