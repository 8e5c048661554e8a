"""Entity jumps: fields of one entity resolved by several subgraphs."""

from __future__ import annotations

from tests.conformance.case import Case

CASES = (
    Case(
        "user-reviews",
        '{ user(id: "u4") { name reviews { rating body } } }',
    ),
    Case(
        "course-instructor",
        '{ course(id: "c1") { title instructor { name email role } } }',
    ),
    Case(
        "three-subgraph-chain",
        '{ review(id: "r3") { body course { code level instructor { name role } } } }',
    ),
    Case(
        "missing-entities",
        '{ course(id: "nope") { title reviews { rating } } user(id: "nobody") { name } }',
    ),
    Case(
        "nested-lists",
        "{ users { name taught { title reviews { rating author { name } } } } }",
    ),
    Case(
        "repeated-references",
        "{ courses(first: 4) { code instructor { name taught { code } } } }",
    ),
    Case(
        "root-fields-from-every-subgraph",
        "{ users { name } courses(first: 2) { title } latestReviews(first: 2) { body }"
        " heaviestCourse { code } }",
    ),
    Case(
        "jump-back-and-forth",
        '{ user(id: "u1") { name taught { code instructor { email reviews { course { title '
        "instructor { name } } } } } } }",
    ),
)
