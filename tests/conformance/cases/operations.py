"""Documents with several operations, chosen by operationName."""

from __future__ import annotations

from tests.conformance.case import Case

TWO = 'query Courses { courses(first: 1) { code } } query Reviews { review(id: "r2") { body } }'

CASES = (
    Case("first-of-two", TWO, operation_name="Courses"),
    Case("second-of-two", TWO, operation_name="Reviews"),
    Case("no-name-given", TWO),
    Case("unknown-name", TWO, operation_name="Nothing"),
)
