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

from lms.cli import main
from tests.gateway.edge.conftest import SUPERGRAPH, Subgraphs, free_port
from tests.gateway.edge.oracle import run_node

LMS = [sys.executable, "-m", "lms.cli"]
ROOT = Path(__file__).resolve().parents[3]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(extra)
    return env


@pytest.fixture
def no_lms_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("LMS_"):
            monkeypatch.delenv(name)


@pytest.mark.usefixtures("no_lms_environment")
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
        (
            ("--supergraph", str(SUPERGRAPH)),
            {"LMS_GATEWAY_WORKERS": "2", "LMS_GATEWAY_SUBGRAPH_URLS": "grades=http://x/"},
            "lms: LMS_GATEWAY_SUBGRAPH_URLS names subgraph grades",
        ),
    ],
)
def test_one_line_errors(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    env: dict[str, str],
    message: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = main(["gateway", *args, "--port", str(free_port())])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(message)
    assert err.count("\n") == 1, err


@pytest.mark.usefixtures("no_lms_environment")
@pytest.mark.parametrize("text", ["type Query { a: Int", "type Query { a: Int }"])
def test_invalid_supergraph_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    path = tmp_path / "supergraph.graphql"
    path.write_text(text)
    code = main(["gateway", "--supergraph", str(path), "--port", str(free_port())])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"lms: invalid supergraph {path}: "), err
    assert err.count("\n") == 1, err


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
