"""Driving wrk with ``post.lua`` and reading its result."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Load", "Measurement", "parse_output", "run_wrk"]

SCRIPT = Path(__file__).resolve().parent / "post.lua"
MARKER = "BENCH_JSON "


@dataclass(frozen=True)
class Load:
    """How hard and how long wrk drives a server."""

    connections: int = 32
    threads: int = 2
    duration: float = 15.0
    timeout: float = 5.0


@dataclass(frozen=True)
class Measurement:
    """One wrk run: throughput, latency percentiles (ms) and failed requests."""

    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    failed: int

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "requests_per_second": round(self.requests_per_second, 1),
            "p50_ms": self.p50_ms,
            "p95_ms": self.p95_ms,
            "p99_ms": self.p99_ms,
            "mean_ms": self.mean_ms,
            "failed": self.failed,
        }


def parse_output(stdout: str) -> Measurement:
    """The measurement in the ``BENCH_JSON`` line ``post.lua`` prints."""
    line = next((line for line in stdout.splitlines() if line.startswith(MARKER)), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{stdout[-2000:]}")
    raw = json.loads(line[len(MARKER) :])
    latency = raw["latency_us"]
    socket_errors = sum(raw["socket_errors"].values())
    return Measurement(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1_000_000,
        p50_ms=latency["p50"] / 1000,
        p95_ms=latency["p95"] / 1000,
        p99_ms=latency["p99"] / 1000,
        mean_ms=round(latency["mean"] / 1000, 3),
        failed=max(raw["invalid"], raw["status_errors"]) + socket_errors,
    )


def run_wrk(
    url: str, body: Mapping[str, Any], load: Load, *, headers: Mapping[str, str] | None = None
) -> Measurement:
    """POST ``body`` to ``url`` for ``load.duration`` seconds and measure."""
    env = {
        **os.environ,
        "BENCH_BODY": json.dumps(body),
        "BENCH_AUTHORIZATION": (headers or {}).get("Authorization", ""),
    }
    argv = [
        "wrk",
        f"-t{load.threads}",
        f"-c{load.connections}",
        f"-d{load.duration:g}s",
        f"--timeout={load.timeout:g}s",
        "-s",
        str(SCRIPT),
        url,
    ]
    result = subprocess.run(
        argv, capture_output=True, text=True, env=env, timeout=load.duration + 60, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed ({result.returncode}):\n{result.stderr}")
    return parse_output(result.stdout)
