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
from subgraphs.identity.password_policy import CharacterClass
from subgraphs.identity.password_policy import PasswordPolicy as PasswordPolicyRules
from subgraphs.identity.roles import role_permissions
from subgraphs.identity.schema.loaders import account_by_id, college_by_id, roles_by_account_id

__all__ = [
    "DEPARTMENT_TYPE",
    "College",
    "CollegeSettings",
    "CollegeStatus",
    "IdentityError",
    "PasswordCharacterClass",
    "PasswordPolicy",
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


@strawberry.enum(description="A kind of character a password policy counts.")
class PasswordCharacterClass(Enum):
    LOWER = "lower"
    UPPER = "upper"
    DIGIT = "digit"
    SYMBOL = "symbol"

    def to_domain(self) -> CharacterClass:
        return CharacterClass(self.value)


@strawberry.type(
    description="The rules a college's new passwords must follow (checked on every password "
    "change, reset and invitation acceptance). Readable by whoever may read the college: "
    "every member, students included, so they can choose a password that passes."
)
class PasswordPolicy:
    min_length: int = strawberry.field(
        description="Fewest characters, 8 to 128 (default 12), after NFKC normalisation."
    )
    max_length: int = strawberry.field(
        description="Most characters, 64 to 1024 and not below `minLength` (default 128)."
    )
    character_classes: list[PasswordCharacterClass] = strawberry.field(
        description="The kinds of character counted for `minCharacterClasses` (default all four)."
    )
    min_character_classes: int = strawberry.field(
        description="How many of `characterClasses` a password must use, 0 to their number "
        "(default 0: none required)."
    )
    history_count: int = strawberry.field(
        description="A new password may not be one of the account's last N, 0 to 24 (default 5)."
    )
    max_age_days: int | None = strawberry.field(
        description="Days after which a password expires, 1 to 3650; null (default): never."
    )
    reject_common: bool = strawberry.field(
        description="Refuse the 30,000 most common passwords, also with digits or symbols "
        "around them (default true)."
    )
    reject_personal_data: bool = strawberry.field(
        description="Refuse passwords containing the email's name or the display name, or a "
        "part of 4 characters or more (default true)."
    )

    @classmethod
    def from_stored(cls, stored: dict[str, Any] | None) -> PasswordPolicy:
        """The policy a college stores (``{}``: the platform's defaults)."""
        rules = PasswordPolicyRules.from_json(stored or {})
        return cls(
            min_length=rules.min_length,
            max_length=rules.max_length,
            character_classes=[
                PasswordCharacterClass(c.value)
                for c in CharacterClass
                if c in rules.character_classes
            ],
            min_character_classes=rules.min_character_classes,
            history_count=rules.history_count,
            max_age_days=rules.max_age_days,
            reject_common=rules.reject_common,
            reject_personal_data=rules.reject_personal_data,
        )


@strawberry.federation.type(keys=["id"], description="A college: one tenant of the platform.")
class College:
    id: strawberry.ID = strawberry.field(description="Global id of the college.")
    slug: str = strawberry.field(description="Short url-safe name, unique on the platform.")
    name: str = strawberry.field(description="Name of the college.")
    status: CollegeStatus = strawberry.field(description="Active, or suspended by the platform.")
    settings: CollegeSettings = strawberry.field(description="Time zone, locale, academic year.")
    password_policy: PasswordPolicy = strawberry.field(
        description="The rules its new passwords must follow. Readable by whoever may read the "
        "college (every member, students included); changed with "
        "`collegePasswordPolicyUpdate` (`college:update`)."
    )
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
            password_policy=PasswordPolicy.from_stored(row.password_policy),
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
