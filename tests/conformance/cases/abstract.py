"""Interfaces and unions across subgraphs: Content (Page, Video) and SearchResult."""

from __future__ import annotations

from tests.conformance.case import Case

CASES = (
    Case(
        "interface-inline-fragments",
        '{ course(id: "c1") { contents { __typename id title ... on Page { body }'
        " ... on Video { durationSeconds } } } }",
    ),
    Case(
        "interface-entity-jump",
        '{ course(id: "c2") { contents { title ... on Video { likes } } } }',
    ),
    Case(
        "interface-at-root",
        '{ content(id: "v3") { title ... on Video { durationSeconds likes }'
        " ... on Page { body } } }",
    ),
    Case(
        "interface-named-fragments",
        "{ courses(first: 3) { code contents { ...Item } } }"
        " fragment Item on Content { id ...Clip } fragment Clip on Video { likes title }",
    ),
    Case(
        "union-with-jump",
        '{ search(term: "data") { __typename ... on Course { title } ... on User { name role } } }',
    ),
    Case(
        "union-nested-jumps",
        '{ search(term: "s") { ... on Course { code reviews { rating } }'
        " ... on User { name taught { code } } } }",
    ),
    Case(
        "union-typename-only",
        '{ search(term: "comp") { __typename } }',
    ),
    Case(
        "union-one-member-selected",
        '{ search(term: "a") { ... on User { id email } } }',
    ),
)
