"""``userInvite``: create an account in status `invited` and email its invitation."""

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
from subgraphs.identity import accounts, models
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema._invitations import send_invitation
from subgraphs.identity.schema._mutation import run
from subgraphs.identity.schema.types import DEPARTMENT_TYPE, IdentityError, User, UserKind

__all__ = ["MAX_ROLE_KEYS", "Mutation", "UserInviteInput", "UserInvitePayload"]

PERMISSION = "user:invite"
MAX_ROLE_KEYS = 100


@strawberry.input(description="The person to invite.")
class UserInviteInput:
    email: str = strawberry.field(
        description="Email the invitation goes to; unique in the college."
    )
    display_name: str = strawberry.field(description="Name shown to people (1 to 200 characters).")
    kind: UserKind = strawberry.field(
        description="STAFF or STUDENT; PLATFORM (no college) for platform super-admins only."
    )
    role_keys: list[str] | None = strawberry.field(
        default=None,
        description="Keys of the roles to give (at most 100), each one the caller may give; "
        "default: `student` for students, none for staff.",
    )
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="Global id of the person's `Department`."
    )
    college_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global id of another college: platform super-admins only; "
        "default: the caller's college.",
    )


@strawberry.type(description="The invited account.")
class UserInvitePayload:
    user: User | None = strawberry.field(
        description="The account, status INVITED; null on errors. The invitation link goes "
        "by email only."
    )
    errors: list[IdentityError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix in the input (DUPLICATE_EMAIL, INVALID_EMAIL, UNKNOWN_ROLE...)."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(PERMISSION)],
        description=permission_field_description(
            "Invite a person to the college: the account is created INVITED with its roles "
            "and the invitation is emailed. Emits `user.invited`.",
            PERMISSION,
        ),
    )
    async def user_invite(
        self,
        info: Info,
        input: Annotated[UserInviteInput, strawberry.argument(description="The person.")],
    ) -> UserInvitePayload:
        principal = require_principal(info)
        api = api_of(info)
        if input.role_keys is not None:
            check_list_size(input.role_keys, field="roleKeys", limit=MAX_ROLE_KEYS)
        college_id = (
            from_global_id(input.college_id, expected_type="College", field="collegeId")
            if input.college_id is not None
            else None
        )
        department_id = (
            from_global_id(input.department_id, expected_type=DEPARTMENT_TYPE, field="departmentId")
            if input.department_id is not None
            else None
        )

        async def invite(session: Any) -> User:
            invitation = await accounts.invite_account(
                session,
                actor=principal,
                email=input.email,
                display_name=input.display_name,
                kind=models.AccountKind(input.kind.value),
                college_id=college_id,
                department_id=department_id,
                role_keys=input.role_keys,
                invitation_ttl=api.settings.invitation_ttl,
                on_commit=api.notify_outbox,
            )
            await send_invitation(session, api=api, invitation=invitation, actor=principal)
            return User.from_model(invitation.account)

        return await run(UserInvitePayload, lambda: api.in_transaction(invite))
