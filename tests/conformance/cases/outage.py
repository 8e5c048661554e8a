"""A subgraph is down (workload refuses connections): partial data and errors."""

from __future__ import annotations

from tests.conformance.case import Case

CASES = (
    Case(
        "entity-fetch-fails",
        "{ courses(first: 2) { code workload { label } } }",
        supergraph="outage",
    ),
    Case(
        "root-field-fails",
        "{ heaviestCourse { code } users { id } }",
        supergraph="outage",
    ),
    Case(
        "non-null-field-fails",
        '{ course(id: "c1") { code studyPlan } }',
        supergraph="outage",
    ),
    Case(
        "other-subgraphs-answer",
        '{ course(id: "c1") { title instructor { name } reviews { rating } } }',
        supergraph="outage",
    ),
)
