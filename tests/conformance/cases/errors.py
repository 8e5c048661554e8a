"""Errors: partial data with paths, null propagation, request errors."""

from __future__ import annotations

from tests.conformance.case import Case

CASES = (
    Case("root-field-error", "{ announcement users { id } }", messages=True),
    Case("nullable-field-error", "{ users { id nickname } }", messages=True),
    Case(
        "non-null-bubbles-to-nullable-parent",
        '{ course(id: "c3") { title instructor { name legalName } } }',
        messages=True,
    ),
    Case("non-null-bubbles-to-root", "{ users { id legalName } }", messages=True),
    Case(
        "error-after-two-jumps",
        '{ review(id: "r4") { body course { instructor { nickname } } } }',
        messages=True,
    ),
    Case(
        "entity-field-error-in-list",
        "{ courses { code workload { label } } }",
        messages=True,
    ),
    Case(
        "entity-non-null-error",
        '{ course(id: "c5") { code studyPlan } user(id: "u1") { name } }',
        messages=True,
    ),
    Case(
        "entity-non-null-error-in-non-null-list",
        "{ courses(filter: { level: ADVANCED }) { code studyPlan } }",
        messages=True,
    ),
    Case(
        "errors-from-two-subgraphs",
        '{ users { nickname } course(id: "c5") { workload { label } } }',
        messages=True,
    ),
    Case(
        "mutation-field-error",
        'mutation { ok: reviewAdd(input: { courseId: "c2", rating: 5 }) { id }'
        ' bad: reviewAdd(input: { courseId: "c2", rating: 9 }) { id } }',
        messages=True,
    ),
    Case("unknown-field", '{ course(id: "c1") { title nope } }'),
    Case("syntax-error", '{ course(id: "c1") { title }'),
    Case("wrong-argument-type", '{ courses(first: "two") { code } }'),
    Case("missing-argument", "{ course { title } }"),
)
