"""Kafka topics, declared in code: one topic per domain family.

Every event type maps to a topic through its domain (``course.created`` →
``lms.course``). The partition key is the event's tenant (the college), or
its subject for platform-level events, so one college's events keep their
order. ``lms topics --create`` (or :func:`ensure_topics`) creates the
declared topics that are missing; it is idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from shared.config import Settings
from shared.events.envelope import Event
from shared.events.errors import EventBusUnavailable, TopicError, UnknownEventType

__all__ = [
    "PLATFORM_TOPICS",
    "TopicSpec",
    "ensure_topics",
    "list_topics",
    "partition_key",
    "topic_for",
]

_DAY_MS = 24 * 60 * 60 * 1000
_TOPIC_ALREADY_EXISTS = 36


@dataclass(frozen=True, kw_only=True)
class TopicSpec:
    """A topic, its size and retention, and the event domains routed to it."""

    name: str
    partitions: int
    retention_ms: int
    replication_factor: int = 1
    domains: tuple[str, ...] = ()

    @property
    def retention_days(self) -> float:
        return self.retention_ms / _DAY_MS


def _spec(
    domain: str, *, partitions: int = 6, days: int = 7, also: tuple[str, ...] = ()
) -> TopicSpec:
    """The topic ``lms.<domain>``; ``also`` routes more domains to it (kept in one order)."""
    return TopicSpec(
        name=f"lms.{domain}",
        partitions=partitions,
        retention_ms=days * _DAY_MS,
        domains=(domain, *also),
    )


PLATFORM_TOPICS: tuple[TopicSpec, ...] = (
    _spec("college", partitions=3, days=30),
    _spec("user", partitions=6, days=14, also=("role",)),  # role changes ride with accounts
    _spec("profile", partitions=6, days=7),
    _spec("course", partitions=6, days=14, also=("section",)),  # sections ride with courses
    _spec("enrollment", partitions=12, days=14),
    _spec("assignment", partitions=6, days=14),
    _spec("submission", partitions=12, days=14),
    _spec("grade", partitions=12, days=30),
    _spec("note", partitions=6, days=7),
    _spec("chat", partitions=12, days=3),
    _spec("notification", partitions=12, days=3),
    _spec("report", partitions=3, days=7),
    _spec("audit", partitions=6, days=90),
)
"""The platform's topics: one per domain family, partitions sized by expected volume."""


def topic_for(event_type: str, *, topics: Sequence[TopicSpec] = PLATFORM_TOPICS) -> str:
    """The topic an event type is published to; :class:`UnknownEventType` if undeclared."""
    domain = event_type.split(".", 1)[0]
    for spec in topics:
        if domain in spec.domains:
            return spec.name
    raise UnknownEventType(
        f"no topic declared for event type {event_type!r} (domain {domain!r}): "
        "add the domain to a TopicSpec in shared/events/topics.py"
    )


def partition_key(event: Event) -> str:
    """The tenant (college), or the subject for events without one."""
    return event.tenant if event.tenant is not None else event.subject


def _admin(settings: Settings) -> AIOKafkaAdminClient:
    return AIOKafkaAdminClient(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id=f"{settings.kafka_client_id}-admin",
        request_timeout_ms=10_000,
    )


async def _started_admin(settings: Settings) -> AIOKafkaAdminClient:
    admin = _admin(settings)
    try:
        await admin.start()
    except Exception as exc:
        await admin.close()
        raise EventBusUnavailable(kafka_unreachable(settings.kafka_bootstrap_servers, exc)) from exc
    return admin


async def list_topics(settings: Settings) -> list[str]:
    """Names of the topics present on the broker, sorted."""
    admin = await _started_admin(settings)
    try:
        return sorted(await admin.list_topics())
    finally:
        await admin.close()


async def ensure_topics(
    settings: Settings, specs: Iterable[TopicSpec] = PLATFORM_TOPICS
) -> list[str]:
    """Create the declared topics missing on the broker; return the names created."""
    wanted = list(specs)
    admin = await _started_admin(settings)
    try:
        present = set(await admin.list_topics())
        missing = [spec for spec in wanted if spec.name not in present]
        if not missing:
            return []
        response = await admin.create_topics(
            [
                NewTopic(
                    spec.name,
                    spec.partitions,
                    spec.replication_factor,
                    topic_configs={"retention.ms": str(spec.retention_ms)},
                )
                for spec in missing
            ]
        )
        created: list[str] = []
        for name, code, message in response.topic_errors:
            if code == 0:
                created.append(name)
            elif code != _TOPIC_ALREADY_EXISTS:  # created concurrently: fine
                raise TopicError(f"cannot create topic {name}: error {code} {message or ''}")
        return sorted(created)
    finally:
        await admin.close()


def kafka_unreachable(servers: str, exc: BaseException) -> str:
    """The one-line message for a broker that cannot be reached."""
    lines = str(exc).strip().splitlines()
    reason = lines[0] if lines else type(exc).__name__
    return f"kafka unreachable at {servers}: {reason} (check LMS_KAFKA_BOOTSTRAP_SERVERS)"
