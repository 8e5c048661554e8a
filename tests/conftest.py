"""Test-suite wiring: fixtures that start real servers live in tests/fixtures/."""

from __future__ import annotations

pytest_plugins = [
    "tests.fixtures.database",
]
