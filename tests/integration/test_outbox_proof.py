"""The outbox proof: with the bus down, committed events wait and none is lost or doubled.

Run on PostgreSQL with a real Kafka broker (stopped and restarted), and on
SQLite with the in-memory bus (publishing switched off).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import insert, update

from shared.config import Settings
from shared.db import Database, create_database
from shared.events import (
    Event,
    EventBus,
    IdempotentConsumer,
    InMemoryBus,
    KafkaBus,
    OutboxRelay,
    TopicSpec,
    emit,
    ensure_topics,
)
from tests.fixtures.kafka import KafkaBroker
from tests.outbox_service import (
    SwitchableBus,
    applied_ids,
    apply,
    course,
    create_tables,
    outbox,
    outbox_count,
    processed,
    wait_until,
)

pytestmark = pytest.mark.integration


@dataclass
class Stack:
    db: Database
    bus: EventBus
    outage: Callable[[], Awaitable[None]]
    recovery: Callable[[], Awaitable[None]]


@pytest.fixture(params=["sqlite+memory", "postgres+kafka"])
async def stack(
    request: pytest.FixtureRequest, test_topics: tuple[TopicSpec, ...]
) -> AsyncIterator[Stack]:
    if request.param == "sqlite+memory":
        settings: Settings = request.getfixturevalue("sqlite_settings")
        switch = SwitchableBus(InMemoryBus(topics=test_topics, retry_initial=0.01))

        async def memory_down() -> None:
            switch.down = True

        async def memory_up() -> None:
            switch.down = False

        bus: EventBus = switch
        outage, recovery = memory_down, memory_up
    else:
        settings = request.getfixturevalue("postgres_settings")
        kafka: Settings = request.getfixturevalue("kafka_settings")
        broker: KafkaBroker = request.getfixturevalue("kafka_broker")
        await ensure_topics(kafka, test_topics)
        bus = KafkaBus.from_settings(
            kafka, topics=test_topics, publish_timeout=1.0, session_timeout=2.0,
            retry_initial=0.05, retry_max=0.5,
        )  # fmt: skip

        async def kafka_down() -> None:
            broker.stop()

        async def kafka_up() -> None:
            broker.start()
            await ensure_topics(kafka, test_topics)  # the broker keeps topics in memory

        outage, recovery = kafka_down, kafka_up
    db = create_database(settings, "courses")
    await create_tables(db)
    await bus.start()
    try:
        yield Stack(db, bus, outage, recovery)
    finally:
        await bus.close()
        await db.drop()


async def create_course(stack: Stack, relay: OutboxRelay, title: str) -> Event:
    course_id = str(uuid.uuid4())
    event = Event.new(
        type="course.created", source="courses", tenant="college-1", subject=course_id,
        data={"course_id": course_id, "title": title},
    )  # fmt: skip
    async with stack.db.transaction() as session:
        await session.execute(insert(course).values(id=course_id, title=title))
        await emit(session, event, table=outbox, topics=_topics(stack), on_commit=relay.notify)
    return event


def _topics(stack: Stack) -> tuple[TopicSpec, ...]:
    bus = stack.bus.inner if isinstance(stack.bus, SwitchableBus) else stack.bus
    return bus._topics  # type: ignore[attr-defined, no-any-return]


async def test_events_wait_out_an_outage_and_apply_exactly_once(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="shared.events.outbox")
    relay = OutboxRelay(stack.db, outbox, stack.bus, batch_size=3, poll_interval=0.05,
                        max_backoff=0.3, initial_backoff=0.05)  # fmt: skip
    # given the bus is down and the relay is running
    await stack.outage()
    runner = asyncio.create_task(relay.run())
    # when five transactions commit a change with its event, and one rolls back
    committed = [await create_course(stack, relay, f"course {n}") for n in range(5)]
    lost = Event.new(type="course.created", source="courses", subject="x", data={"course_id": "x"})

    async def doomed() -> None:
        async with stack.db.transaction() as session:
            await session.execute(insert(course).values(id="x", title="doomed"))
            await emit(session, lost, table=outbox, topics=_topics(stack))
            raise RuntimeError("validation failed")

    with pytest.raises(RuntimeError):
        await doomed()
    # then the events wait in the outbox while the relay fails and backs off
    await wait_until(lambda: any("cannot publish" in r.message for r in caplog.records))
    await asyncio.sleep(1.0)  # several more failed attempts
    assert await relay.pending() == 5
    assert await outbox_count(stack.db) == 5
    warnings = [
        r for r in caplog.records
        if r.name == "shared.events.outbox" and r.levelno >= logging.WARNING
    ]  # fmt: skip
    assert len(warnings) == 1, [r.message for r in warnings]
    assert "\n" not in warnings[0].getMessage()

    # when the bus comes back, with an idempotent consumer subscribed
    await stack.recovery()
    consumer = IdempotentConsumer(stack.db, processed, name="catalog", handler=apply)
    stack.bus.subscribe(topics=[_topics(stack)[0].name], group="catalog", handler=consumer)

    async def drained() -> bool:
        return await relay.pending() == 0

    await wait_until(drained)

    async def all_applied() -> bool:
        return len(await applied_ids(stack.db)) >= 5

    await wait_until(all_applied)
    # and every event is delivered again: a relay run over unmarked rows, and a re-publish
    async with stack.db.transaction() as session:
        await session.execute(update(outbox).values(published_at=None))
    relay.notify()
    await wait_until(drained)
    await stack.bus.publish(committed)

    async def redeliveries_seen() -> bool:
        return consumer.skipped >= 10

    await wait_until(redeliveries_seen)
    relay.stop()
    await asyncio.wait_for(runner, 5)
    # then each committed event was applied exactly once; the rolled-back one never existed
    ids = await applied_ids(stack.db)
    assert sorted(ids) == sorted(e.id for e in committed)
    assert lost.id not in ids
