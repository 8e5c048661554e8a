"""@provides: reviews returns the author's name itself."""

from __future__ import annotations

from tests.conformance.case import Case

CASES = (
    Case(
        "provided-field",
        "{ latestReviews { author { name } } }",
    ),
    Case(
        "provided-and-other-fields",
        "{ latestReviews { author { name email } } }",
    ),
    Case(
        "provided-inside-entity",
        '{ user(id: "u4") { email reviews { author { id name } } } }',
    ),
)
