"""``apiKeyRotate``: a new secret for an API key; the previous one works for a grace period."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from shared.graphql import HasPermission, permission_field_description, require_principal
from subgraphs.identity import api_keys
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema.api_keys import PERMISSION, ApiKey, api_key_id, issued_payload
from subgraphs.identity.schema.types import IdentityError

__all__ = ["ApiKeyRotateInput", "ApiKeyRotatePayload", "Mutation"]


@strawberry.input(description="The key to rotate.")
class ApiKeyRotateInput:
    id: strawberry.ID = strawberry.field(description="Global id of the key.")


@strawberry.type(description="The rotated key and its new secret, shown this once only.")
class ApiKeyRotatePayload:
    api_key: ApiKey | None = strawberry.field(
        description="The key, with `previousSecretValidUntil` set; null on errors."
    )
    secret: str | None = strawberry.field(
        description="The new full key (`lms_<prefix>_<secret>`). Shown only in this response: it "
        "is stored hashed and cannot be read again. Null on errors."
    )
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="What the caller can fix (API_KEY_REVOKED, API_KEY_EXPIRED); empty on success."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(PERMISSION)],
        description=permission_field_description(
            "Give an API key a new secret. The previous secret keeps working for the rotation "
            "grace period (`LMS_IDENTITY_API_KEY_ROTATION_GRACE_HOURS`); a second rotation ends "
            "it at once. The caller must hold every scope of the key (FORBIDDEN otherwise). "
            "Another college's key is NOT_FOUND. Emits `college.apikey_rotated`.",
            PERMISSION,
        ),
    )
    async def api_key_rotate(
        self,
        info: Info,
        input: Annotated[ApiKeyRotateInput, strawberry.argument(description="The key.")],
    ) -> ApiKeyRotatePayload:
        principal = require_principal(info)
        api = api_of(info)
        key_id = api_key_id(input.id)

        async def rotate(session: Any) -> api_keys.IssuedApiKey:
            return await api_keys.rotate_api_key(
                session,
                actor=principal,
                key_id=key_id,
                grace=api.settings.api_key_rotation_grace,
                on_commit=api.notify_outbox,
            )

        return await issued_payload(ApiKeyRotatePayload, lambda: api.in_transaction(rotate))
