"""@inaccessible hides Course.internalCostCode; @tag changes nothing for clients."""

from __future__ import annotations

from tests.conformance.case import Case

CASES = (
    Case(
        "hidden-field",
        "{ courses { code internalCostCode } }",
    ),
    Case(
        "hidden-field-in-fragment",
        "{ heaviestCourse { ...Cost } } fragment Cost on Course { code internalCostCode }",
    ),
    Case(
        "tagged-field",
        "{ heaviestCourse { syllabusUrl } }",
    ),
)
