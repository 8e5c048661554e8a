"""Domain logic of the audit log: recording events and selecting entries.

No GraphQL and no HTTP here; the schema calls these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.errors import DomainError
from shared.events import Event
from subgraphs.audit.errors import AuditErrorCode
from subgraphs.audit.models import AuditEntry

__all__ = ["AuditFilter", "entries_query", "record_event"]


async def record_event(session: AsyncSession, event: Event) -> AuditEntry:
    """Add ``event`` to the log (the caller's transaction; idempotence is the consumer's)."""
    actor = event.data.get("actor_id") if isinstance(event.data, dict) else None
    origin = event.origin
    entry = AuditEntry(
        event_id=event.id,
        college_id=event.tenant,
        type=event.type,
        source=event.source,
        subject=event.subject,
        actor_id=str(actor) if actor is not None else None,
        occurred_at=event.time,
        data=dict(event.data),
        schema_version=event.schema_version,
        request_id=_cut(origin.request_id, 128) if origin is not None else None,
        client_ip=_cut(origin.ip, 64) if origin is not None else None,
        user_agent=_cut(origin.user_agent, 512) if origin is not None else None,
    )
    session.add(entry)
    await session.flush()
    return entry


def _cut(value: str | None, length: int) -> str | None:
    return value[:length] if value is not None else None


@dataclass(frozen=True, kw_only=True)
class AuditFilter:
    """Which entries to show; every given condition must hold."""

    types: tuple[str, ...] = ()
    type_prefix: str | None = None
    subject: str | None = None
    source: str | None = None
    actor_id: str | None = None
    request_id: str | None = None
    client_ip: str | None = None
    occurred_after: datetime | None = None
    occurred_before: datetime | None = None

    def validate(self) -> None:
        if (
            self.occurred_after is not None
            and self.occurred_before is not None
            and self.occurred_after >= self.occurred_before
        ):
            raise DomainError(
                AuditErrorCode.INVALID_TIME_RANGE,
                "occurredAfter must be earlier than occurredBefore",
                field="occurredAfter",
            )
        if len(self.types) > 100:
            raise DomainError(
                AuditErrorCode.TOO_MANY_VALUES, "at most 100 types per filter", field="types"
            )


def entries_query(*, college_id: str, filter: AuditFilter | None = None) -> Select[AuditEntry]:
    """The entries of one college matching ``filter`` (unordered; the caller pages)."""
    query = select(AuditEntry).where(AuditEntry.college_id == college_id)
    if filter is None:
        return query
    filter.validate()
    if filter.types:
        query = query.where(AuditEntry.type.in_(filter.types))
    if filter.type_prefix:
        prefix = filter.type_prefix.rstrip(".*") + "."
        query = query.where(AuditEntry.type.startswith(prefix, autoescape=True))
    if filter.subject is not None:
        query = query.where(AuditEntry.subject == filter.subject)
    if filter.source is not None:
        query = query.where(AuditEntry.source == filter.source)
    if filter.actor_id is not None:
        query = query.where(AuditEntry.actor_id == filter.actor_id)
    if filter.request_id is not None:
        query = query.where(AuditEntry.request_id == filter.request_id)
    if filter.client_ip is not None:
        query = query.where(AuditEntry.client_ip == filter.client_ip)
    if filter.occurred_after is not None:
        query = query.where(AuditEntry.occurred_at >= filter.occurred_after)
    if filter.occurred_before is not None:
        query = query.where(AuditEntry.occurred_at < filter.occurred_before)
    return query
