"""The DataLoaders of identity's GraphQL API, one of each per request.

* ``AccountByIdLoader`` — an account by id (``User`` references, ``user(id)``).
* ``CollegeByIdLoader`` — a college by id (``User.college``, ``College`` references).
* ``RolesByAccountIdLoader`` — the roles each account holds, by key: ONE
  ``SELECT ... JOIN ... WHERE account_id IN (...)`` for a whole page of users.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from shared.graphql import rows_by_column_loader
from subgraphs.identity.models import Account, AccountRole, College, Role
from subgraphs.identity.schema._api import api_of

__all__ = ["account_by_id", "college_by_id", "roles_by_account_id"]


def account_by_id(info: Info[Any, Any]) -> DataLoader[str, Account | None]:
    """``AccountByIdLoader`` of this request (soft-deleted accounts included: callers check)."""
    database = api_of(info).database
    loader: DataLoader[str, Account | None] = info.context.loaders.get(
        "AccountByIdLoader", lambda: rows_by_column_loader(Account.id, sessions=database.session)
    )
    return loader


def college_by_id(info: Info[Any, Any]) -> DataLoader[str, College | None]:
    """``CollegeByIdLoader`` of this request."""
    database = api_of(info).database
    loader: DataLoader[str, College | None] = info.context.loaders.get(
        "CollegeByIdLoader", lambda: rows_by_column_loader(College.id, sessions=database.session)
    )
    return loader


def roles_by_account_id(info: Info[Any, Any]) -> DataLoader[str, list[Role]]:
    """``RolesByAccountIdLoader`` of this request: each account's roles, ordered by key."""
    database = api_of(info).database

    async def load(keys: list[str]) -> Sequence[list[Role]]:
        statement = (
            select(AccountRole.account_id, Role)
            .join(Role, Role.id == AccountRole.role_id)
            .where(AccountRole.account_id.in_(keys))
            .order_by(Role.key)
        )
        async with database.session() as session:
            rows = (await session.execute(statement)).all()
        held: dict[str, list[Role]] = defaultdict(list)
        for account_id, role in rows:
            held[account_id].append(role)
        return [held.get(key, []) for key in keys]

    loader: DataLoader[str, list[Role]] = info.context.loaders.get(
        "RolesByAccountIdLoader", lambda: DataLoader(load_fn=load, max_batch_size=500)
    )
    return loader
