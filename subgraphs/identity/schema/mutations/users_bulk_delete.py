"""``usersBulkDelete``: soft-delete up to 100 accounts at once, all or none."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from shared.graphql import HasPermission, permission_field_description, require_principal
from subgraphs.identity import bulk_accounts
from subgraphs.identity.models import Account
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema.types import User
from subgraphs.identity.schema.users_bulk import (
    IDS_DESCRIPTION,
    BulkItemError,
    local_ids,
    run_bulk,
)

__all__ = ["Mutation", "UsersBulkDeletePayload"]

PERMISSION = "user:delete"


@strawberry.type(description="The deleted accounts, or why none was.")
class UsersBulkDeletePayload:
    users: list[User] | None = strawberry.field(
        description="The accounts as they were deleted, in the order of `ids`; null on errors."
    )
    errors: list[BulkItemError] = strawberry.field(  # type: ignore[valid-type]
        description="Per item (`index` in `ids`): UNKNOWN_ACCOUNT, DUPLICATE_ITEM, "
        "CANNOT_CHANGE_SELF. Empty on success; nothing changed otherwise."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(PERMISSION)],
        description=permission_field_description(
            "Delete up to 100 accounts of the college, all or none: they are hidden at once, "
            "their tokens refused and sessions ended, and purged after the retention period. "
            "Not one's own account. Emits `user.deleted` per account.",
            PERMISSION,
        ),
    )
    async def users_bulk_delete(
        self,
        info: Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description=IDS_DESCRIPTION)],
    ) -> UsersBulkDeletePayload:
        principal = require_principal(info)
        api = api_of(info)
        account_ids = local_ids(ids)

        async def delete(session: Any) -> list[Account]:
            changed = await bulk_accounts.bulk_delete_accounts(
                session,
                actor=principal,
                account_ids=account_ids,
                retention=api.settings.account_retention,
                revocations=api.revocations,
                on_commit=api.notify_outbox,
            )
            return changed

        return await run_bulk(UsersBulkDeletePayload, lambda: api.in_transaction(delete), ids)
