"""@override: workload took Course.enrollmentLimit from catalog (whose value is wrong)."""

from __future__ import annotations

from tests.conformance.case import Case

CASES = (
    Case(
        "overridden-field",
        "{ courses { code enrollmentLimit } }",
    ),
    Case(
        "overridden-field-after-jump",
        '{ review(id: "r1") { course { title enrollmentLimit } } }',
    ),
)
