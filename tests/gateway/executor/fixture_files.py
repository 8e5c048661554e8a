"""The committed federation fixtures of the executor tests, and how to regenerate them.

``fixtures/`` holds each test subgraph's SDL, the supergraph Apollo's
composition makes of them, and Apollo's query plans (with Apollo's API
schema) for the operations in ``fixtures/operations.json``. Regenerate after
changing the subgraphs or the operations (needs node and
``tests/oracle/node_modules``)::

    .venv/bin/python -m tests.gateway.executor.fixture_files
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from tests.gateway.executor.subgraphs import SUBGRAPHS, subgraph_sdl

__all__ = ["FIXTURES", "Fixtures", "load", "regenerate"]

FIXTURES = Path(__file__).parent / "fixtures"
ORACLE = Path(__file__).parents[2] / "oracle"
URLS = {name: f"http://{name}.invalid/graphql" for name in SUBGRAPHS}


class Fixtures:
    """The supergraph, Apollo's API schema SDL and Apollo's plan JSON per operation name."""

    def __init__(self, supergraph: str, plans: dict[str, Any]) -> None:
        self.supergraph = supergraph
        self.api_schema: str = plans["apiSchema"]
        self.operations: dict[str, dict[str, Any]] = plans["operations"]

    def query(self, name: str) -> str:
        return str(self.operations[name]["query"])

    def plan(self, name: str) -> dict[str, Any]:
        result: dict[str, Any] = self.operations[name]["plan"]
        return result


def load() -> Fixtures:
    """The committed fixtures."""
    plans = json.loads((FIXTURES / "plans.json").read_text())
    return Fixtures((FIXTURES / "supergraph.graphql").read_text(), plans)


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not installed; install Node.js 20 to use Apollo's tooling")
    if not (ORACLE / "node_modules" / "@apollo" / "query-planner").is_dir():
        raise RuntimeError(f"Apollo's tooling is missing; run `npm ci` in {ORACLE}")
    return node


def regenerate() -> dict[str, str]:
    """The fixture files (name → content) as the subgraphs and Apollo's tooling make them now."""
    node = _node()
    files = {f"{name}.graphql": subgraph_sdl(name) for name in SUBGRAPHS}
    operations = json.loads((FIXTURES / "operations.json").read_text())
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for name, sdl in files.items():
            (work / name).write_text(sdl)
        composed = subprocess.run(
            [
                node,
                str(ORACLE / "compose.mjs"),
                *(f"{name}={URLS[name]}={work / f'{name}.graphql'}" for name in SUBGRAPHS),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        (work / "supergraph.graphql").write_text(composed)
        (work / "operations.json").write_text(json.dumps(operations))
        planned = json.loads(
            subprocess.run(
                [
                    node,
                    str(ORACLE / "executor_plans.mjs"),
                    str(work / "supergraph.graphql"),
                    str(work / "operations.json"),
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )
    plans = {
        "apiSchema": planned["apiSchema"],
        "operations": {
            operation["name"]: {"query": operation["query"], **result}
            for operation, result in zip(operations, planned["results"], strict=True)
        },
    }
    files["supergraph.graphql"] = composed
    files["plans.json"] = json.dumps(plans, indent=1) + "\n"
    return files


if __name__ == "__main__":
    for name, content in regenerate().items():
        (FIXTURES / name).write_text(content)
        print(f"wrote {FIXTURES / name}")
