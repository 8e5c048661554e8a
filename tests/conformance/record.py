"""Record Apollo Gateway's answers as the conformance snapshots.

Run: ``.venv/bin/python -m tests.conformance.record`` (needs Node and
``npm ci`` in ``tests/oracle``). Starts the campus subgraphs and Apollo
Gateway over the ``campus`` and ``outage`` supergraphs, sends every case and
rewrites ``tests/conformance/cases/<area>.json``. Review the diff: the
snapshots are the reference every gateway is compared with.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import httpx

from tests.conformance.campus import running_campus
from tests.conformance.cases import load_cases, write_snapshots
from tests.conformance.client import ask
from tests.conformance.gateways import start_gateway

__all__ = ["main"]


def main() -> int:
    cases = load_cases()
    with (
        tempfile.TemporaryDirectory(prefix="conformance-") as tmp,
        running_campus(Path(tmp)) as campus,
        contextlib.ExitStack() as stack,
        httpx.Client(timeout=30.0) as client,
    ):
        gateways = {}
        for name, supergraph in campus.supergraphs.items():
            gateway = start_gateway(
                "apollo", supergraph, log_dir=Path(tmp) / "logs", name=f"apollo-{name}"
            )
            stack.callback(gateway.stop)
            gateways[name] = gateway
        answers = {case.id: ask(client, gateways[case.supergraph].url, case) for case in cases}
    write_snapshots(cases, answers)
    print(f"recorded {len(answers)} cases")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
