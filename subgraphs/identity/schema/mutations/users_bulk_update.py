"""``usersBulkUpdate``: set roles, department or status of up to 100 accounts, all or none."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from shared.graphql import (
    IsAuthenticated,
    from_global_id,
    require_principal,
)
from subgraphs.identity import bulk_accounts, models
from subgraphs.identity.models import Account
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema.types import DEPARTMENT_TYPE, User, UserStatus
from subgraphs.identity.schema.users_bulk import (
    IDS_DESCRIPTION,
    BulkItemError,
    local_ids,
    run_bulk,
)

__all__ = ["Mutation", "UsersBulkUpdateInput", "UsersBulkUpdatePayload"]


@strawberry.input(
    description="What to set on every account; fields left out stay as they are. At least one."
)
class UsersBulkUpdateInput:
    role_to_add: str | None = strawberry.field(
        default=None,
        description="Key of a role to give (needs `role:assign` and every permission it grants).",
    )
    role_to_remove: str | None = strawberry.field(
        default=None,
        description="Key of a role to take away (needs `role:assign`); no change where not held.",
    )
    department_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Global id of the `Department` to set; null clears it (needs `user:update`).",
    )
    status: UserStatus | None = strawberry.field(
        default=None,
        description="ACTIVE (needs `user:activate`; invited accounts cannot) or DEACTIVATED "
        "(needs `user:deactivate`: tokens refused at once, sessions end). Not INVITED.",
    )

    def to_domain(self) -> bulk_accounts.AccountChange:
        department: dict[str, Any] = {}
        if self.department_id is not strawberry.UNSET:
            department["department_id"] = (
                None
                if self.department_id is None
                else from_global_id(
                    self.department_id, expected_type=DEPARTMENT_TYPE, field="departmentId"
                )
            )
        return bulk_accounts.AccountChange(
            status=models.AccountStatus(self.status.value) if self.status else None,
            add_role=self.role_to_add,
            remove_role=self.role_to_remove,
            **department,
        )


@strawberry.type(description="The changed accounts, or why none was.")
class UsersBulkUpdatePayload:
    users: list[User] | None = strawberry.field(
        description="The accounts as they are now, in the order of `ids`; null on errors."
    )
    errors: list[BulkItemError] = strawberry.field(  # type: ignore[valid-type]
        description="Per item (`index` in `ids`): UNKNOWN_ACCOUNT, DUPLICATE_ITEM, "
        "CANNOT_CHANGE_SELF, INVITATION_NOT_ACCEPTED, ROLE_NOT_ASSIGNABLE; for the whole input "
        "(`index` null): UNKNOWN_ROLE, INVALID_DEPARTMENT. Empty on success; nothing changed "
        "otherwise."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="Set roles, department or status of up to 100 accounts of the college, all "
        "or none; accounts already as asked are left alone. Each change needs its permission: "
        "`role:assign` for roles, `user:update` for the department, `user:activate` / "
        "`user:deactivate` for the status (FORBIDDEN otherwise). Emits the events of the single "
        "changes (`role.changed`, `user.updated`, `user.activated`, `user.deactivated`).",
    )
    async def users_bulk_update(
        self,
        info: Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description=IDS_DESCRIPTION)],
        input: Annotated[
            UsersBulkUpdateInput, strawberry.argument(description="What to set on each account.")
        ],
    ) -> UsersBulkUpdatePayload:
        principal = require_principal(info)
        api = api_of(info)
        account_ids = local_ids(ids)
        change = input.to_domain()

        async def update(session: Any) -> list[Account]:
            changed = await bulk_accounts.bulk_update_accounts(
                session,
                actor=principal,
                account_ids=account_ids,
                change=change,
                revocations=api.revocations,
                on_commit=api.notify_outbox,
            )
            return changed

        return await run_bulk(UsersBulkUpdatePayload, lambda: api.in_transaction(update), ids)
