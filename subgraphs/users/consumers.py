"""The events users follows, each applied once however often it is delivered.

* ``identity-events`` on ``lms.user``: ``user.invited``, ``user.activated``,
  ``user.deactivated``, ``user.updated``, ``user.purged`` and ``role.changed``,
  applied by :func:`subgraphs.users.profiles.apply_identity_event`.
* ``course-events`` on ``lms.course``: ``course.batch_assigned``, applied by
  :func:`subgraphs.users.batches.apply_course_event`.

Each runs under :class:`~shared.events.IdempotentConsumer`: the event id is
recorded in ``processed_event`` in the same transaction as its effect, so a
redelivery is skipped. Other events of those topics are ignored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import Event, IdempotentConsumer, topic_for
from shared.service import ConsumerSpec
from subgraphs.users import batches, profiles
from subgraphs.users.models import processed_events

if TYPE_CHECKING:
    from shared.service import Service

__all__ = ["CONSUMERS", "COURSE_CONSUMER", "IDENTITY_CONSUMER", "course_events", "identity_events"]

IDENTITY_CONSUMER = profiles.IDENTITY_CONSUMER
COURSE_CONSUMER = "users-batches"


def identity_events(running: Service) -> IdempotentConsumer:
    """Applies identity's account and role events to the profiles, once each."""

    async def apply(session: AsyncSession, event: Event) -> None:
        await profiles.apply_identity_event(session, event, on_commit=running.notify_outbox)

    return IdempotentConsumer(
        running.database, processed_events, name=IDENTITY_CONSUMER, handler=apply
    )


def course_events(running: Service) -> IdempotentConsumer:
    """Applies the courses subgraph's batch assignments, once each."""
    return IdempotentConsumer(
        running.database,
        processed_events,
        name=COURSE_CONSUMER,
        handler=batches.apply_course_event,
    )


CONSUMERS: tuple[ConsumerSpec, ...] = (
    ConsumerSpec(
        name="identity-events", topics=(topic_for("user.invited"),), handler=identity_events
    ),
    ConsumerSpec(
        name="course-events",
        topics=(topic_for(batches.BATCH_ASSIGNED),),
        handler=course_events,
    ),
)
