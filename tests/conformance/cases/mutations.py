"""Mutations: root fields run one after another, across subgraphs, with jumps after them.

Each case first (re)creates the drafts it works on, so it is repeatable.
"""

from __future__ import annotations

from tests.conformance.case import Case

CASES = (
    Case(
        "in-order",
        "mutation {"
        ' created: courseCreate(input: { code: "ORD1", title: "First", instructorId: "u2" })'
        " { id code title status level credits tags }"
        ' preview: reviewAdd(input: { courseId: "c1", rating: 4 }) { id body rating }'
        ' renamed: courseRetitle(code: "ORD1", title: "Second") { title status }'
        ' published: coursePublish(code: "ORD1") { title status } }',
    ),
    Case(
        "jumps-after-mutation",
        'mutation { courseCreate(input: { code: "JMP1", title: "Jumps", instructorId: "u1",'
        " credits: 5 }) { instructor { name } workload { hoursPerWeek label } enrollmentLimit } }",
    ),
    Case(
        "input-variable-with-defaults",
        "mutation Create($input: CourseCreateInput!) { courseCreate(input: $input)"
        " { code level credits tags } }",
        variables={"input": {"code": "VAR1", "title": "Variables", "instructorId": "u3"}},
    ),
    Case(
        "reviews-then-catalog",
        'mutation { review: reviewAdd(input: { courseId: "c3", rating: 2, body: "Too fast" })'
        " { id body author { name } course { code } }"
        ' draft: courseCreate(input: { code: "SEQ1", title: "After", instructorId: "u5" })'
        " { status instructor { name } } }",
    ),
)
