"""``apiKeyRevoke``: stop an API key at once."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from shared.graphql import HasPermission, permission_field_description, require_principal
from subgraphs.identity import api_keys
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema._mutation import run
from subgraphs.identity.schema.api_keys import PERMISSION, ApiKey, api_key_id
from subgraphs.identity.schema.types import IdentityError

__all__ = ["ApiKeyRevokeInput", "ApiKeyRevokePayload", "Mutation"]


@strawberry.input(description="The key to revoke.")
class ApiKeyRevokeInput:
    id: strawberry.ID = strawberry.field(description="Global id of the key.")


@strawberry.type(description="The revoked key.")
class ApiKeyRevokePayload:
    api_key: ApiKey | None = strawberry.field(
        description="The key, with `revokedAt` set; null on errors."
    )
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="What the caller can fix (API_KEY_REVOKED: revoked already); empty on success."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(PERMISSION)],
        description=permission_field_description(
            "Revoke an API key: its secret, and a previous one still in its grace period, are "
            "refused from now on. Another college's key is NOT_FOUND. Emits "
            "`college.apikey_revoked`.",
            PERMISSION,
        ),
    )
    async def api_key_revoke(
        self,
        info: Info,
        input: Annotated[ApiKeyRevokeInput, strawberry.argument(description="The key.")],
    ) -> ApiKeyRevokePayload:
        principal = require_principal(info)
        api = api_of(info)
        key_id = api_key_id(input.id)

        async def revoke(session: Any) -> ApiKey:
            row = await api_keys.revoke_api_key(
                session, actor=principal, key_id=key_id, on_commit=api.notify_outbox
            )
            return ApiKey.from_model(row)

        return await run(ApiKeyRevokePayload, lambda: api.in_transaction(revoke))
