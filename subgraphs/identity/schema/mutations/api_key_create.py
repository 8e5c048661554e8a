"""``apiKeyCreate``: a new API key of the college; its secret is returned this once."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from shared.graphql import (
    HasPermission,
    check_list_size,
    from_global_id,
    permission_field_description,
    require_principal,
)
from subgraphs.identity import api_keys
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema.api_keys import PERMISSION, ApiKey, issued_payload
from subgraphs.identity.schema.types import IdentityError

__all__ = ["ApiKeyCreateInput", "ApiKeyCreatePayload", "Mutation"]


@strawberry.input(description="A new API key.")
class ApiKeyCreateInput:
    name: str = strawberry.field(description="Name to tell the key apart (1 to 100 characters).")
    scopes: list[str] = strawberry.field(
        description="Permissions the key grants, from `permissionCatalogue`; at least one, at "
        "most 100, each held by the caller."
    )
    expires_at: datetime | None = strawberry.field(
        default=None,
        description="When the key stops working: in the future and at most the platform's "
        "maximum lifetime ahead (`LMS_IDENTITY_API_KEY_MAX_LIFETIME_DAYS`). Default: never.",
    )
    college_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global id of another college: platform super-admins only. "
        "Default: the caller's college.",
    )


@strawberry.type(description="The created key and its secret, shown this once only.")
class ApiKeyCreatePayload:
    api_key: ApiKey | None = strawberry.field(description="The new key; null on errors.")
    secret: str | None = strawberry.field(
        description="The full key (`lms_<prefix>_<secret>`) to put in the integration's "
        "`Authorization: Bearer` header. Shown only in this response: it is stored hashed and "
        "cannot be read again (rotate the key to get a new one). Null on errors."
    )
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="What the caller can fix (INVALID_NAME, INVALID_SCOPES, UNKNOWN_PERMISSION, "
        "INVALID_EXPIRY, COLLEGE_SUSPENDED); empty on success."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(PERMISSION)],
        description=permission_field_description(
            "Create an API key of the college with the given scopes; the caller must hold each "
            "scope (FORBIDDEN otherwise), and API keys cannot create keys. The secret is in the "
            "payload once. Emits `college.apikey_created`.",
            PERMISSION,
        ),
    )
    async def api_key_create(
        self,
        info: Info,
        input: Annotated[ApiKeyCreateInput, strawberry.argument(description="The new key.")],
    ) -> ApiKeyCreatePayload:
        principal = require_principal(info)
        api = api_of(info)
        check_list_size(input.scopes, field="scopes")
        college = (
            from_global_id(input.college_id, expected_type="College", field="collegeId")
            if input.college_id is not None
            else None
        )

        async def create(session: Any) -> api_keys.IssuedApiKey:
            return await api_keys.create_api_key(
                session,
                actor=principal,
                name=input.name,
                scopes=input.scopes,
                expires_at=input.expires_at,
                college_id=college,
                max_lifetime=api.settings.api_key_max_lifetime,
                on_commit=api.notify_outbox,
            )

        return await issued_payload(ApiKeyCreatePayload, lambda: api.in_transaction(create))
