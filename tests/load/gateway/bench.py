"""Gateway benchmark: lms gateway, Apollo Gateway and Hive Gateway on one supergraph.

Run: ``.venv/bin/python -m tests.load.gateway.bench`` (``--help`` for options).
Needs ``wrk`` on the PATH (Debian package ``wrk``), Node.js and ``npm ci``
done in ``tests/oracle``; it installs nothing and stops when one is missing.

What it does, all on 127.0.0.1:

1. starts the campus subgraphs (``tests/conformance/subgraphs``, one process
   each) and composes their supergraph with Apollo's composition;
2. replays Apollo's query plan for the query against the subgraphs and drives
   each of those subgraph requests directly with wrk (the first one is the
   subgraph serving the root field): the baseline a gateway cannot beat;
3. for each round (subgraph request deduplication on, then off) starts each
   gateway, checks it answers the query like Apollo Gateway, warms it up,
   drives it with wrk, and stops it;
4. prints a table and writes it as JSON and markdown (``--out``).

Every process it starts is stopped before it returns, and every wait is bounded.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from tests.conformance.campus import ORACLE, REPO, running_campus
from tests.conformance.gateways import GATEWAYS, Gateway, lms_command, start_gateway
from tests.conformance.servers import ServerError
from tests.load.gateway.fetches import apollo_plan, replay
from tests.load.gateway.report import Report, Row
from tests.load.gateway.wrk import Load, run_wrk

__all__ = ["main"]

QUERY = "{ me { name reviews { body course { title credits } } } }"
AUTHORIZATION = "Bearer u1"
ROUNDS: tuple[tuple[str, bool], ...] = (("dedup on", True), ("dedup off", False))
ORDER: tuple[Gateway, ...] = ("apollo", "hive", "lms")


def gateway_env(kind: Gateway, deduplicate: bool) -> dict[str, str]:
    """Environment that sets a gateway's subgraph request deduplication."""
    if kind == "lms":
        return {"LMS_GATEWAY_DEDUPLICATE": "true" if deduplicate else "false"}
    if kind == "hive":
        return {"BENCH_DEDUPLICATE": "true" if deduplicate else "false"}
    return {}


def gateway_note(kind: Gateway, deduplicate: bool) -> str:
    if kind == "apollo":
        return "no deduplication in Apollo Gateway"
    if kind == "hive":
        return "deduplicateInflightRequests " + ("on (default)" if deduplicate else "off")
    return "LMS_GATEWAY_DEDUPLICATE=" + ("true" if deduplicate else "false")


def missing_tools() -> list[str]:
    """What the benchmark needs and cannot find, each with how to get it."""
    missing = []
    if shutil.which("wrk") is None:
        missing.append("wrk (Debian: apt-get install wrk)")
    if shutil.which("node") is None:
        missing.append("Node.js 20 (node on the PATH)")
    for package in ("@apollo/gateway", "@graphql-hive/gateway"):
        if not (ORACLE / "node_modules" / package).is_dir():
            missing.append(f"{package} (cd tests/oracle && npm ci)")
    return missing


