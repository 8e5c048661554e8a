"""`userRoleAssign`: give a role to a person."""

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
from subgraphs.identity import accounts
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema._mutation import run
from subgraphs.identity.schema.types import IdentityError, User

__all__ = ["Mutation", "UserRoleAssignInput", "UserRoleAssignPayload"]

PERMISSION = "role:assign"


@strawberry.input(description="A person and a role.")
class UserRoleAssignInput:
    user_id: strawberry.ID = strawberry.field(description="Global id of the user.")
    role_key: str = strawberry.field(
        description="Key of a built-in role or of one of the college's own (see `roles`)."
    )


@strawberry.type(description="The account with its roles as they are now.")
class UserRoleAssignPayload:
    user: User | None = strawberry.field(description="The account; null on errors.")
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="What the caller can fix (UNKNOWN_ROLE, ROLE_NOT_ASSIGNABLE); empty on success."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(PERMISSION)],
        description=permission_field_description(
            "Give a role to a person; no change if they hold it already. The caller must hold "
            "every permission the role grants (FORBIDDEN otherwise). Another college's user is "
            "NOT_FOUND. Emits `role.changed`.",
            PERMISSION,
        ),
    )
    async def user_role_assign(
        self,
        info: Info,
        input: Annotated[
            UserRoleAssignInput, strawberry.argument(description="The person and role.")
        ],
    ) -> UserRoleAssignPayload:
        principal = require_principal(info)
        api = api_of(info)
        account_id = from_global_id(input.user_id, expected_type="User", field="userId")

        async def change(session: Any) -> User:
            account = await accounts.assign_role(
                session,
                actor=principal,
                account_id=account_id,
                role_key=input.role_key,
                on_commit=api.notify_outbox,
            )
            return User.from_model(account)

        return await run(UserRoleAssignPayload, lambda: api.in_transaction(change))
