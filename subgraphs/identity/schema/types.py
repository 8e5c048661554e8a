"""GraphQL types of identity: ``User`` (the entity other subgraphs extend), ``College``, ``Role``.

``User @key(fields: "id")`` is defined here and extended by users, courses,
submissions...; its ``id`` is the Relay global id ``to_global_id("User",
account.id)``. Each field reaching another row goes through a loader of
:mod:`subgraphs.identity.schema.loaders`, and so do the references.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from shared.auth.principal import Principal
from shared.graphql import (
    from_global_id,
    require_principal,
    to_global_id,
    user_error_type,
)
from subgraphs.identity import models, tenancy
from subgraphs.identity.errors import IdentityErrorCode
from subgraphs.identity.roles import role_permissions
from subgraphs.identity.schema.loaders import account_by_id, college_by_id, roles_by_account_id

__all__ = [
    "DEPARTMENT_TYPE",
    "College",
    "CollegeSettings",
    "CollegeStatus",
    "IdentityError",
    "Role",
    "User",
    "UserKind",
    "UserStatus",
    "account_visible",
    "college_visible",
]

DEPARTMENT_TYPE = "Department"
"""The type of a department's global id (departments belong to the courses subgraph)."""

strawberry.enum(
    IdentityErrorCode,
    description="Stable codes of the problems identity reports (never renamed, only added).",
)
IdentityError = user_error_type(
    "IdentityError",
    IdentityErrorCode,
    description="A problem with a mutation's input that the user can fix.",
)


@strawberry.enum(description="What an account is for.")
class UserKind(Enum):
    STAFF = "staff"
    STUDENT = "student"
    PLATFORM = "platform"


@strawberry.enum(description="Where an account is in its life.")
class UserStatus(Enum):
    INVITED = "invited"
    ACTIVE = "active"
    DEACTIVATED = "deactivated"


@strawberry.enum(description="Whether a college's people can work in it.")
class CollegeStatus(Enum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def account_visible(actor: Principal, account: models.Account) -> bool:
    """Whether ``actor`` may read ``account``: its own, or ``user:read`` in its college."""
    if account.deleted_at is not None:
        return False
    if actor.kind == "user" and actor.user_id == account.id:
        return True
    return actor.has("user:read") and tenancy.can_see(actor, account.college_id)


def college_visible(actor: Principal, college_id: str) -> bool:
    """Whether ``actor`` may read the college: its own, or any with ``college:read``."""
    return actor.has("college:read") or tenancy.can_see(actor, college_id)


@strawberry.type(description="A named set of permissions an account can hold.")
class Role:
    id: strawberry.ID = strawberry.field(description="Global id of the role.")
    key: str = strawberry.field(description="Stable key, such as `teacher` or `lab-assistant`.")
    name: str = strawberry.field(description="Name shown to people.")
    description: str = strawberry.field(description="What the role is for.")
    permissions: list[str] = strawberry.field(
        description="The permissions it grants (`resource:action`), sorted."
    )
    builtin: bool = strawberry.field(
        description="Whether every college has it (built-in roles cannot be changed)."
    )

    @classmethod
    def from_model(cls, row: models.Role) -> Role:
        return cls(
            id=strawberry.ID(to_global_id("Role", row.id)),
            key=row.key,
            name=row.name,
            description=row.description,
            permissions=sorted(role_permissions(row)),
            builtin=row.builtin,
        )


@strawberry.type(description="A college's preferences.")
class CollegeSettings:
    time_zone: str = strawberry.field(description="IANA time zone, such as `Europe/Dublin`.")
    locale: str = strawberry.field(description="Language tag, such as `en` or `pt-BR`.")
    academic_year_start_month: int = strawberry.field(
        description="Month (1 to 12) the academic year starts."
    )


@strawberry.federation.type(keys=["id"], description="A college: one tenant of the platform.")
class College:
    id: strawberry.ID = strawberry.field(description="Global id of the college.")
    slug: str = strawberry.field(description="Short url-safe name, unique on the platform.")
    name: str = strawberry.field(description="Name of the college.")
    status: CollegeStatus = strawberry.field(description="Active, or suspended by the platform.")
    settings: CollegeSettings = strawberry.field(description="Time zone, locale, academic year.")
    created_at: datetime = strawberry.field(description="When the college was created (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")

    @classmethod
    def from_model(cls, row: models.College) -> College:
        values: dict[str, Any] = dict(row.settings or {})
        return cls(
            id=strawberry.ID(to_global_id("College", row.id)),
            slug=row.slug,
            name=row.name,
            status=CollegeStatus(row.status.value),
            settings=CollegeSettings(
                time_zone=str(values.get("time_zone", "UTC")),
                locale=str(values.get("locale", "en")),
                academic_year_start_month=int(values.get("academic_year_start_month", 9)),
            ),
            created_at=_utc(row.created_at),
            updated_at=_utc(row.updated_at),
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> College | None:
        """The college, for members of it and for holders of `college:read`; else null."""
        principal = require_principal(info)
        local = from_global_id(id, expected_type="College", field="id")
        row = await college_by_id(info).load(local)
        if row is None or not college_visible(principal, row.id):
            return None
        return cls.from_model(row)


@strawberry.federation.type(
    keys=["id"],
    description="A person who can sign in: staff, student or platform operator. "
    "Readable by the person and by holders of `user:read` in the same college.",
)
class User:
    id: strawberry.ID = strawberry.field(description='Global id (`to_global_id("User", ...)`).')
    email: str = strawberry.field(description="Sign-in email, lower-case, unique in the college.")
    display_name: str = strawberry.field(description="Name shown to people.")
    kind: UserKind = strawberry.field(description="Staff, student or platform operator.")
    status: UserStatus = strawberry.field(description="Invited, active or deactivated.")
    department_id: strawberry.ID | None = strawberry.field(
        description="Global id of the person's `Department` (courses subgraph), if any."
    )
    created_at: datetime = strawberry.field(description="When the account was created (UTC).")
    account_id: strawberry.Private[str]
    college_id: strawberry.Private[str | None]

    @classmethod
    def from_model(cls, row: models.Account) -> User:
        return cls(
            id=strawberry.ID(to_global_id("User", row.id)),
            email=row.email,
            display_name=row.display_name,
            kind=UserKind(row.kind.value),
            status=UserStatus(row.status.value),
            department_id=(
                strawberry.ID(to_global_id(DEPARTMENT_TYPE, row.department_id))
                if row.department_id
                else None
            ),
            created_at=_utc(row.created_at),
            account_id=row.id,
            college_id=row.college_id,
        )

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The roles the person holds, by key."
    )
    async def roles(self, info: Info) -> list[Role]:
        held = await roles_by_account_id(info).load(self.account_id)
        return [Role.from_model(role) for role in held]

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Effective permissions: the union of the roles' permissions, sorted."
    )
    async def permissions(self, info: Info) -> list[str]:
        granted: set[str] = set()
        for role in await roles_by_account_id(info).load(self.account_id):
            granted |= role_permissions(role)
        return sorted(granted)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The person's college; null for platform operators."
    )
    async def college(self, info: Info) -> College | None:
        if self.college_id is None:
            return None
        row = await college_by_id(info).load(self.college_id)
        return College.from_model(row) if row is not None else None

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> User | None:
        """The account, for itself and holders of `user:read` in its college; else null.

        Another college's user, a deleted one or an unknown id resolve to null.
        """
        principal = require_principal(info)
        local = from_global_id(id, expected_type="User", field="id")
        row = await account_by_id(info).load(local)
        if row is None or not account_visible(principal, row):
            return None
        return cls.from_model(row)
