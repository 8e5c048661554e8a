"""Introspection of the API schema (the supergraph without federation's machinery)."""

from __future__ import annotations

from tests.conformance.case import Case

CASES = (
    Case("query-type", "{ __schema { queryType { name } mutationType { name } } }"),
    Case("course-fields", '{ __type(name: "Course") { fields { name } } }'),
    Case("all-types", "{ __schema { types { name kind } } }"),
    Case("enum-values", '{ __type(name: "Level") { enumValues { name } } }'),
    Case("union-members", '{ __type(name: "SearchResult") { kind possibleTypes { name } } }'),
    Case(
        "interface-implementations",
        '{ __type(name: "Content") { kind fields { name } possibleTypes { name } } }',
    ),
    Case(
        "input-defaults",
        '{ __type(name: "CourseFilter") { inputFields { name defaultValue'
        " type { name kind ofType { name } } } } }",
    ),
    Case(
        "root-fields-and-arguments",
        '{ __type(name: "Query") { fields { name args { name defaultValue } } } }',
    ),
    Case(
        "hidden-type-lookup",
        '{ entity: __type(name: "_Entity") { name } service: __type(name: "_Service") { name }'
        ' graph: __type(name: "join__Graph") { name } }',
    ),
    Case(
        "mixed-with-data",
        '{ __typename __type(name: "Review") { name kind } review(id: "r1") { body } }',
    ),
)
