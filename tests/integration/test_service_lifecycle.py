"""A service's start-up hook and background tasks, on a real (embedded) platform."""

from __future__ import annotations

import asyncio
from pathlib import Path

import strawberry
from sqlalchemy import MetaData

from shared.config import Settings
from shared.graphql import build_subgraph_schema
from shared.runtime import Platform
from shared.service import Service, ServiceSpec, TaskSpec


@strawberry.type
class _Query:
    ping: str = "pong"


def _schema(service: Service) -> strawberry.Schema:
    return build_subgraph_schema(query=_Query)


def _spec(migrations_dir: Path, **hooks: object) -> ServiceSpec:
    """A service with no tables (an empty migrations folder) and the given hooks."""
    return ServiceSpec(
        name="lifecycle",
        metadata=MetaData(),
        migrations_dir=migrations_dir,
        schema=_schema,
        **hooks,  # type: ignore[arg-type]
    )


async def test_on_start_runs_once_before_the_tasks(
    sqlite_settings: Settings, tmp_path: Path
) -> None:
    # given a service recording its start-up hook and its task, in order
    seen: list[str] = []
    task_ran = asyncio.Event()

    async def on_start(service: Service) -> None:
        seen.append(f"start {service.name}")

    async def worker(service: Service) -> None:
        seen.append("task")
        task_ran.set()
        await asyncio.Event().wait()  # a worker runs until the service stops

    platform = Platform.from_settings(sqlite_settings)
    platform.add(_spec(tmp_path, on_start=on_start, tasks=(TaskSpec(name="worker", run=worker),)))
    # when the platform starts, then stops
    await platform.start()
    try:
        async with asyncio.timeout(5):
            await task_ran.wait()
    finally:
        await platform.close()
    # then the hook ran once, before the task
    assert seen == ["start lifecycle", "task"]


async def test_a_failing_task_is_restarted(sqlite_settings: Settings, tmp_path: Path) -> None:
    # given a task that fails on its first two runs and then keeps running
    runs = 0
    steady = asyncio.Event()

    async def flaky(service: Service) -> None:
        nonlocal runs
        runs += 1
        if runs < 3:
            raise RuntimeError(f"run {runs} fails")
        steady.set()
        await asyncio.Event().wait()

    platform = Platform.from_settings(sqlite_settings)
    platform.add(_spec(tmp_path, tasks=(TaskSpec(name="flaky", run=flaky, restart_delay=0.01),)))
    # when the platform runs
    await platform.start()
    try:
        async with asyncio.timeout(5):
            await steady.wait()
    finally:
        await platform.close()
    # then the task was started again after each failure
    assert runs == 3


async def test_stopping_cancels_the_tasks(sqlite_settings: Settings, tmp_path: Path) -> None:
    # given a running task
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def worker(service: Service) -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    platform = Platform.from_settings(sqlite_settings)
    platform.add(_spec(tmp_path, tasks=(TaskSpec(name="worker", run=worker),)))
    await platform.start()
    async with asyncio.timeout(5):
        await started.wait()
    # when the platform closes
    await platform.close()
    # then the task was cancelled
    assert cancelled.is_set()
