"""API keys in GraphQL: the ``ApiKey`` type and the ``apiKeys`` / ``apiKey`` queries.

A key's secret is never readable: ``ApiKey`` shows its public prefix,
scopes, dates and usage. The full key is in ``apiKeyCreate`` and
``apiKeyRotate``'s payload, once (:func:`issued_payload`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Protocol, TypeVar

import strawberry
from strawberry.types import Info

from shared.errors import DomainError, DomainErrors
from shared.graphql import (
    AfterCursor,
    Connection,
    HasPermission,
    from_global_id,
    paginate_list,
    permission_field_description,
    require_principal,
    to_global_id,
    to_user_errors,
)
from subgraphs.identity import api_keys, models
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema._mutation import camel
from subgraphs.identity.schema.types import IdentityError

__all__ = ["PERMISSION", "ApiKey", "Query", "api_key_id", "issued_payload"]

PERMISSION = "apikey:manage"
TYPE_NAME = "ApiKey"


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@strawberry.type(
    description="A college's key for integrations, limited to its scopes. Its secret is never "
    "shown here: only when the key is created or rotated. Readable with `apikey:manage`."
)
class ApiKey:
    id: strawberry.ID = strawberry.field(description="Global id of the key.")
    name: str = strawberry.field(description="Name given to tell keys apart (1 to 100 chars).")
    prefix: str = strawberry.field(
        description="Public start of the key (`lms_<prefix>_...`), to recognise it in logs."
    )
    scopes: list[str] = strawberry.field(
        description="The permissions the key grants (catalogue names), sorted."
    )
    created_at: datetime = strawberry.field(description="When the key was created (UTC).")
    expires_at: datetime | None = strawberry.field(
        description="When the key stops working (UTC); null: it does not expire."
    )
    revoked_at: datetime | None = strawberry.field(
        description="When the key was revoked (UTC); null while it works."
    )
    last_used_at: datetime | None = strawberry.field(
        description="When the key last authenticated a request (UTC); null if never."
    )
    usage_count: int = strawberry.field(description="How many requests the key authenticated.")
    previous_secret_valid_until: datetime | None = strawberry.field(
        description="After a rotation, until when the previous secret still works (UTC); "
        "null when there is none."
    )

    @classmethod
    def from_model(cls, row: models.ApiKey) -> ApiKey:
        return cls(
            id=strawberry.ID(to_global_id(TYPE_NAME, row.id)),
            name=row.name,
            prefix=row.prefix,
            scopes=sorted(row.scopes),
            created_at=_utc(row.created_at) or row.created_at,
            expires_at=_utc(row.expires_at),
            revoked_at=_utc(row.revoked_at),
            last_used_at=_utc(row.last_used_at),
            usage_count=row.usage_count,
            previous_secret_valid_until=(
                _utc(row.previous_valid_until) if row.previous_secret_hash is not None else None
            ),
        )


def api_key_id(value: strawberry.ID, *, field: str = "id") -> str:
    """The local id of an ``ApiKey`` global id (another type's id is NOT_FOUND)."""
    return from_global_id(value, expected_type=TYPE_NAME, field=field)


class _IssuedPayload(Protocol):
    api_key: ApiKey | None
    secret: str | None
    errors: list[Any]


P = TypeVar("P", bound=_IssuedPayload)


async def issued_payload(
    payload_type: Callable[..., P], call: Callable[[], Awaitable[api_keys.IssuedApiKey]]
) -> P:
    """The key and its secret in ``payload_type``, or the call's domain errors as ``errors``."""
    try:
        issued = await call()
    except (DomainError, DomainErrors) as exc:
        errors = to_user_errors(IdentityError, exc)
        for error in errors:
            error.field = camel(error.field)
        return payload_type(api_key=None, secret=None, errors=errors)
    return payload_type(api_key=ApiKey.from_model(issued.key), secret=issued.secret, errors=[])


@strawberry.type
class Query:
    @strawberry.field(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(PERMISSION)],
        description=permission_field_description(
            "The college's API keys, oldest first, without secrets; revoked ones only with "
            "`includeRevoked`. Pages of at most 100 (default 20).",
            PERMISSION,
        ),
    )
    async def api_keys(
        self,
        info: Info,
        include_revoked: Annotated[
            bool, strawberry.argument(description="Also list revoked keys (default: no).")
        ] = False,
        first: Annotated[
            int | None, strawberry.argument(description="Page size from the start (max 100).")
        ] = None,
        after: AfterCursor = None,
        last: Annotated[
            int | None, strawberry.argument(description="Page size from the end (max 100).")
        ] = None,
        before: Annotated[
            str | None, strawberry.argument(description="Cursor to page backward from.")
        ] = None,
        college_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="Global id of another college: platform super-admins only "
                "(FORBIDDEN for others). Default: the caller's college."
            ),
        ] = None,
    ) -> Connection[ApiKey]:
        principal = require_principal(info)
        college = (
            from_global_id(college_id, expected_type="College", field="collegeId")
            if college_id is not None
            else None
        )
        async with api_of(info).database.session() as session:
            rows = await api_keys.list_api_keys(
                session, actor=principal, college_id=college, include_revoked=include_revoked
            )
        page = paginate_list(rows, first=first, after=after, last=last, before=before)
        return Connection.from_page(page, ApiKey.from_model)

    @strawberry.field(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(PERMISSION)],
        description=permission_field_description(
            "One API key of the caller's college, without its secret; another college's key "
            "is NOT_FOUND.",
            PERMISSION,
        ),
    )
    async def api_key(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Global id of the key.")],
    ) -> ApiKey:
        principal = require_principal(info)
        local = api_key_id(id)
        async with api_of(info).database.session() as session:
            row = await api_keys.get_api_key(session, actor=principal, key_id=local)
        return ApiKey.from_model(row)
