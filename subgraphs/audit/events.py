"""Events of the audit service: it publishes none and consumes every platform topic."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import PLATFORM_TOPICS, Event, IdempotentConsumer
from shared.service import ConsumerSpec
from subgraphs.audit import models, service

if TYPE_CHECKING:
    from shared.service import Service

__all__ = ["CONSUMERS", "UNRECORDED_TOPICS", "recorder"]

CONSUMER_NAME = "recorder"


async def _record(session: AsyncSession, event: Event) -> None:
    await service.record_event(session, event)


def recorder(running: Service) -> IdempotentConsumer:
    """Records each event once, however often it is delivered."""
    return IdempotentConsumer(
        running.database, models.processed_events, name=CONSUMER_NAME, handler=_record
    )


UNRECORDED_TOPICS = frozenset({"lms.audit", "lms.notification"})
"""Topics the log does not read: its own, and the requests to deliver a message
(an email's text may hold a single-use token, such as an invitation link; the
domain event that caused it, ``user.invited``, is recorded instead)."""

CONSUMERS = (
    ConsumerSpec(
        name=CONSUMER_NAME,
        topics=tuple(t.name for t in PLATFORM_TOPICS if t.name not in UNRECORDED_TOPICS),
        handler=recorder,
    ),
)
