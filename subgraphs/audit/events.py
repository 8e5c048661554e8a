"""Events of the audit service: it publishes none and consumes every platform topic."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import PLATFORM_TOPICS, Event, IdempotentConsumer
from shared.service import ConsumerSpec
from subgraphs.audit import models, service

if TYPE_CHECKING:
    from shared.service import Service

__all__ = ["CONSUMERS", "recorder"]

CONSUMER_NAME = "recorder"


async def _record(session: AsyncSession, event: Event) -> None:
    await service.record_event(session, event)


def recorder(running: Service) -> IdempotentConsumer:
    """Records each event once, however often it is delivered."""
    return IdempotentConsumer(
        running.database, models.processed_events, name=CONSUMER_NAME, handler=_record
    )


CONSUMERS = (
    ConsumerSpec(
        name=CONSUMER_NAME,
        topics=tuple(topic.name for topic in PLATFORM_TOPICS if topic.name != "lms.audit"),
        handler=recorder,
    ),
)
