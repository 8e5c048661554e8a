"""The event bus interface, and the factory choosing its implementation.

Delivery is at-least-once: a subscriber's position advances only after its
handler returns; a handler that raises gets the same event again, after a
back-off, until it succeeds. Within one consumer group each event is handled
by one member; every group gets every event. Make handlers idempotent (see
:class:`~shared.events.consumer.IdempotentConsumer`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from shared.config import Settings
from shared.events.envelope import Event
from shared.events.topics import PLATFORM_TOPICS, TopicSpec

__all__ = ["EventBus", "Handler", "Subscription", "create_event_bus"]

Handler = Callable[[Event], Awaitable[None]]
"""An event handler: ``async def handle(event: Event) -> None``."""


class Subscription(Protocol):
    """One member of a consumer group, delivering events to a handler in the background."""

    @property
    def group(self) -> str: ...

    @property
    def topics(self) -> tuple[str, ...]: ...

    async def wait_ready(self) -> None:
        """Return once the member has joined its group and holds its share of partitions.

        Bound the wait with ``asyncio.timeout``.
        """
        ...

    async def stop(self) -> None:
        """Leave the group; an event being handled is not committed and will be redelivered."""
        ...


class EventBus(Protocol):
    """Publishes events to topics and delivers them to consumer groups."""

    async def start(self) -> None:
        """Connect; publishing also connects lazily, so a failure here is not fatal."""
        ...

    async def publish(self, events: Sequence[Event]) -> None:
        """Return once every event is acknowledged; raise ``PublishError`` otherwise."""
        ...

    def subscribe(self, *, topics: Sequence[str], group: str, handler: Handler) -> Subscription:
        """Join consumer ``group`` on ``topics``; ``handler`` is called for each event."""
        ...

    async def ping(self) -> None:
        """Raise ``EventBusUnavailable`` (one line naming the setting) if unusable."""
        ...

    async def close(self) -> None:
        """Stop every subscription and disconnect."""
        ...


def create_event_bus(
    settings: Settings, *, topics: Sequence[TopicSpec] = PLATFORM_TOPICS
) -> EventBus:
    """The bus ``LMS_EVENTS_BACKEND`` selects: in-memory or Kafka."""
    if settings.events_backend == "kafka":
        from shared.events.kafka import KafkaBus

        return KafkaBus.from_settings(settings, topics=topics)
    from shared.events.memory import InMemoryBus

    return InMemoryBus(topics=topics)
