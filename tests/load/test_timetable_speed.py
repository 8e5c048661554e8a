"""Timetable latency through the gateway of an ``lms dev`` process, under 50 concurrent clients.

Run: ``.venv/bin/python -m pytest tests/load/test_timetable_speed.py -s``.

A real ``lms dev`` process (gateway and every subgraph in one process, as the
embedded deployment runs) serves on a local port, on SQLite files and then
on PostgreSQL. Through its gateway, a college is set up
(:mod:`tests.e2e.week`): a student enrolled in 8 sections, each meeting twice
a week. Then 1, 10 and 50 clients, each with its own connection, ask for
the student's week without pause (the query spans identity, courses and
users); the clients run in worker processes of ten clients each
(:mod:`tests.load.http_load`). The test prints p50/p95/p99/max latency and the throughput of each
round, and keeps them as test properties (``--junitxml``); it asserts
answers, never speed. The clients run on the same machine: they share its
cores with the server. Figures are in ``docs/courses.md``.

All clients ask as the same student, so the gateway's deduplication
(``LMS_GATEWAY_DEDUPLICATE``) lets concurrent identical subgraph requests
share one answer. ``TIMETABLE_LOAD_DEDUPLICATE=false`` in the environment
turns it off in the served process: every request then costs the server its
full work, as 50 different students would.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from shared.config import Settings
from tests.e2e.week import TIMETABLE, WEEK, enrol, set_up_term
from tests.load.http_load import Load, drive

pytestmark = pytest.mark.integration

CLIENTS = 50
REQUESTS = 1000
"""Requests of each round, shared out among its clients."""
ROUNDS = (1, 10, CLIENTS)
"""Concurrent clients of each round: the latency alone, then under growing load."""
WARM_UP = 50
SECTIONS = 8
ROOT = Path(__file__).resolve().parents[2]
LMS = [sys.executable, "-m", "lms.cli"]


@dataclass
class ServedDev:
    """An ``lms dev`` process, as :class:`tests.e2e.journey.Reachable`."""

    client: httpx.AsyncClient
    mailbox: Path
    env: dict[str, str]

    async def create_superadmin(self, email: str, password: str) -> None:
        done = await asyncio.to_thread(
            subprocess.run,
            [*LMS, "create-superadmin", "--email", email, "--password-stdin"],
            input=password,
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start_dev(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """``lms dev`` on ``port``, its output in ``log``; returns once it says it is serving."""
    with log.open("w") as output:
        process = subprocess.Popen(
            [*LMS, "dev", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 90
    while "Press Ctrl+C" not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"lms dev did not start:\n{log.read_text()}")
        time.sleep(0.2)
    return process


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


@asynccontextmanager
async def served_dev(settings: Settings, log: Path) -> AsyncIterator[ServedDev]:
    """``lms dev`` on ``settings``' data dir and database, until the block ends."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(
        LMS_DATA_DIR=str(settings.data_dir),
        LMS_DATABASE_BACKEND=settings.database_backend,
        LMS_DATABASE_URL=settings.database_url,
        LMS_LOG_LEVEL="WARNING",
        LMS_GATEWAY_DEDUPLICATE=os.environ.get("TIMETABLE_LOAD_DEDUPLICATE", "true"),
    )
    port = _free_port()
    process = await asyncio.to_thread(_start_dev, env, port, log)
    try:
        limits = httpx.Limits(max_connections=CLIENTS + 10, max_keepalive_connections=CLIENTS + 10)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=60
        ) as client:
            yield ServedDev(client=client, mailbox=settings.data_dir / "mailbox", env=env)
    finally:
        await asyncio.to_thread(_stop, process)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
async def test_timetable_latency_with_concurrent_clients(
    database: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    record_property: Callable[[str, object], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings: Settings = request.getfixturevalue(f"{database}_settings")
    async with served_dev(settings, tmp_path / "lms-dev.log") as dev:
        # given a student enrolled in 8 sections, set up through the gateway
        term = await set_up_term(dev, sections=SECTIONS)
        await enrol(dev, term, term.sections)
        body = {"query": TIMETABLE, "variables": WEEK}
        headers = {"authorization": f"Bearer {term.student_token}"}

        async def ask() -> None:
            response = await dev.client.post("/graphql", json=body, headers=headers)
            assert response.status_code == 200, response.text
            answer = response.json()
            assert "errors" not in answer, answer["errors"]
            assert len(answer["data"]["me"]["timetable"]) == 2 * SECTIONS

        for _ in range(WARM_UP):
            await ask()

        # when 1, 10 and then 50 clients ask for the week without pause
        url = str(dev.client.base_url)
        rounds = {
            clients: await drive(Load(url, body, headers, clients=clients, requests=REQUESTS))
            for clients in ROUNDS
        }

    # then every answer was whole; the latencies are reported
    for clients, (seconds, wall) in rounds.items():
        latencies = [value * 1000 for value in seconds]
        figures = {
            "requests": len(latencies),
            "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(_percentile(latencies, 0.95), 1),
            "p99_ms": round(_percentile(latencies, 0.99), 1),
            "max_ms": round(max(latencies), 1),
            "requests_per_second": round(len(latencies) / wall, 1),
        }
        for name, value in figures.items():
            record_property(f"{clients}_clients_{name}", value)
        with capsys.disabled():
            print(f"\ntimetable, {database}, {clients} clients, {SECTIONS} sections: {figures}")
        assert figures["requests"] == REQUESTS
