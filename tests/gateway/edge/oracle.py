"""Running the Node scripts of ``tests/oracle`` (Apollo's tooling, graphql-http) from tests.

They need ``node`` and ``tests/oracle/node_modules`` (``npm ci`` in tests/oracle);
without them a test fails saying so, it never skips.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ORACLE = Path(__file__).resolve().parents[2] / "oracle"

__all__ = ["ORACLE", "run_node"]


def run_node(script: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run ``tests/oracle/SCRIPT`` with ``args``; fails the test when node is missing."""
    node = shutil.which("node")
    assert node is not None, "node is not installed: install Node.js 20 to run this test"
    assert (ORACLE / "node_modules").is_dir(), (
        "tests/oracle/node_modules is missing: run `npm ci` in tests/oracle"
    )
    return subprocess.run(
        [node, str(ORACLE / script), *args],
        cwd=ORACLE,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
