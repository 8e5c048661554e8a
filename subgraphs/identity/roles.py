"""Roles: the built-in ones in every database, lookups by key, who may grant what.

Built-in roles are seeded by :func:`sync_builtin_roles`: idempotent, safe
to run concurrently, it inserts the missing ones and brings the rows'
names, descriptions and permissions in line with
:data:`~subgraphs.identity.permissions.BUILTIN_ROLES`. It runs when a
college is created (so no account can exist before its roles do) and is
meant to run at each start-up of the service; between the two, the rows may
lag the code, which is why :func:`role_permissions` reads a built-in role's
permissions from the code, never from its row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from shared.auth.principal import ALL_PERMISSIONS, Principal
from shared.db import utcnow
from shared.errors import DomainError, PermissionDenied
from subgraphs.identity.errors import IdentityErrorCode
from subgraphs.identity.models import AccountKind, AccountRole, Role, builtin_role_id
from subgraphs.identity.permissions import BUILTIN_ROLES, builtin_role

__all__ = [
    "check_assignable",
    "resolve_roles",
    "role_permissions",
    "roles_of",
    "sync_builtin_roles",
]


async def sync_builtin_roles(session: AsyncSession) -> None:
    """Make the ``role`` table hold every built-in role exactly as the code defines it."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    now = utcnow()
    rows = [
        {
            "id": builtin_role_id(spec.key),
            "college_id": None,
            "key": spec.key,
            "name": spec.name,
            "description": spec.description,
            "permissions": sorted(spec.permissions),
            "builtin": True,
            "created_at": now,
            "updated_at": now,
        }
        for spec in BUILTIN_ROLES
    ]
    await session.execute(insert(Role).values(rows).on_conflict_do_nothing(index_elements=["id"]))
    stored = await session.scalars(select(Role).where(Role.builtin.is_(True)))
    for role in stored:
        spec = builtin_role(role.key)
        if spec is None:
            continue  # a built-in retired from the code keeps its row, granting nothing
        wanted = sorted(spec.permissions)
        if (role.name, role.description, role.permissions) != (spec.name, spec.description, wanted):
            role.name, role.description, role.permissions = spec.name, spec.description, wanted
    await session.flush()


def role_permissions(role: Role) -> frozenset[str]:
    """What ``role`` grants: the code's set for a built-in role, the row's for a custom one."""
    if role.builtin:
        spec = builtin_role(role.key)
        return spec.permissions if spec is not None else frozenset()
    return frozenset(role.permissions)


async def resolve_roles(
    session: AsyncSession, *, college_id: str | None, keys: Iterable[str], field: str = "roles"
) -> list[Role]:
    """The roles named by ``keys`` that ``college_id`` can use (built-ins and its own).

    ``UNKNOWN_ROLE`` names every key that is neither.
    """
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return []
    scope: ColumnElement[bool] = Role.college_id.is_(None)
    if college_id is not None:
        scope = or_(scope, Role.college_id == college_id)
    found = {
        role.key: role
        for role in await session.scalars(select(Role).where(Role.key.in_(wanted), scope))
    }
    missing = [key for key in wanted if key not in found]
    if missing:
        names = ", ".join(repr(key) for key in missing)
        raise DomainError(IdentityErrorCode.UNKNOWN_ROLE, f"Unknown role {names}.", field)
    return [found[key] for key in wanted]


async def roles_of(session: AsyncSession, account_id: str) -> list[Role]:
    """The roles ``account_id`` holds, ordered by key."""
    result = await session.scalars(
        select(Role)
        .join(AccountRole, AccountRole.role_id == Role.id)
        .where(AccountRole.account_id == account_id)
        .order_by(Role.key)
    )
    return list(result)


def check_assignable(
    actor: Principal, *, kind: AccountKind, roles: Sequence[Role], field: str = "roles"
) -> None:
    """Raise unless ``actor`` may give each of ``roles`` to an account of ``kind``.

    Platform accounts hold only platform roles (the super-admin) and college
    accounts never do (``ROLE_NOT_ASSIGNABLE``). Nobody grants a permission
    they do not hold themselves (``FORBIDDEN``), so a college admin cannot
    mint a super-admin.
    """
    for role in roles:
        spec = builtin_role(role.key) if role.builtin else None
        platform_role = spec is not None and spec.platform
        if platform_role != (kind is AccountKind.PLATFORM):
            raise DomainError(
                IdentityErrorCode.ROLE_NOT_ASSIGNABLE,
                f"The role {role.key!r} cannot be given to a {kind.value} account.",
                field,
            )
        if actor.is_superuser:
            continue
        lacking = sorted(p for p in role_permissions(role) if not _holds(actor, p))
        if lacking:
            raise PermissionDenied(
                f"You cannot give the role {role.key!r}: it grants {lacking[0]!r}, "
                "which you do not hold.",
                permission=lacking[0],
            )


def _holds(actor: Principal, permission: str) -> bool:
    return actor.is_superuser if permission == ALL_PERMISSIONS else actor.has(permission)
