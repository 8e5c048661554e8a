"""``lms gateway`` as a person runs it: a real process on a real port.

The graphql-http audit (``tests/oracle/http-audit.mjs``: every MUST, SHOULD
and MAY item of the GraphQL-over-HTTP specification it checks) runs against it.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.gateway.edge.conftest import SUPERGRAPH, Subgraphs, free_port
from tests.gateway.edge.oracle import run_node

LMS = [sys.executable, "-m", "lms.cli"]
ROOT = Path(__file__).resolve().parents[3]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(extra)
    return env


def _lms_gateway(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*LMS, "gateway", *args],
        cwd=ROOT,
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            (),
            {},
            "lms: no supergraph to serve: pass --supergraph FILE or set LMS_GATEWAY_SUPERGRAPH",
        ),
        (("--supergraph", "missing.graphql"), {}, "lms: supergraph file "),
        (
            ("--supergraph", str(SUPERGRAPH)),
            {"LMS_GATEWAY_SUBGRAPH_URLS": "grades=http://127.0.0.1:1/graphql"},
            "lms: LMS_GATEWAY_SUBGRAPH_URLS names subgraph grades, which the supergraph does not "
            "have (its subgraphs: courses, people)",
        ),
        (
            ("--supergraph", str(SUPERGRAPH)),
            {"LMS_GATEWAY_SUBGRAPH_URLS": "people"},
            "lms: invalid setting LMS_GATEWAY_SUBGRAPH_URLS='people'",
        ),
    ],
)
def test_one_line_errors(args: tuple[str, ...], env: dict[str, str], message: str) -> None:
    done = _lms_gateway(*args, "--port", str(free_port()), **env)
    assert done.returncode == 2
    assert done.stderr.startswith(message)
    assert done.stderr.count("\n") == 1, done.stderr


def test_invalid_supergraph_is_one_line(tmp_path: Path) -> None:
    for text in ("type Query { a: Int", "type Query { a: Int }"):
        path = tmp_path / "supergraph.graphql"
        path.write_text(text)
        done = _lms_gateway("--supergraph", str(path), "--port", str(free_port()))
        assert done.returncode == 2
        assert done.stderr.startswith(f"lms: invalid supergraph {path}: "), done.stderr
        assert done.stderr.count("\n") == 1, done.stderr


def _start(port: int, subgraphs: Subgraphs, **env: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [*LMS, "gateway", "--supergraph", str(SUPERGRAPH), "--port", str(port)],
        cwd=ROOT,
        env=_env(
            LMS_GATEWAY_SUBGRAPH_URLS=subgraphs.overrides(),
            LMS_ENVIRONMENT="production",
            **env,
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[0]
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    output = _stop(process)
    raise AssertionError(f"lms gateway did not answer on port {port} within 60s:\n{output}")


def _stop(process: subprocess.Popen[str]) -> str:
    process.terminate()  # uvicorn stops its workers on SIGTERM
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


@pytest.fixture(scope="module")
def running_gateway(subgraphs: Subgraphs) -> Iterator[str]:
    port = free_port()
    process = _start(port, subgraphs)
    yield f"http://127.0.0.1:{port}"
    _stop(process)


async def test_serves_the_supergraph(running_gateway: str) -> None:
    # the subgraphs run in this test's event loop: the request must not block it
    async with httpx.AsyncClient() as http:
        response = await http.post(
            f"{running_gateway}/graphql", json={"query": "{ courses { teacher { name } } }"}
        )
    assert response.json() == {
        "data": {"courses": [{"teacher": {"name": "Ada"}}, {"teacher": {"name": "Emmy"}}]}
    }


async def test_graphql_over_http_audit(running_gateway: str) -> None:
    done = await _run_audit(f"{running_gateway}/graphql")
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(results) > 50
    failed = [r for r in results if r["status"] != "ok"]
    assert failed == []


async def _run_audit(url: str) -> subprocess.CompletedProcess[str]:
    # in a thread: the audit's requests reach subgraphs served by this event loop
    return await asyncio.to_thread(run_node, "http-audit.mjs", url)


async def test_workers(subgraphs: Subgraphs) -> None:
    port = free_port()
    process = await asyncio.to_thread(_start, port, subgraphs, LMS_GATEWAY_WORKERS="2")
    try:
        async with httpx.AsyncClient() as http:
            response = await http.post(
                f"http://127.0.0.1:{port}/graphql", json={"query": "{ people { name } }"}
            )
        assert response.json() == {"data": {"people": [{"name": "Ada"}, {"name": "Emmy"}]}}
    finally:
        output = await asyncio.to_thread(_stop, process)
    assert "with 2 workers" in output
