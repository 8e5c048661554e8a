"""Variables: defaults, explicit null, input objects, coercion, entity-field arguments."""

from __future__ import annotations

from tests.conformance.case import Case

FIRST = "query Courses($first: Int = 2) { courses(first: $first) { code } }"
MIN_RATING = 'query Reviews($min: Int) { course(id: "c1") { reviews(minRating: $min) { rating } } }'

CASES = (
    Case("default-used", FIRST),
    Case("default-overridden", FIRST, variables={"first": 4}),
    Case("explicit-null", FIRST, variables={"first": None}),
    Case(
        "input-object",
        "query Filtered($filter: CourseFilter) { courses(filter: $filter) { code credits } }",
        variables={"filter": {"tags": ["algorithms"]}},
    ),
    Case(
        "variable-inside-literal",
        "query ByLevel($level: Level!)"
        " { courses(filter: { level: $level, minCredits: 4 }) { code } }",
        variables={"level": "INTRO"},
    ),
    Case(
        "single-value-to-list",
        "query Tagged($tags: [String!]) { courses(filter: { tags: $tags }) { code tags } }",
        variables={"tags": "systems"},
    ),
    Case("entity-field-argument", MIN_RATING, variables={"min": 5}),
    Case("entity-field-argument-omitted", MIN_RATING),
    Case(
        "variables-in-two-subgraphs",
        "query Both($id: ID!, $min: Int = 4) { course(id: $id) { title reviews(minRating: $min)"
        " { rating } } }",
        variables={"id": "c2"},
    ),
    Case(
        "missing-required-variable",
        "query One($id: ID!) { course(id: $id) { title } }",
    ),
    Case(
        "wrong-variable-type",
        "query One($id: ID!) { course(id: $id) { title } }",
        variables={"id": {"nested": True}},
    ),
)
