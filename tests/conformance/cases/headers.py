"""The Authorization header reaches the subgraphs: accounts answers me from it."""

from __future__ import annotations

from tests.conformance.case import Case

ME = "{ me { name reviews { body course { title credits } } } }"

CASES = (
    Case("forwarded", ME, headers={"Authorization": "Bearer u1"}),
    Case("another-caller", ME, headers={"Authorization": "Bearer u4"}),
    Case("anonymous", ME),
)
