"""Relay throughput to a real Kafka broker: 5,000 outbox rows on PostgreSQL, batch 200.

Run: ``.venv/bin/python -m pytest tests/load/test_outbox_throughput.py -s``
prints events/s; the figure is also kept as the test's ``events_per_second``
property (``--junitxml=FILE``). A measurement, not a timing assertion.
"""

from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import insert

from shared.config import Settings
from shared.db import create_database
from shared.events import Event, KafkaBus, OutboxRelay, TopicSpec, ensure_topics
from tests.outbox_service import create_tables, outbox

EVENTS = 5_000
BATCH = 200

pytestmark = pytest.mark.integration


async def test_relay_throughput_to_kafka(
    record_property: pytest.RecordProperty,
    capsys: pytest.CaptureFixture[str],
    postgres_settings: Settings,
    kafka_settings: Settings,
    test_topics: tuple[TopicSpec, ...],
) -> None:
    await ensure_topics(kafka_settings, test_topics)
    db = create_database(postgres_settings, "load")
    await create_tables(db)
    bus = KafkaBus.from_settings(kafka_settings, topics=test_topics)
    await bus.start()
    try:
        events = [
            Event.new(type="course.updated", source="load", tenant=f"college-{n % 50}",
                      subject=str(uuid.uuid4()), data={"n": n, "title": "x" * 100})
            for n in range(EVENTS)
        ]  # fmt: skip
        async with db.transaction() as session:
            await session.execute(
                insert(outbox),
                [
                    {"event_id": e.id, "topic": test_topics[0].name, "key": e.tenant,
                     "payload": e.to_json().decode(), "created_at": e.time, "attempts": 0}
                    for e in events
                ],
            )  # fmt: skip
        relay = OutboxRelay(db, outbox, bus, batch_size=BATCH)
        started = time.perf_counter()
        while await relay.run_once():
            pass
        elapsed = time.perf_counter() - started
        rate = EVENTS / elapsed
        assert relay.published == EVENTS
        assert await relay.pending() == 0
        record_property("events_per_second", round(rate))
        with capsys.disabled():
            print(f"\noutbox relay: {EVENTS} events in {elapsed:.2f}s = {rate:,.0f} events/s")
    finally:
        await bus.close()
        await db.drop()