def machine() -> dict[str, Any]:
    """What the figures depend on."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "load average at start": " ".join(f"{load:.2f}" for load in os.getloadavg()),
        "cpus": os.cpu_count(),
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
        "node": _output(["node", "--version"]),
        "wrk": _output(["wrk", "--version"]).split(" [")[0],
        "@apollo/gateway": _npm_version("@apollo/gateway"),
        "@graphql-hive/gateway": _npm_version("@graphql-hive/gateway"),
    }


def _output(argv: Sequence[str]) -> str:
    result = subprocess.run(list(argv), capture_output=True, text=True, timeout=10, check=False)
    return (
        (result.stdout or result.stderr).strip().splitlines()[0]
        if result.stdout or result.stderr
        else ""
    )


def _npm_version(package: str) -> str:
    manifest = ORACLE / "node_modules" / package / "package.json"
    return str(json.loads(manifest.read_text())["version"]) if manifest.exists() else "missing"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.load.gateway.bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--duration", type=float, default=15.0, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=5.0, help="warm-up seconds per run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument(
        "--gateways", default=",".join(GATEWAYS), help="comma-separated: lms,apollo,hive"
    )
    parser.add_argument("--query", default=QUERY)
    parser.add_argument("--authorization", default=AUTHORIZATION)
    parser.add_argument("--out", type=Path, default=REPO / ".benchmarks" / "gateway")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    wanted = [kind for kind in ORDER if kind in args.gateways.split(",")]
    missing = missing_tools()
    if missing:
        print("missing: " + "; ".join(missing), file=sys.stderr)
        return 2
    if "lms" in wanted and not lms_command().exists():
        print(
            f"missing: {lms_command()} (install the project into this virtualenv)", file=sys.stderr
        )
        return 2
    load = Load(connections=args.connections, threads=args.threads, duration=args.duration)
    warm = Load(connections=args.connections, threads=args.threads, duration=args.warmup)
    headers = {"Authorization": args.authorization} if args.authorization else {}
    report = Report(query=args.query, load=load, warmup=args.warmup, machine=machine())
    if os.getloadavg()[0] > (os.cpu_count() or 1) / 2:
        _say("the machine is busy (see the load average): expect noisy figures")
    with tempfile.TemporaryDirectory(prefix="gateway-bench-") as tmp:
        work = Path(tmp)
        with running_campus(work) as campus:
            supergraph = campus.supergraphs["campus"]
            urls = {name: server.url for name, server in campus.subgraphs.items()}
            fetches = replay(apollo_plan(supergraph, args.query), urls, headers=headers)
            for number, fetch in enumerate(fetches, start=1):
                _say(f"direct: fetch {number} to {fetch.service}")
                run_wrk(urls[fetch.service], fetch.body, warm, headers=headers)
                measured = run_wrk(urls[fetch.service], fetch.body, load, headers=headers)
                report.rows.append(Row("direct", f"{fetch.service} (fetch {number})", measured))
            reference: dict[str, Any] | None = None
            for round_name, deduplicate in ROUNDS:
                for kind in wanted:
                    row, answer = _measure_gateway(
                        kind,
                        supergraph,
                        work,
                        round_name,
                        deduplicate,
                        load=load,
                        warm=warm,
                        query=args.query,
                        headers=headers,
                        reference=reference,
                    )
                    if kind == "apollo" and reference is None:
                        reference = answer
                    report.rows.append(row)
    print(report.text())
    as_json, as_markdown = report.write(args.out)
    print(f"\nwritten: {as_json} and {as_markdown}")
    return 0


def _measure_gateway(
    kind: Gateway,
    supergraph: Path,
    work: Path,
    round_name: str,
    deduplicate: bool,
    *,
    load: Load,
    warm: Load,
    query: str,
    headers: dict[str, str],
    reference: dict[str, Any] | None,
) -> tuple[Row, dict[str, Any] | None]:
    _say(f"{round_name}: {kind}")
    note = gateway_note(kind, deduplicate)
    try:
        server = start_gateway(
            kind,
            supergraph,
            log_dir=work / "logs",
            name=f"{kind}-{round_name.replace(' ', '-')}",
            env=gateway_env(kind, deduplicate),
        )
    except ServerError as exc:
        return Row(round_name, kind, None, f"{note}; did not start: {_first_line(exc)}"), None
    try:
        response = httpx.post(server.url, json={"query": query}, headers=headers, timeout=30.0)
        answer = response.json()
        if answer.get("errors") or "data" not in answer:
            return Row(round_name, kind, None, f"{note}; answered errors, not measured"), None
        if reference is not None and answer != reference:
            return Row(
                round_name, kind, None, f"{note}; answer differs from Apollo Gateway's"
            ), None
        run_wrk(server.url, {"query": query}, warm, headers=headers)
        return Row(
            round_name, kind, run_wrk(server.url, {"query": query}, load, headers=headers), note
        ), answer
    finally:
        server.stop()


def _first_line(exc: BaseException) -> str:
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[-1][:160] if lines else type(exc).__name__


def _say(message: str) -> None:
    print(f"-- {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
