"""`userDeactivate`: deactivate an account and end its sessions."""

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

__all__ = ["Mutation", "UserDeactivateInput", "UserDeactivatePayload"]

PERMISSION = "user:deactivate"


@strawberry.input(description="The account to change.")
class UserDeactivateInput:
    id: strawberry.ID = strawberry.field(description="Global id of the user.")


@strawberry.type(description="The account as changed.")
class UserDeactivatePayload:
    user: User | None = strawberry.field(description="The account; null on errors.")
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="What the caller can fix; empty on success."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(PERMISSION)],
        description=permission_field_description(
            "Deactivate an account: its tokens are refused at once, its sessions and pending links"
            " end. Not one's own (CANNOT_CHANGE_SELF). Another college's user is NOT_FOUND. Emits "
            "`user.deactivated`.",
            PERMISSION,
        ),
    )
    async def user_deactivate(
        self,
        info: Info,
        input: Annotated[UserDeactivateInput, strawberry.argument(description="The account.")],
    ) -> UserDeactivatePayload:
        principal = require_principal(info)
        api = api_of(info)
        account_id = from_global_id(input.id, expected_type="User", field="id")

        async def change(session: Any) -> User:
            account = await accounts.deactivate_account(
                session,
                actor=principal,
                account_id=account_id,
                revocations=api.revocations,
                on_commit=api.notify_outbox,
            )
            return User.from_model(account)

        return await run(UserDeactivatePayload, lambda: api.in_transaction(change))
