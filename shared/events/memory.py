"""The in-process event bus of the embedded mode, with the Kafka bus's semantics.

Each topic is an append-only log (the newest ``max_retained`` events are
kept). Each consumer group has its own committed position per topic and one
dispatcher per topic that hands events, in order, to one member of the group
(chosen by partition key, so one tenant's events go to one member). The
position advances only after the handler returns; a failing handler gets the
same event again after a back-off. A group joining late starts from the
oldest retained event, like Kafka's ``auto_offset_reset=earliest``.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from shared.events._backoff import Backoff
from shared.events._delivery import deliver
from shared.events.bus import Handler
from shared.events.envelope import Event
from shared.events.errors import EventBusUnavailable, PublishError
from shared.events.topics import PLATFORM_TOPICS, TopicSpec, partition_key, topic_for

__all__ = ["InMemoryBus", "InMemorySubscription"]


@dataclass
class _Log:
    events: list[Event] = field(default_factory=list)
    start: int = 0  # offset of events[0]
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    @property
    def end(self) -> int:
        return self.start + len(self.events)


class InMemorySubscription:
    """One member of a consumer group on the in-memory bus."""

    def __init__(
        self, bus: InMemoryBus, *, topics: tuple[str, ...], group: str, handler: Handler
    ) -> None:
        self._bus = bus
        self._topics = topics
        self._group = group
        self.handler = handler

    @property
    def group(self) -> str:
        return self._group

    @property
    def topics(self) -> tuple[str, ...]:
        return self._topics

    async def wait_ready(self) -> None:
        return None

    async def stop(self) -> None:
        await self._bus._leave(self)


class InMemoryBus:
    """Event bus inside one process; nothing survives a restart (use the outbox)."""

    def __init__(
        self,
        *,
        topics: Sequence[TopicSpec] = PLATFORM_TOPICS,
        max_retained: int = 10_000,
        retry_initial: float = 0.05,
        retry_max: float = 5.0,
    ) -> None:
        self._topics = tuple(topics)
        self._max_retained = max_retained
        self._retry_initial = retry_initial
        self._retry_max = retry_max
        self._logs: dict[str, _Log] = {}
        self._positions: dict[tuple[str, str], int] = {}  # (group, topic) -> next offset
        self._members: dict[tuple[str, str], list[InMemorySubscription]] = {}
        self._dispatchers: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._closed = False

    async def start(self) -> None:
        self._closed = False

    async def publish(self, events: Sequence[Event]) -> None:
        if self._closed:
            raise PublishError("in-memory event bus is closed")
        routed = [(topic_for(event.type, topics=self._topics), event) for event in events]
        for name, event in routed:
            log = self._log(name)
            log.events.append(event)
            overflow = len(log.events) - self._max_retained
            if overflow > 0:
                del log.events[:overflow]
                log.start += overflow
        for name in {name for name, _ in routed}:
            log = self._log(name)
            async with log.changed:
                log.changed.notify_all()

    def subscribe(
        self, *, topics: Sequence[str], group: str, handler: Handler
    ) -> InMemorySubscription:
        if self._closed:
            raise EventBusUnavailable("in-memory event bus is closed")
        subscription = InMemorySubscription(
            self, topics=tuple(topics), group=group, handler=handler
        )
        for topic in subscription.topics:
            self._members.setdefault((group, topic), []).append(subscription)
            self._rebalance(group, topic)
        return subscription

    async def ping(self) -> None:
        if self._closed:
            raise EventBusUnavailable("in-memory event bus is closed (check LMS_EVENTS_BACKEND)")

    async def close(self) -> None:
        self._closed = True
        tasks = list(self._dispatchers.values())
        self._dispatchers.clear()
        self._members.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def position(self, *, group: str, topic: str) -> int:
        """The group's committed offset in ``topic`` (the next event it will get)."""
        return self._positions.get((group, topic), 0)

    # -- internals -------------------------------------------------------------
    def _log(self, topic: str) -> _Log:
        log = self._logs.get(topic)
        if log is None:
            log = self._logs[topic] = _Log()
        return log

    def _rebalance(self, group: str, topic: str) -> None:
        """Restart the group's dispatcher on ``topic``: an in-flight event is redelivered."""
        key = (group, topic)
        old = self._dispatchers.pop(key, None)
        if old is not None:
            old.cancel()
        if self._members.get(key):
            self._dispatchers[key] = asyncio.create_task(
                self._dispatch(group, topic, old), name=f"events:{group}:{topic}"
            )

    async def _leave(self, subscription: InMemorySubscription) -> None:
        stopped: list[asyncio.Task[None]] = []
        for topic in subscription.topics:
            key = (subscription.group, topic)
            members = self._members.get(key, [])
            if subscription in members:
                members.remove(subscription)
            task = self._dispatchers.get(key)
            self._rebalance(subscription.group, topic)
            if task is not None:
                stopped.append(task)
        await asyncio.gather(*stopped, return_exceptions=True)

    async def _dispatch(self, group: str, topic: str, previous: asyncio.Task[None] | None) -> None:
        if previous is not None:
            await asyncio.gather(previous, return_exceptions=True)
        key = (group, topic)
        log = self._log(topic)
        backoff = Backoff(initial=self._retry_initial, maximum=self._retry_max)
        while True:
            position = max(self._positions.get(key, 0), log.start)
            if position >= log.end:
                async with log.changed:
                    await log.changed.wait_for(
                        lambda: max(self._positions.get(key, 0), log.start) < log.end
                    )
                continue
            event = log.events[position - log.start]
            members = self._members[key]
            member = members[zlib.crc32(partition_key(event).encode()) % len(members)]
            await deliver(member.handler, event, group=group, backoff=backoff)
            self._positions[key] = position + 1
