"""``lms serve gateway`` as the distributed deployment runs it: a real process on a free port.

It serves the supergraph file named by ``LMS_GATEWAY_SUPERGRAPH`` in front of
the subgraphs at ``LMS_GATEWAY_SUBGRAPH_URLS`` (here the fixture subgraphs on
real ports) and keeps serving when the file is replaced by a broken one.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from lms.cli import main
from tests.gateway.edge.conftest import SUPERGRAPH, Subgraphs, free_port

LMS = [sys.executable, "-m", "lms.cli"]
ROOT = Path(__file__).resolve().parents[3]
TEACHERS = "{ courses { title teacher { name } } }"
TEACHERS_ANSWER = {
    "data": {
        "courses": [
            {"title": "Algebra", "teacher": {"name": "Ada"}},
            {"title": "Topology", "teacher": {"name": "Emmy"}},
        ]
    }
}


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(extra)
    return env


class GatewayProcess:
    """``lms serve gateway`` running, its output collected line by line as it comes."""

    def __init__(self, port: int, env: dict[str, str]) -> None:
        self.port = port
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [*LMS, "serve", "gateway", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_until_healthy(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                raise AssertionError(f"lms serve gateway exited:\n{self.output}")
            try:
                health = httpx.get(f"http://127.0.0.1:{self.port}/health", timeout=1)
                if health.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"lms serve gateway did not answer within 60s:\n{self.output}")

    def wait_for_line(self, text: str) -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = [line for line in self.lines if text in line]
            if found:
                return found[0]
            time.sleep(0.05)
        raise AssertionError(f"no line with {text!r} within 60s:\n{self.output}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=30)


async def test_serves_the_supergraph_file_and_survives_a_broken_one(
    subgraphs: Subgraphs, tmp_path: Path
) -> None:
    # given a copy of the supergraph, served by `lms serve gateway` in front of the subgraphs
    supergraph = tmp_path / "supergraph.graphql"
    shutil.copyfile(SUPERGRAPH, supergraph)
    port = free_port()
    env = _env(
        LMS_ENVIRONMENT="production",
        LMS_GATEWAY_SUPERGRAPH=str(supergraph),
        LMS_GATEWAY_SUBGRAPH_URLS=subgraphs.overrides(),
        LMS_GATEWAY_RELOAD_INTERVAL="0.1",
    )
    # waited for in a thread: the subgraphs it calls run in this test's event loop
    gateway = GatewayProcess(port, env)
    await asyncio.to_thread(gateway.wait_until_healthy)
    url = f"http://127.0.0.1:{port}/graphql"
    try:
        async with httpx.AsyncClient() as http:
            # when a client queries across both subgraphs
            first = await http.post(url, json={"query": TEACHERS})

            # then the gateway answers from both
            assert first.json() == TEACHERS_ANSWER

            # when the file is replaced by one that is no supergraph
            staged = tmp_path / "broken.graphql"
            staged.write_text("type Query {")
            os.replace(staged, supergraph)

            # then one error line says so, and the gateway answers with the supergraph it loaded
            error = await asyncio.to_thread(gateway.wait_for_line, '"level": "ERROR"')
            assert "cannot be served, still serving the previous one" in error
            again = await http.post(url, json={"query": TEACHERS})
            assert again.json() == TEACHERS_ANSWER
            ready = await http.get(f"http://127.0.0.1:{port}/ready")
            assert ready.json()["status"] == "ok"
    finally:
        await asyncio.to_thread(gateway.stop)
    banner = f"gateway serving http://127.0.0.1:{port}/graphql, reloading {supergraph}"
    assert banner in gateway.output
    assert gateway.output.count('"level": "ERROR"') == 1, gateway.output


@pytest.fixture
def no_lms_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("LMS_"):
            monkeypatch.delenv(name)


@pytest.mark.usefixtures("no_lms_environment")
def test_a_missing_supergraph_file_is_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given LMS_GATEWAY_SUPERGRAPH naming a file that does not exist
    missing = tmp_path / "nowhere.graphql"
    monkeypatch.setenv("LMS_GATEWAY_SUPERGRAPH", str(missing))

    # when the gateway is asked to serve it
    code = main(["serve", "gateway", "--port", str(free_port())])

    # then one line says which file and what to check
    err = capsys.readouterr().err
    assert code == 2
    assert err == f"lms: supergraph file {missing} not found (check LMS_GATEWAY_SUPERGRAPH)\n"


@pytest.mark.usefixtures("no_lms_environment")
def test_an_unknown_name_lists_the_services_and_the_gateway(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # when `lms serve` is given a name that is neither a service nor the gateway
    code = main(["serve", "grades", "--port", str(free_port())])

    # then one line names what it does take
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("lms: unknown service 'grades' (known: audit")
    assert err.endswith(", or 'gateway' for the gateway\n")
