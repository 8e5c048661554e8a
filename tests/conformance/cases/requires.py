"""@requires: workload computes fields from catalog's credits, level and instructor."""

from __future__ import annotations

from tests.conformance.case import Case

CASES = (
    Case(
        "simple",
        '{ course(id: "c1") { title workload { hoursPerWeek label } } }',
    ),
    Case(
        "required-field-not-selected",
        '{ course(id: "c2") { workload { label } } }',
    ),
    Case(
        "required-field-selected",
        '{ course(id: "c2") { credits workload { hoursPerWeek } } }',
    ),
    Case(
        "several-fields",
        '{ course(id: "c3") { studyPlan } }',
    ),
    Case(
        "nested-selection",
        '{ course(id: "c4") { officeHours instructor { name } } }',
    ),
    Case(
        "nested-list",
        '{ user(id: "u1") { name taught { code workload { label } studyPlan } } }',
    ),
    Case(
        "from-its-own-root",
        "{ heaviestCourse { code workload { hoursPerWeek } studyPlan officeHours } }",
    ),
    Case(
        "through-reviews",
        "{ latestReviews(first: 3) { rating course { studyPlan } } }",
    ),
)
