"""Outbox relay behaviour on both databases: order, notify, failures, purge, concurrency."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Sequence
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select, update

from shared.config import Settings
from shared.db import Database, create_database
from shared.db.migrations import Migrations
from shared.events import Event, IdempotentConsumer, InMemoryBus, OutboxRelay, emit
from tests.outbox_service import (
    Base,
    SwitchableBus,
    applied_ids,
    apply,
    course,
    create_tables,
    outbox,
    processed,
    wait_until,
)

pytestmark = pytest.mark.integration


@pytest.fixture
async def db(db_settings: Settings) -> AsyncIterator[Database]:
    database = create_database(db_settings, "courses")
    await create_tables(database)
    yield database
    await database.drop()


@pytest.fixture
async def bus() -> AsyncIterator[InMemoryBus]:
    bus = InMemoryBus(retry_initial=0.01)
    yield bus
    await bus.close()


def course_event(n: int) -> Event:
    course_id = str(uuid.uuid4())
    return Event.new(
        type="course.created", source="courses", tenant=f"college-{n % 4}", subject=course_id,
        data={"course_id": course_id, "n": n},
    )  # fmt: skip


async def commit_events(db: Database, events: Sequence[Event], **emit_options: object) -> None:
    async with db.transaction() as session:
        for event in events:
            await session.execute(
                insert(course).values(id=event.data["course_id"], title=str(event.data["n"]))
            )
            await emit(session, event, table=outbox, **emit_options)  # type: ignore[arg-type]


async def _is_zero(count: Awaitable[int]) -> bool:
    return await count == 0


def collect(bus: InMemoryBus, group: str = "probe") -> list[Event]:
    seen: list[Event] = []

    async def handle(event: Event) -> None:
        seen.append(event)

    bus.subscribe(topics=["lms.course"], group=group, handler=handle)
    return seen


async def test_run_once_publishes_in_id_order_and_marks_published(
    db: Database, bus: InMemoryBus
) -> None:
    events = [course_event(n) for n in range(7)]
    await commit_events(db, events)
    relay = OutboxRelay(db, outbox, bus, batch_size=5)
    seen = collect(bus)
    assert await relay.pending() == 7
    assert await relay.run_once() == 5
    assert await relay.run_once() == 2
    assert await relay.run_once() == 0
    await asyncio.sleep(0.05)
    assert [e.id for e in seen] == [e.id for e in events]
    assert await relay.pending() == 0
    async with db.session() as session:
        rows = (await session.execute(select(outbox.c.attempts, outbox.c.topic))).all()
    assert {(r.attempts, r.topic) for r in rows} == {(1, "lms.course")}


async def test_notify_on_commit_wakes_the_relay_before_its_poll(
    db: Database, bus: InMemoryBus
) -> None:
    relay = OutboxRelay(db, outbox, bus, poll_interval=30.0)
    seen = collect(bus)
    runner = asyncio.create_task(relay.run())
    await asyncio.sleep(0.1)  # the relay is idle, waiting out its 30 s poll
    started = time.monotonic()
    await commit_events(db, [course_event(1)], on_commit=relay.notify)
    await wait_until(lambda: bool(seen), within=5, every=0.005)
    assert time.monotonic() - started < 1.0
    relay.stop()
    await asyncio.wait_for(runner, 5)


async def test_failures_back_off_record_the_error_and_warn_once(
    db: Database, bus: InMemoryBus, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="shared.events.outbox")
    switch = SwitchableBus(bus)
    switch.down = True
    relay = OutboxRelay(db, outbox, switch, poll_interval=0.01, max_backoff=0.05,
                        initial_backoff=0.01)  # fmt: skip
    await commit_events(db, [course_event(1), course_event(2)])
    runner = asyncio.create_task(relay.run())

    async def retried_five_times() -> bool:
        async with db.session() as session:
            attempts = await session.scalar(select(outbox.c.attempts).limit(1))
        return attempts is not None and attempts >= 5

    await wait_until(retried_five_times, within=10)
    async with db.session() as session:
        error = await session.scalar(select(outbox.c.last_error).limit(1))
    assert error is not None
    assert "bus down" in error
    switch.down = False
    await wait_until(lambda: _is_zero(relay.pending()), within=10)
    relay.stop()
    await asyncio.wait_for(runner, 5)
    records = [r for r in caplog.records if r.name == "shared.events.outbox"]
    assert [r.levelname for r in records] == ["WARNING", "INFO"]
    assert "2 pending" in records[0].getMessage()
    assert "recovered" in records[1].getMessage()


async def test_purge_removes_only_old_published_rows(db: Database, bus: InMemoryBus) -> None:
    await commit_events(db, [course_event(n) for n in range(3)])
    relay = OutboxRelay(db, outbox, bus)
    await relay.run_once()
    await commit_events(db, [course_event(9)])
    assert await relay.purge(timedelta(days=1)) == 0
    assert await relay.purge(timedelta(seconds=-1)) == 3
    assert await relay.pending() == 1


async def test_idempotent_consumer_applies_once_and_retries_after_failure(
    db: Database,
) -> None:
    failures = 1

    async def apply_or_fail(session: object, event: Event) -> None:
        nonlocal failures
        await apply(session, event)  # type: ignore[arg-type]
        if failures:
            failures -= 1
            raise RuntimeError("downstream hiccup")

    event = course_event(1)
    await commit_events(db, [event])
    consumer = IdempotentConsumer(db, processed, name="catalog", handler=apply_or_fail)
    with pytest.raises(RuntimeError):
        await consumer(event)  # rolled back: neither the effect nor the processed id stay
    assert await applied_ids(db) == []
    await consumer(event)
    await consumer(event)
    assert await applied_ids(db) == [event.id]
    assert consumer.skipped == 1
    other = IdempotentConsumer(db, processed, name="search", handler=apply)
    await other(event)  # another consumer has its own record
    assert await applied_ids(db) == [event.id, event.id]
    assert await consumer.purge(timedelta(seconds=-1)) == 1


async def test_outbox_tables_are_part_of_the_services_migrations(
    db_settings: Settings, tmp_path: Path
) -> None:
    database = create_database(db_settings, "migrated")
    migrations = Migrations(database, Base.metadata, tmp_path / "versions")
    try:
        await migrations.revision("initial")
        await migrations.upgrade()
        relay = OutboxRelay(database, outbox, InMemoryBus())
        assert await relay.pending() == 0
        source = "".join(p.read_text() for p in (tmp_path / "versions").glob("*.py"))
        assert "event_outbox" in source
        assert "processed_event" in source
    finally:
        await database.drop()


async def test_two_relays_on_postgres_publish_each_event_once(
    postgres_settings: Settings,
) -> None:
    database = create_database(postgres_settings, "courses")
    await create_tables(database)
    bus = InMemoryBus(max_retained=100_000)
    try:
        events = [course_event(n) for n in range(600)]
        for start in range(0, 600, 100):
            await commit_events(database, events[start : start + 100])
        seen = collect(bus)

        class SlowBus(SwitchableBus):
            async def publish(self, batch: Sequence[Event]) -> None:
                await asyncio.sleep(0.01)  # hold the row locks while "on the network"
                await super().publish(batch)

        relays = [OutboxRelay(database, outbox, SlowBus(bus), batch_size=25) for _ in range(2)]
        runs = [asyncio.create_task(r.run()) for r in relays]
        await wait_until(lambda: len(seen) >= 600)
        await wait_until(lambda: _is_zero(relays[0].pending()))
        for relay in relays:
            relay.stop()
        await asyncio.gather(*runs)
        counts = Counter(e.id for e in seen)
        assert set(counts) == {e.id for e in events}
        assert set(counts.values()) == {1}
        assert all(r.published > 0 for r in relays)
        assert sum(r.published for r in relays) == 600
        async with database.transaction() as session:  # nothing left unmarked
            result = await session.execute(
                update(outbox).where(outbox.c.published_at.is_(None)).values(attempts=0)
            )
        assert result.rowcount == 0  # type: ignore[attr-defined]
    finally:
        await bus.close()
        await database.drop()
