"""``roleDelete``: delete a custom role, giving its holders another one if asked."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from shared.graphql import (
    HasPermission,
    from_global_id,
    permission_field_description,
    require_principal,
)
from subgraphs.identity import roles
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema._mutation import run
from subgraphs.identity.schema.types import IdentityError

__all__ = ["PERMISSION", "Mutation", "RoleDeleteInput", "RoleDeletePayload"]

PERMISSION = "role:manage"


@strawberry.input(description="The custom role to delete.")
class RoleDeleteInput:
    id: strawberry.ID = strawberry.field(description="Global id of the role.")
    reassign_to: str | None = strawberry.field(
        default=None,
        description="Key of a role of the college (built-in or custom) its holders get instead; "
        "needs `role:assign` too. Without it a role still held is not deleted (ROLE_IN_USE).",
    )


@strawberry.type(description="What the deletion did.")
class RoleDeletePayload:
    deleted_role_id: strawberry.ID | None = strawberry.field(
        default=None, description="Global id of the deleted role; null on errors."
    )
    reassigned_count: int | None = strawberry.field(
        default=None,
        description="How many accounts held the role (and got `reassignTo`); null on errors.",
    )
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="What the caller can fix (ROLE_IN_USE saying how many hold it, "
        "ROLE_NOT_EDITABLE, UNKNOWN_ROLE for `reassignTo`); empty on success."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(PERMISSION)],
        description=permission_field_description(
            "Delete a custom role. While accounts hold it, name `reassignTo`, or it stays "
            "(ROLE_IN_USE). Built-in roles are never deleted. Another college's role is "
            "NOT_FOUND. Emits `role.changed` per holder, then `role.deleted`.",
            PERMISSION,
        ),
    )
    async def role_delete(
        self,
        info: Info,
        input: Annotated[RoleDeleteInput, strawberry.argument(description="The role.")],
    ) -> RoleDeletePayload:
        principal = require_principal(info)
        api = api_of(info)
        role_id = from_global_id(input.id, expected_type="Role", field="id")

        async def delete(session: Any) -> int:
            return await roles.delete_role(
                session,
                actor=principal,
                role_id=role_id,
                reassign_to=input.reassign_to,
                on_commit=api.notify_outbox,
            )

        payload = await run(
            RoleDeletePayload,
            lambda: api.in_transaction(delete),
            result_field="reassigned_count",
        )
        if not payload.errors:
            payload.deleted_role_id = input.id
        return payload
