"""``roleUpdate``: change a custom role's name, description or permissions."""

from __future__ import annotations

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
from subgraphs.identity import roles
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema._mutation import run
from subgraphs.identity.schema.types import IdentityError, Role

__all__ = ["PERMISSION", "Mutation", "RoleUpdateInput", "RoleUpdatePayload"]

PERMISSION = "role:manage"


@strawberry.input(description="A custom role and what to change; fields left out stay.")
class RoleUpdateInput:
    id: strawberry.ID = strawberry.field(description="Global id of the role.")
    name: str | None = strawberry.field(default=None, description="New name (1 to 100 characters).")
    description: str | None = strawberry.field(default=None, description="New description.")
    permissions: list[str] | None = strawberry.field(
        default=None,
        description="The full new set of permissions (replaces the old one), at most 100; the "
        "caller must hold each one added or removed.",
    )


@strawberry.type(description="The role as changed.")
class RoleUpdatePayload:
    role: Role | None = strawberry.field(description="The role; null on errors.")
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="What the caller can fix (ROLE_NOT_EDITABLE for built-in roles, INVALID_NAME, "
        "UNKNOWN_PERMISSION); empty on success."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(PERMISSION)],
        description=permission_field_description(
            "Change a custom role; its key never changes and built-in roles cannot be changed. "
            "Holders get the new permissions with their next token. Another college's role is "
            "NOT_FOUND. Emits `role.updated` when something changed.",
            PERMISSION,
        ),
    )
    async def role_update(
        self,
        info: Info,
        input: Annotated[RoleUpdateInput, strawberry.argument(description="The change.")],
    ) -> RoleUpdatePayload:
        principal = require_principal(info)
        api = api_of(info)
        role_id = from_global_id(input.id, expected_type="Role", field="id")
        if input.permissions is not None:
            check_list_size(input.permissions, field="permissions")

        async def change(session: Any) -> Role:
            row = await roles.update_role(
                session,
                actor=principal,
                role_id=role_id,
                name=input.name,
                description=input.description,
                permissions=input.permissions,
                on_commit=api.notify_outbox,
            )
            return Role.from_model(row)

        return await run(RoleUpdatePayload, lambda: api.in_transaction(change))
