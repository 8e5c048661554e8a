"""Identity's queries: the caller, users, colleges, roles and the permission catalogue.

Every query is scoped to the caller's college; only the platform's
super-admin names another one (``collegeId``). Reading across colleges is
``NOT_FOUND``, naming another college ``FORBIDDEN``.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from shared.errors import NotFoundError
from shared.graphql import (
    AfterCursor,
    Connection,
    HasPermission,
    IsAuthenticated,
    OrderDirection,
    from_global_id,
    ordered,
    paginate,
    permission_field_description,
    require_principal,
)
from subgraphs.identity import accounts, colleges, models, roles
from subgraphs.identity.permissions import CATALOGUE, PLATFORM_ONLY
from subgraphs.identity.schema._api import api_of
from subgraphs.identity.schema.types import (
    DEPARTMENT_TYPE,
    College,
    CollegeStatus,
    Role,
    User,
    UserKind,
    UserStatus,
)

__all__ = ["Permission", "Query", "UserFilter", "UserOrder", "UserOrderField"]

CollegeIdArgument = Annotated[
    strawberry.ID | None,
    strawberry.argument(
        description="Global id of another college: platform super-admins only "
        "(FORBIDDEN for others). Default: the caller's college."
    ),
]


@strawberry.input(description="Which users to list; every given condition must hold.")
class UserFilter:
    kind: UserKind | None = strawberry.field(default=None, description="Only this kind.")
    status: UserStatus | None = strawberry.field(default=None, description="Only this status.")
    role_key: str | None = strawberry.field(
        default=None, description="Only holders of the role with this key."
    )
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only members of this `Department` (global id)."
    )
    email_prefix: str | None = strawberry.field(
        default=None, description="Only emails starting with this text (case-insensitive)."
    )

    def to_domain(self) -> accounts.AccountFilter:
        department = (
            from_global_id(self.department_id, expected_type=DEPARTMENT_TYPE, field="departmentId")
            if self.department_id is not None
            else None
        )
        return accounts.AccountFilter(
            kind=models.AccountKind(self.kind.value) if self.kind else None,
            status=models.AccountStatus(self.status.value) if self.status else None,
            role_key=self.role_key,
            department_id=department,
            email_prefix=self.email_prefix,
        )


@strawberry.enum(description="What users can be ordered by.")
class UserOrderField(Enum):
    CREATED_AT = "created_at"
    EMAIL = "email"
    DISPLAY_NAME = "display_name"


@strawberry.input(description="Order of a list of users.")
class UserOrder:
    field: UserOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Ascending (the default) or descending."
    )


_ORDER_COLUMNS = {
    UserOrderField.CREATED_AT: models.Account.created_at,
    UserOrderField.EMAIL: models.Account.email,
    UserOrderField.DISPLAY_NAME: models.Account.display_name,
}


@strawberry.type(description="A permission of the catalogue, with what it allows.")
class Permission:
    name: str = strawberry.field(description="`resource:action`, such as `course:create`.")
    description: str = strawberry.field(description="What holding it allows.")
    platform_only: bool = strawberry.field(
        description="Reserved to the platform's super-admins; custom roles cannot grant it."
    )


def _college_id(value: strawberry.ID | None, *, field: str = "collegeId") -> str | None:
    return None if value is None else from_global_id(value, expected_type="College", field=field)


@strawberry.type
class Query:
    @strawberry.field(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="The signed-in person's account; null for API keys and services. "
        "Requires authentication.",
    )
    async def me(self, info: Info) -> User | None:
        principal = require_principal(info)
        if principal.kind != "user" or principal.user_id is None:
            return None
        user_id = principal.user_id

        async def read() -> models.Account:
            async with api_of(info).database.session() as session:
                return await accounts.get_account(session, actor=principal, account_id=user_id)

        try:
            return User.from_model(await read())
        except NotFoundError:
            return None

    @strawberry.field(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="One account: one's own, or any of one's college with `user:read`. "
        "Another college's account, or a deleted one, is NOT_FOUND.",
    )
    async def user(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Global id of the user.")],
    ) -> User:
        principal = require_principal(info)
        local = from_global_id(id, expected_type="User", field="id")
        async with api_of(info).database.session() as session:
            account = await accounts.get_account(session, actor=principal, account_id=local)
        return User.from_model(account)

    @strawberry.field(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission("user:read")],
        description=permission_field_description(
            "The accounts of the caller's college (deleted ones excluded), oldest first "
            "unless `orderBy` says otherwise; pages of at most 100 (default 20).",
            "user:read",
        ),
    )
    async def users(
        self,
        info: Info,
        filter: Annotated[
            UserFilter | None, strawberry.argument(description="Conditions users must meet.")
        ] = None,
        order_by: Annotated[
            UserOrder | None, strawberry.argument(description="Order; default: oldest first.")
        ] = None,
        first: Annotated[
            int | None, strawberry.argument(description="Page size from the start (max 100).")
        ] = None,
        after: AfterCursor = None,
        last: Annotated[
            int | None, strawberry.argument(description="Page size from the end (max 100).")
        ] = None,
        before: Annotated[
            str | None, strawberry.argument(description="Cursor to page backward from.")
        ] = None,
        college_id: CollegeIdArgument = None,
    ) -> Connection[User]:
        principal = require_principal(info)
        statement = accounts.accounts_query(
            actor=principal,
            college_id=_college_id(college_id),
            filter=filter.to_domain() if filter else None,
        )
        order = (
            [ordered(_ORDER_COLUMNS[order_by.field], order_by.direction)]
            if order_by
            else [models.Account.created_at]
        )
        async with api_of(info).database.session() as session:
            page = await paginate(
                session,
                statement,
                order_by=order,
                first=first,
                after=after,
                last=last,
                before=before,
            )
        return Connection.from_page(page, User.from_model)

    @strawberry.field(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="A college: one's own, or any with `college:read` (platform super-admins). "
        "Without `id`, the caller's college. Others are NOT_FOUND.",
    )
    async def college(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Global id of the college; default: the caller's."),
        ] = None,
    ) -> College:
        principal = require_principal(info)
        local = _college_id(id, field="id") if id is not None else principal.college_id
        if local is None:
            raise NotFoundError("No such college: a principal of no college names one by `id`.")
        async with api_of(info).database.session() as session:
            row = await colleges.get_college(session, actor=principal, college_id=local)
        return College.from_model(row)

    @strawberry.field(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission("college:read")],
        description=permission_field_description(
            "Every college of the platform, by slug; pages of at most 100 (default 20).",
            "college:read",
        ),
    )
    async def colleges(
        self,
        info: Info,
        status: Annotated[
            CollegeStatus | None, strawberry.argument(description="Only colleges in this status.")
        ] = None,
        first: Annotated[
            int | None, strawberry.argument(description="Page size from the start (max 100).")
        ] = None,
        after: AfterCursor = None,
        last: Annotated[
            int | None, strawberry.argument(description="Page size from the end (max 100).")
        ] = None,
        before: Annotated[
            str | None, strawberry.argument(description="Cursor to page backward from.")
        ] = None,
    ) -> Connection[College]:
        principal = require_principal(info)
        statement = colleges.colleges_query(
            actor=principal, status=models.CollegeStatus(status.value) if status else None
        )
        async with api_of(info).database.session() as session:
            page = await paginate(
                session,
                statement,
                order_by=[models.College.slug],
                first=first,
                after=after,
                last=last,
                before=before,
            )
        return Connection.from_page(page, College.from_model)

    @strawberry.field(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission("role:read")],
        description=permission_field_description(
            "The roles the college can give: the built-in ones, then its own by key.",
            "role:read",
        ),
    )
    async def roles(self, info: Info, college_id: CollegeIdArgument = None) -> list[Role]:
        principal = require_principal(info)
        async with api_of(info).database.session() as session:
            rows = await roles.list_roles(
                session, actor=principal, college_id=_college_id(college_id)
            )
        return [Role.from_model(row) for row in rows]

    @strawberry.field(  # type: ignore[untyped-decorator]
        permission_classes=[IsAuthenticated],
        description="Every permission the platform knows, by name; custom roles use these. "
        "Requires authentication.",
    )
    def permission_catalogue(self) -> list[Permission]:
        return [
            Permission(name=name, description=text, platform_only=name in PLATFORM_ONLY)
            for name, text in sorted(CATALOGUE.items())
        ]
