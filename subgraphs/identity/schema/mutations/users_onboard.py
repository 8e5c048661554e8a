"""``usersOnboard``: invite up to 100 staff or students at once, all or nothing."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from shared.errors import DomainErrors
from shared.graphql import (
    HasPermission,
    check_list_size,
    from_global_id,
    mutate,
    permission_field_description,
    require_principal,
)
from subgraphs.identity import models, onboarding
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema._mutation import camel
from subgraphs.identity.schema.imports import BulkUserKind, IdentityRowError
from subgraphs.identity.schema.types import User

__all__ = ["Mutation", "UsersOnboardInput", "UsersOnboardPayload", "UsersOnboardRowInput"]

PERMISSION = "user:invite"
MAX_ROLES_PER_ROW = 100


@strawberry.input(description="One person to invite.")
class UsersOnboardRowInput:
    email: str = strawberry.field(
        description="Email the invitation goes to; unique in the college and in the list."
    )
    display_name: str = strawberry.field(description="Name shown to people (1 to 200 characters).")
    roles: list[str] | None = strawberry.field(
        default=None,
        description="Keys of the roles to give (at most 100), each one the caller may give; "
        "default: `student` for students, none for staff.",
    )
    department_id: str | None = strawberry.field(
        default=None,
        description="Global id of the person's `Department`; a malformed one is a row error "
        "(INVALID_DEPARTMENT).",
    )


@strawberry.input(description="The people to invite, all of one kind.")
class UsersOnboardInput:
    kind: BulkUserKind = strawberry.field(description="STAFF or STUDENT: every row's kind.")
    rows: list[UsersOnboardRowInput] = strawberry.field(
        description=f"The people, at most {onboarding.MAX_ROWS} (more is BAD_USER_INPUT: "
        "import a CSV file instead)."
    )
    college_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global id of another college: platform super-admins only; "
        "default: the caller's college.",
    )


@strawberry.type(description="The invited accounts, or why none was created.")
class UsersOnboardPayload:
    users: list[User] = strawberry.field(
        description="The accounts created (status INVITED), in the order of `rows`; empty "
        "when any row was refused. Invitation links go by email only."
    )
    errors: list[IdentityRowError] = strawberry.field(  # type: ignore[valid-type]
        description="Every problem found, one per row and field, `index` naming the row "
        "(DUPLICATE_EMAIL, INVALID_EMAIL, REQUIRED_FIELD, UNKNOWN_ROLE, ROLE_NOT_GRANTABLE, "
        "INVALID_DEPARTMENT ...); null `index` for the whole batch (COLLEGE_SUSPENDED)."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(PERMISSION)],
        description=permission_field_description(
            f"Invite up to {onboarding.MAX_ROWS} staff or students at once. Every row is "
            "checked first and the batch is all or nothing: with any refused row no account "
            "is created and `errors` lists every problem. Each account is created INVITED "
            "and emailed its invitation; emits `user.invited` per account.",
            PERMISSION,
        ),
    )
    async def users_onboard(
        self,
        info: Info,
        input: Annotated[UsersOnboardInput, strawberry.argument(description="The people.")],
    ) -> UsersOnboardPayload:
        principal = require_principal(info)
        api = api_of(info)
        check_list_size(input.rows, field="rows", limit=onboarding.MAX_ROWS)
        for position, row in enumerate(input.rows):
            if row.roles is not None:
                check_list_size(row.roles, field=f"rows[{position}].roles", limit=MAX_ROLES_PER_ROW)
        college_id = (
            from_global_id(input.college_id, expected_type="College", field="collegeId")
            if input.college_id is not None
            else None
        )
        rows = [
            onboarding.OnboardingRow(
                email=row.email,
                display_name=row.display_name,
                role_keys=row.roles,
                department_id=row.department_id,
            )
            for row in input.rows
        ]

        async def onboard(session: Any) -> list[User]:
            result = await onboarding.onboard_accounts(
                session,
                actor=principal,
                rows=rows,
                kind=models.AccountKind(input.kind.value),
                college_id=college_id,
                invitation_ttl=api.settings.invitation_ttl,
                invitation_url=api.invitation_url,
                on_commit=api.notify_outbox,
            )
            if result.errors:  # nothing was written; the transaction ends without a change
                raise DomainErrors(error.as_domain_error() for error in result.errors)
            return [User.from_model(invitation.account) for invitation in result.invitations]

        payload = await mutate(
            UsersOnboardPayload,
            lambda: api.in_transaction(onboard),
            error_type=IdentityRowError,
            result_field="users",
        )
        if payload.users is None:
            payload.users = []
        errors: list[Any] = payload.errors
        for error in errors:
            error.field = camel(error.field)
        return payload
