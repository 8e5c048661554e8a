"""``roleCreate``: a custom role of the college."""

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

__all__ = ["PERMISSION", "Mutation", "RoleCreateInput", "RoleCreatePayload"]

PERMISSION = "role:manage"


@strawberry.input(description="A new custom role.")
class RoleCreateInput:
    key: str = strawberry.field(
        description="Stable key: 2 to 64 lower-case letters, digits and single hyphens "
        "(`lab-assistant`), not a built-in key, unique in the college. Never changes."
    )
    name: str = strawberry.field(description="Name shown to people (1 to 100 characters).")
    permissions: list[str] = strawberry.field(
        description="Permissions it grants, from `permissionCatalogue` (not platform-only "
        "ones), each held by the caller; at most 100."
    )
    description: str = strawberry.field(default="", description="What the role is for.")
    college_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global id of another college: platform super-admins only. "
        "Default: the caller's college.",
    )


@strawberry.type(description="The created role.")
class RoleCreatePayload:
    role: Role | None = strawberry.field(description="The new role; null on errors.")
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="What the caller can fix (INVALID_ROLE_KEY, ROLE_KEY_TAKEN, INVALID_NAME, "
        "UNKNOWN_PERMISSION); empty on success."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(PERMISSION)],
        description=permission_field_description(
            "Create a custom role of the college. The caller must hold every permission it "
            "grants (FORBIDDEN otherwise). Emits `role.created`.",
            PERMISSION,
        ),
    )
    async def role_create(
        self,
        info: Info,
        input: Annotated[RoleCreateInput, strawberry.argument(description="The new role.")],
    ) -> RoleCreatePayload:
        principal = require_principal(info)
        api = api_of(info)
        check_list_size(input.permissions, field="permissions")
        college = (
            from_global_id(input.college_id, expected_type="College", field="collegeId")
            if input.college_id is not None
            else None
        )

        async def create(session: Any) -> Role:
            row = await roles.create_role(
                session,
                actor=principal,
                key=input.key,
                name=input.name,
                permissions=input.permissions,
                description=input.description,
                college_id=college,
                on_commit=api.notify_outbox,
            )
            return Role.from_model(row)

        return await run(RoleCreatePayload, lambda: api.in_transaction(create))
