"""Bus behaviour, the same tests on the in-memory bus and on a real Kafka broker."""

from __future__ import annotations

import asyncio
import socket
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable

import pytest

from shared.config import Settings
from shared.events import (
    Event,
    EventBus,
    EventBusUnavailable,
    InMemoryBus,
    KafkaBus,
    PublishError,
    TopicSpec,
    UnknownEventType,
    create_event_bus,
    ensure_topics,
)
from tests.outbox_service import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture(params=["memory", "kafka"])
async def bus(
    request: pytest.FixtureRequest, test_topics: tuple[TopicSpec, ...]
) -> AsyncIterator[EventBus]:
    bus: EventBus
    if request.param == "memory":
        bus = InMemoryBus(topics=test_topics, retry_initial=0.01, retry_max=0.05)
    else:
        settings: Settings = request.getfixturevalue("kafka_settings")
        await ensure_topics(settings, test_topics)
        bus = KafkaBus.from_settings(
            settings,
            topics=test_topics,
            retry_initial=0.01,
            retry_max=0.05,
            publish_timeout=5,
            session_timeout=2,
        )
    await bus.start()
    yield bus
    await bus.close()


def course_event(tenant: str, n: int) -> Event:
    return Event.new(
        type="course.updated", source="courses", tenant=tenant, subject=f"c{n}", data={"n": n}
    )


async def test_subscriber_gets_every_event_in_order_per_tenant(
    bus: EventBus, test_topics: tuple[TopicSpec, ...]
) -> None:
    # given events of three colleges, published before anyone subscribed
    events = [course_event(f"college-{n % 3}", n) for n in range(30)]
    await bus.publish(events)
    seen: list[Event] = []

    async def handle(event: Event) -> None:
        seen.append(event)

    # when a group subscribes (it starts from the earliest event)
    bus.subscribe(topics=[test_topics[0].name], group="g1", handler=handle)
    await wait_until(lambda: len(seen) >= 30)
    # then each event arrived once, each college's events in publication order
    assert sorted(e.id for e in seen) == sorted(e.id for e in events)
    for tenant in {e.tenant for e in events}:
        assert [e.data["n"] for e in seen if e.tenant == tenant] == [
            e.data["n"] for e in events if e.tenant == tenant
        ]


async def test_members_share_a_group_and_every_group_gets_everything(
    bus: EventBus, test_topics: tuple[TopicSpec, ...]
) -> None:
    topic = test_topics[0].name
    handled: dict[str, list[str]] = defaultdict(list)

    def recorder(member: str) -> Callable[[Event], asyncio.Future[None]]:
        async def handle(event: Event) -> None:
            handled[member].append(event.id)

        return handle  # type: ignore[return-value]

    # given a group of two members and another group of one
    a1 = bus.subscribe(topics=[topic], group="a", handler=recorder("a1"))
    await asyncio.wait_for(a1.wait_ready(), 30)
    a2 = bus.subscribe(topics=[topic], group="a", handler=recorder("a2"))
    b1 = bus.subscribe(topics=[topic], group="b", handler=recorder("b1"))
    for member in (a2, b1, a1):
        await asyncio.wait_for(member.wait_ready(), 30)
    # when 60 events of 20 colleges are published
    events = [course_event(f"college-{n % 20}", n) for n in range(60)]
    await bus.publish(events)
    await wait_until(lambda: len(handled["a1"]) + len(handled["a2"]) >= 60)
    await wait_until(lambda: len(handled["b1"]) >= 60)
    await asyncio.sleep(0.3)
    # then group a handled each event once, split over both members; group b got all
    ids = sorted(e.id for e in events)
    assert sorted(handled["a1"] + handled["a2"]) == ids
    assert handled["a1"]
    assert handled["a2"]
    assert sorted(handled["b1"]) == ids


async def test_failing_handler_is_retried_and_offset_not_committed(
    bus: EventBus, test_topics: tuple[TopicSpec, ...]
) -> None:
    topic = test_topics[0].name
    attempts: Counter[str] = Counter()
    done: list[int] = []

    async def flaky(event: Event) -> None:
        attempts[event.id] += 1
        if event.data["n"] == 0 and attempts[event.id] <= 3:
            raise RuntimeError("database hiccup")
        done.append(event.data["n"])

    # given a handler failing three times on the first event
    first = [course_event("college-1", 0), course_event("college-1", 1)]
    await bus.publish(first)
    subscription = bus.subscribe(topics=[topic], group="g", handler=flaky)
    # then it is retried until it succeeds, and the next event waits for it
    await wait_until(lambda: done == [0, 1])
    assert attempts[first[0].id] == 4
    # when the member leaves and a new member of the group joins
    await subscription.stop()
    later: list[int] = []

    async def record(event: Event) -> None:
        later.append(event.data["n"])

    bus.subscribe(topics=[topic], group="g", handler=record)
    await bus.publish([course_event("college-1", 2)])
    await wait_until(lambda: 2 in later)
    # then it resumes after the committed events
    assert later == [2]


async def test_publish_routes_by_domain_and_rejects_unknown(
    bus: EventBus, test_topics: tuple[TopicSpec, ...]
) -> None:
    users: list[str] = []

    async def handle(event: Event) -> None:
        users.append(event.type)

    bus.subscribe(topics=[test_topics[1].name], group="u", handler=handle)
    await bus.publish(
        [
            Event.new(type="user.created", source="identity", tenant=None, subject="u1"),
            course_event("college-1", 1),
        ]
    )
    await wait_until(lambda: len(users) >= 1)
    await asyncio.sleep(0.2)
    assert users == ["user.created"]
    with pytest.raises(UnknownEventType):
        await bus.publish([Event.new(type="rocket.launched", source="x", subject="r")])
    await bus.ping()


def _dead_address() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{sock.getsockname()[1]}"


async def test_unreachable_kafka_fails_with_one_line_naming_the_setting(
    sqlite_settings: Settings,
) -> None:
    address = _dead_address()
    settings = sqlite_settings.with_overrides(
        events_backend="kafka", kafka_bootstrap_servers=address
    )
    bus = create_event_bus(settings)
    assert isinstance(bus, KafkaBus)
    try:
        with pytest.raises(EventBusUnavailable) as ping_error:
            await bus.ping()
        message = str(ping_error.value)
        assert "\n" not in message
        assert address in message
        assert "LMS_KAFKA_BOOTSTRAP_SERVERS" in message
        with pytest.raises(PublishError, match="LMS_KAFKA_BOOTSTRAP_SERVERS"):
            await bus.publish([course_event("college-1", 1)])
    finally:
        await bus.close()


async def test_memory_bus_is_the_default_and_refuses_after_close(
    sqlite_settings: Settings,
) -> None:
    bus = create_event_bus(sqlite_settings)
    assert isinstance(bus, InMemoryBus)
    await bus.ping()
    await bus.close()
    with pytest.raises(EventBusUnavailable, match="LMS_EVENTS_BACKEND"):
        await bus.ping()
    with pytest.raises(PublishError):
        await bus.publish([course_event("college-1", 1)])
