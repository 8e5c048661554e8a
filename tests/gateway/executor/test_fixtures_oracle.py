"""The committed fixtures are what the test subgraphs and Apollo's tooling make today.

Needs node and ``tests/oracle/node_modules`` (``npm ci`` in tests/oracle); fails
saying so when they are missing. On a difference, regenerate with
``.venv/bin/python -m tests.gateway.executor.fixture_files``.
"""

from __future__ import annotations

from tests.gateway.executor.fixture_files import FIXTURES, regenerate

REGENERATE = "run .venv/bin/python -m tests.gateway.executor.fixture_files"


def test_fixtures_match_the_subgraphs_and_apollo() -> None:
    for name, content in regenerate().items():
        committed = (FIXTURES / name).read_text()
        assert committed == content, f"fixtures/{name} is stale; {REGENERATE}"
