"""A closed-loop HTTP load of GraphQL requests, driven from several processes.

One Python process with many concurrent httpx connections is itself the
bottleneck long before a server is (measured: 50 connections in one process
drove ``lms dev`` at 178 requests/s, the same 50 spread over 5 processes at
388). :func:`drive` therefore spreads the clients over worker processes,
each running its share of clients on its own event loop; every client sends
its next request as soon as the previous answer arrives.
"""

from __future__ import annotations

import asyncio
import math
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx

__all__ = ["CLIENTS_PER_PROCESS", "Load", "drive"]

CLIENTS_PER_PROCESS = 10


@dataclass(frozen=True)
class Load:
    """Requests to send: ``requests`` in all, by ``clients`` concurrent clients."""

    url: str
    body: dict[str, Any]
    headers: dict[str, str]
    clients: int
    requests: int


def _share(load: Load, clients: int, requests: int) -> list[float]:
    """Run ``clients`` of the load in this process; the latency of each request, in seconds."""

    async def run() -> list[float]:
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(base_url=load.url, limits=limits, timeout=60) as http:

            async def client(count: int) -> list[float]:
                latencies = []
                for _ in range(count):
                    started = time.perf_counter()
                    response = await http.post("/graphql", json=load.body, headers=load.headers)
                    latencies.append(time.perf_counter() - started)
                    answer = response.json()
                    if response.status_code != 200 or "errors" in answer:
                        raise RuntimeError(f"bad answer under load: {response.text[:500]}")
                return latencies

            per_client = requests // clients
            runs = await asyncio.gather(*(client(per_client) for _ in range(clients)))
            return [latency for run in runs for latency in run]

    return asyncio.run(run())


async def drive(load: Load) -> tuple[list[float], float]:
    """Every request's latency (seconds) and the wall time of the whole load."""
    processes = math.ceil(load.clients / CLIENTS_PER_PROCESS)
    clients = load.clients // processes
    requests = load.requests // processes
    context = multiprocessing.get_context("spawn")
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
        # start the workers first, so their start-up is not in the measured time
        await asyncio.gather(*(loop.run_in_executor(pool, time.sleep, 0) for _ in range(processes)))
        started = time.perf_counter()
        shares = await asyncio.gather(
            *(loop.run_in_executor(pool, _share, load, clients, requests) for _ in range(processes))
        )
        wall = time.perf_counter() - started
    return [latency for share in shares for latency in share], wall
