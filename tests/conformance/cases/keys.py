"""Several keys: Course is keyed by id in reviews and by code in workload."""

from __future__ import annotations

from tests.conformance.case import Case

CASES = (
    Case(
        "code-to-id",
        "{ heaviestCourse { code title reviews { rating } averageRating } }",
    ),
    Case(
        "id-to-code",
        "{ latestReviews(first: 2) { course { id enrollmentLimit syllabusUrl } } }",
    ),
    Case(
        "root-by-second-key",
        '{ courseByCode(code: "MA101") { id title enrollmentLimit averageRating } }',
    ),
    Case(
        "key-fields-only",
        "{ heaviestCourse { code id } }",
    ),
)
