"""`userActivate`: reactivate a deactivated account."""

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

__all__ = ["Mutation", "UserActivateInput", "UserActivatePayload"]

PERMISSION = "user:activate"


@strawberry.input(description="The account to change.")
class UserActivateInput:
    id: strawberry.ID = strawberry.field(description="Global id of the user.")


@strawberry.type(description="The account as changed.")
class UserActivatePayload:
    user: User | None = strawberry.field(description="The account; null on errors.")
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="What the caller can fix; empty on success."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(PERMISSION)],
        description=permission_field_description(
            "Reactivate a deactivated account (an invited one becomes active by accepting its "
            "invitation: INVITATION_NOT_ACCEPTED). Another college's user is NOT_FOUND. Emits "
            "`user.activated`.",
            PERMISSION,
        ),
    )
    async def user_activate(
        self,
        info: Info,
        input: Annotated[UserActivateInput, strawberry.argument(description="The account.")],
    ) -> UserActivatePayload:
        principal = require_principal(info)
        api = api_of(info)
        account_id = from_global_id(input.id, expected_type="User", field="id")

        async def change(session: Any) -> User:
            account = await accounts.activate_account(
                session,
                actor=principal,
                account_id=account_id,
                on_commit=api.notify_outbox,
            )
            return User.from_model(account)

        return await run(UserActivatePayload, lambda: api.in_transaction(change))
