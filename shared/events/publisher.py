"""A service's domain events, written to its outbox in the caller's transaction.

Each subgraph declares what it publishes once::

    PUBLISHER = OutboxPublisher(source="courses", table=outbox, published=PUBLISHED)
    publish = PUBLISHER.publish

and its service functions call ``publish(session, type=..., tenant=..., subject=...,
actor=..., data=...)``. Every event's ``data`` gains ``actor_id`` (who caused it,
``None`` for the system), which the audit log records; an event type the
service did not declare is a programming error, refused at once.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession

from shared.events.envelope import Event
from shared.events.outbox import emit

if TYPE_CHECKING:
    from shared.auth.principal import Principal

__all__ = ["OnCommit", "OutboxPublisher"]

OnCommit = Callable[[], None]
"""Called once the transaction commits (``Service.notify_outbox``): the relay wakes at once."""


@dataclass(frozen=True)
class OutboxPublisher:
    """The events service ``source`` may publish, and the outbox ``table`` they go to."""

    source: str
    table: Table
    published: Collection[str]

    def event(
        self,
        *,
        type: str,
        tenant: str | None,
        subject: str,
        actor: Principal | None,
        data: Mapping[str, Any] | None = None,
    ) -> Event:
        """The event, not yet written: ``data`` with ``actor_id`` added."""
        if type not in self.published:
            raise ValueError(f"{self.source} does not publish {type!r}; declare it in PUBLISHED")
        return Event.new(
            type=type,
            source=self.source,
            tenant=tenant,
            subject=subject,
            data={**(data or {}), "actor_id": actor.user_id if actor is not None else None},
        )

    async def publish(
        self,
        session: AsyncSession,
        *,
        type: str,
        tenant: str | None,
        subject: str,
        actor: Principal | None,
        data: Mapping[str, Any] | None = None,
        on_commit: OnCommit | None = None,
    ) -> Event:
        """Write one event to the outbox, in ``session``'s transaction."""
        event = self.event(type=type, tenant=tenant, subject=subject, actor=actor, data=data)
        await emit(session, event, table=self.table, on_commit=on_commit)
        return event
