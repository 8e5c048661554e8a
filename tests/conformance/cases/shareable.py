"""@shareable: Course.title lives in catalog and reviews, User.name in accounts."""

from __future__ import annotations

from tests.conformance.case import Case

CASES = (
    Case(
        "title-from-reviews",
        "{ latestReviews(first: 2) { course { title } } }",
    ),
    Case(
        "title-with-catalog-fields",
        "{ latestReviews(first: 2) { course { title code tags } } }",
    ),
    Case(
        "name-from-two-paths",
        "{ courses(first: 2) { instructor { name } } latestReviews(first: 2) { author { name } } }",
    ),
)
