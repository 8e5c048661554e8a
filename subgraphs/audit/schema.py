"""GraphQL API of the audit log: thin resolvers over :mod:`subgraphs.audit.service`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from shared.errors import BadUserInput, PermissionDenied
from shared.graphql import (
    Connection,
    HasPermission,
    OrderDirection,
    build_subgraph_schema,
    from_global_id,
    ordered,
    paginate,
    permission_field_description,
    require_principal,
    rows_by_column_loader,
    to_global_id,
)
from subgraphs.audit import models, service

if TYPE_CHECKING:
    from shared.service import Service

__all__ = ["build_schema"]

READ = "audit:read"


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@strawberry.federation.type(keys=["id"], description="One domain event in a college's audit log.")
class AuditEntry:
    id: strawberry.ID = strawberry.field(description="Global id of the entry.")
    event_id: strawberry.ID = strawberry.field(description="Id of the event it records.")
    type: str = strawberry.field(description="Event type, such as `course.created`.")
    source: str = strawberry.field(description="Service that published the event.")
    subject: str = strawberry.field(description="Id of the thing the event is about.")
    actor_id: strawberry.ID | None = strawberry.field(
        description="User who caused the event, when the event names one."
    )
    occurred_at: datetime = strawberry.field(description="When the event happened (UTC).")
    recorded_at: datetime = strawberry.field(description="When the log recorded it (UTC).")
    data: JSON = strawberry.field(description="The event's data, as published.")
    request_id: str | None = strawberry.field(
        description=(
            "Id of the request that caused the event (its `X-Request-ID`, found in every "
            "service's logs); null when no request did, such as a scheduled job."
        )
    )
    client_ip: str | None = strawberry.field(
        description=(
            "Address of the client that sent that request, read through the trusted proxies "
            "(`LMS_TRUSTED_PROXIES`); null when unknown."
        )
    )
    user_agent: str | None = strawberry.field(
        description="User agent of that client, as it sent it (at most 512 characters)."
    )

    @classmethod
    def from_row(cls, row: models.AuditEntry) -> AuditEntry:
        return cls(
            id=strawberry.ID(to_global_id("AuditEntry", row.id)),
            event_id=strawberry.ID(row.event_id),
            type=row.type,
            source=row.source,
            subject=row.subject,
            actor_id=strawberry.ID(row.actor_id) if row.actor_id else None,
            occurred_at=_utc(row.occurred_at),
            recorded_at=_utc(row.recorded_at),
            data=cast(JSON, row.data),
            request_id=row.request_id,
            client_ip=row.client_ip,
            user_agent=row.user_agent,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> AuditEntry | None:
        principal = require_principal(info)
        principal.require(READ)
        local = int(from_global_id(id, expected_type="AuditEntry", field="id"))
        database = info.context.runtime.database
        loader = info.context.loaders.get(
            "AuditEntryByIdLoader",
            lambda: rows_by_column_loader(models.AuditEntry.id, sessions=database.session),
        )
        row: models.AuditEntry | None = await loader.load(local)
        if row is None or (row.college_id != principal.college_id and not principal.is_superuser):
            return None
        return cls.from_row(row)


@strawberry.input(description="Which audit entries to list; every given condition must hold.")
class AuditLogFilter:
    types: list[str] | None = strawberry.field(
        default=None, description="Only these event types (at most 100)."
    )
    type_prefix: str | None = strawberry.field(
        default=None, description="Only types of this domain, e.g. `course` for `course.*`."
    )
    subject: str | None = strawberry.field(default=None, description="Only this subject id.")
    source: str | None = strawberry.field(default=None, description="Only from this service.")
    actor_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only events caused by this user."
    )
    request_id: str | None = strawberry.field(
        default=None, description="Only events caused by this request (its `X-Request-ID`)."
    )
    client_ip: str | None = strawberry.field(
        default=None, description="Only events caused by requests from this address."
    )
    occurred_after: datetime | None = strawberry.field(
        default=None, description="Only events at or after this time."
    )
    occurred_before: datetime | None = strawberry.field(
        default=None, description="Only events before this time."
    )

    def to_domain(self) -> service.AuditFilter:
        return service.AuditFilter(
            types=tuple(self.types or ()),
            type_prefix=self.type_prefix,
            subject=self.subject,
            source=self.source,
            actor_id=self.actor_id,
            request_id=self.request_id,
            client_ip=self.client_ip,
            occurred_after=self.occurred_after,
            occurred_before=self.occurred_before,
        )


@strawberry.input(description="Order of the audit log: by time of the event.")
class AuditLogOrder:
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.DESC, description="Newest first (DESC, the default) or oldest first."
    )


@strawberry.type
class Query:
    @strawberry.field(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(READ)],
        description=permission_field_description(
            "The audit log of the caller's college, newest first; pages of at most 100.", READ
        ),
    )
    async def audit_log(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: AuditLogFilter | None = None,
        order: AuditLogOrder | None = None,
        college_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Another college's log: platform super-admins only."),
        ] = None,
    ) -> Connection[AuditEntry]:
        principal = require_principal(info)
        college = principal.college_id
        if college_id is not None and college_id != college:
            if not principal.is_superuser:
                raise PermissionDenied("Only platform super-admins read another college's log.")
            college = college_id
        if college is None:
            raise BadUserInput("collegeId is required for a token of no college", field="collegeId")
        direction = (order or AuditLogOrder()).direction
        statement = service.entries_query(
            college_id=college, filter=filter.to_domain() if filter else None
        )
        async with info.context.runtime.database.session() as session:
            page = await paginate(
                session,
                statement,
                order_by=[ordered(models.AuditEntry.occurred_at, direction)],
                first=first,
                after=after,
                last=last,
                before=before,
            )
        return Connection.from_page(page, AuditEntry.from_row)


def build_schema(_: Service) -> Any:
    return build_subgraph_schema(query=Query, types=[AuditEntry])
