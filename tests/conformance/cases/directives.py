"""@skip and @include: literal and variable conditions, on fields, jumps and fragments."""

from __future__ import annotations

from tests.conformance.case import Case

REVIEWS = 'query R($r: Boolean!) { course(id: "c1") { title reviews @include(if: $r) { rating } } }'

CASES = (
    Case("include-jump-false", REVIEWS, variables={"r": False}),
    Case("include-jump-true", REVIEWS, variables={"r": True}),
    Case(
        "literal-conditions",
        '{ course(id: "c2") { title @skip(if: true) code instructor @skip(if: false) { name } } }',
    ),
    Case(
        "skip-on-inline-fragment",
        'query S($s: Boolean!) { course(id: "c1") { code ... on Course @skip(if: $s)'
        " { workload { label } } } }",
        variables={"s": True},
    ),
    Case(
        "include-root-field-default",
        "query I($x: Boolean = false) { users @include(if: $x) { id } courses(first: 1) { code } }",
    ),
    Case(
        "skip-and-include-together",
        '{ course(id: "c1") { code title @skip(if: false) @include(if: false)'
        " averageRating @skip(if: false) @include(if: true) } }",
    ),
    Case(
        "on-named-fragment-spread",
        'query F($f: Boolean!) { course(id: "c4") { code ...Extra @include(if: $f) } }'
        " fragment Extra on Course { officeHours reviews { body } }",
        variables={"f": True},
    ),
)
