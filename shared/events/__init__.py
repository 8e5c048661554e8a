"""Domain events: envelope, bus (in-memory or Kafka), transactional outbox, idempotent consumers.

See ``docs/events.md`` for how a service publishes and consumes events.
"""

from __future__ import annotations

from shared.events.bus import EventBus, Handler, Subscription, create_event_bus
from shared.events.consumer import IdempotentConsumer, SessionHandler, processed_events_table
from shared.events.envelope import Event, EventDecodeError, Origin
from shared.events.errors import EventBusUnavailable, PublishError, TopicError, UnknownEventType
from shared.events.kafka import KafkaBus
from shared.events.memory import InMemoryBus
from shared.events.outbox import OutboxRelay, emit, outbox_table
from shared.events.publisher import OnCommit, OutboxPublisher
from shared.events.topics import (
    PLATFORM_TOPICS,
    TopicSpec,
    ensure_topics,
    list_topics,
    partition_key,
    topic_for,
)

__all__ = [
    "PLATFORM_TOPICS",
    "Event",
    "EventBus",
    "EventBusUnavailable",
    "EventDecodeError",
    "Handler",
    "IdempotentConsumer",
    "InMemoryBus",
    "KafkaBus",
    "OnCommit",
    "Origin",
    "OutboxPublisher",
    "OutboxRelay",
    "PublishError",
    "SessionHandler",
    "Subscription",
    "TopicError",
    "TopicSpec",
    "UnknownEventType",
    "create_event_bus",
    "emit",
    "ensure_topics",
    "list_topics",
    "outbox_table",
    "partition_key",
    "processed_events_table",
    "topic_for",
]
