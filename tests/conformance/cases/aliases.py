"""Aliases: the same field more than once with other arguments, across jumps too."""

from __future__ import annotations

from tests.conformance.case import Case

CASES = (
    Case(
        "same-root-field-twice",
        "{ intro: courses(filter: { level: INTRO }) { title }"
        " advanced: courses(filter: { level: ADVANCED }) { title } }",
    ),
    Case(
        "same-entity-field-twice",
        '{ course(id: "c1") { all: reviews { rating } top: reviews(minRating: 5)'
        " { rating author { name } } } }",
    ),
    Case(
        "renamed-keys-and-typename",
        '{ c: course(id: "c3") { ident: id kind: __typename who: instructor { n: name } } }',
    ),
    Case(
        "alias-on-required-fields",
        '{ course(id: "c1") { load: workload { h: hoursPerWeek } plan: studyPlan } }',
    ),
    Case(
        "same-list-twice",
        "{ users { first: taught { code } again: taught { title } } }",
    ),
)
