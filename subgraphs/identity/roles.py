"""Roles: the built-in ones in every database, a college's custom ones, who may grant what.

Built-in roles are seeded by :func:`sync_builtin_roles`: idempotent, safe
to run concurrently, it inserts the missing ones and brings the rows'
names, descriptions and permissions in line with
:data:`~subgraphs.identity.permissions.BUILTIN_ROLES`. It runs when a
college is created (so no account can exist before its roles do) and is
meant to run at each start-up of the service; between the two, the rows may
lag the code, which is why :func:`role_permissions` reads a built-in role's
permissions from the code, never from its row.

Custom roles belong to one college (``role:manage``): a key unique in the
college and never a built-in key, a name, a description and permissions
from the catalogue. Nobody puts into a role, or takes out of one, a
permission they do not hold (``FORBIDDEN``). A role held by accounts is not
deleted (``ROLE_IN_USE``) unless the caller names another role its holders
get instead (``reassign_to``); each holder's change is a ``role.changed``
event, as when one role is taken away by hand. Changing a role's
permissions changes what its holders may do from their next token on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from shared.auth.principal import ALL_PERMISSIONS, Principal
from shared.db import utcnow
from shared.errors import DomainError, NotFoundError, PermissionDenied
from subgraphs.identity import events, tenancy
from subgraphs.identity.errors import IdentityErrorCode
from subgraphs.identity.models import Account, AccountKind, AccountRole, Role, builtin_role_id
from subgraphs.identity.permissions import BUILTIN_ROLES, builtin_role, validate_permissions
from subgraphs.identity.validation import normalize_name

__all__ = [
    "MAX_DESCRIPTION_LENGTH",
    "check_assignable",
    "create_role",
    "delete_role",
    "get_role",
    "list_roles",
    "resolve_roles",
    "role_permissions",
    "roles_of",
    "sync_builtin_roles",
    "update_role",
]

MAX_DESCRIPTION_LENGTH = 1000
_ROLE_KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


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


# -- custom roles -------------------------------------------------------------------------------
async def create_role(
    session: AsyncSession,
    *,
    actor: Principal,
    key: str,
    name: str,
    permissions: Iterable[str],
    description: str = "",
    college_id: str | None = None,
    on_commit: events.OnCommit | None = None,
) -> Role:
    """A custom role of the actor's college (or ``college_id``, super-admins); ``role:manage``.

    ``key``: 2 to 64 lower-case letters, digits and single hyphens
    (``INVALID_ROLE_KEY``), not a built-in key and unique in the college
    (``ROLE_KEY_TAKEN``). Permissions must be in the catalogue
    (``UNKNOWN_PERMISSION``) and held by the actor. Emits ``role.created``.
    """
    target = tenancy.target_college(actor, college_id)
    tenancy.require_permission_in(actor, "role:manage", target)
    key = _role_key(key)
    name = normalize_name(name, field="name", max_length=100)
    description = _description(description)
    granted = validate_permissions(permissions)
    _require_held(actor, granted)
    if builtin_role(key) is not None or await _key_taken(session, target, key):
        raise _key_taken_error(key)
    role = Role(
        college_id=target,
        key=key,
        name=name,
        description=description,
        permissions=granted,
        builtin=False,
    )
    session.add(role)
    try:
        await session.flush()
    except IntegrityError as exc:  # created concurrently: the constraint had the last word
        raise _key_taken_error(key) from exc
    await events.publish(
        session,
        type=events.ROLE_CREATED,
        tenant=target,
        subject=role.id,
        actor=actor,
        data={"key": key, "name": name, "permissions": granted},
        on_commit=on_commit,
    )
    return role


async def update_role(
    session: AsyncSession,
    *,
    actor: Principal,
    role_id: str,
    name: str | None = None,
    description: str | None = None,
    permissions: Iterable[str] | None = None,
    on_commit: events.OnCommit | None = None,
) -> Role:
    """Change a custom role's name, description or permissions; ``role:manage``.

    Built-in roles are not changed (``ROLE_NOT_EDITABLE``); the key never
    changes. The actor must hold every permission added or removed. Emits
    ``role.updated`` when something changed.
    """
    role = await _custom_role_for_change(session, actor, role_id)
    changed: list[str] = []
    added: list[str] = []
    removed: list[str] = []
    if name is not None:
        new_name = normalize_name(name, field="name", max_length=100)
        if new_name != role.name:
            role.name = new_name
            changed.append("name")
    if description is not None:
        new_description = _description(description)
        if new_description != role.description:
            role.description = new_description
            changed.append("description")
    if permissions is not None:
        granted = validate_permissions(permissions)
        before = set(role.permissions)
        added = sorted(set(granted) - before)
        removed = sorted(before - set(granted))
        _require_held(actor, [*added, *removed])
        if added or removed:
            role.permissions = granted
            changed.append("permissions")
    if changed:
        await session.flush()
        await events.publish(
            session,
            type=events.ROLE_UPDATED,
            tenant=role.college_id,
            subject=role.id,
            actor=actor,
            data={"key": role.key, "changed": changed, "added": added, "removed": removed},
            on_commit=on_commit,
        )
    return role


async def delete_role(
    session: AsyncSession,
    *,
    actor: Principal,
    role_id: str,
    reassign_to: str | None = None,
    on_commit: events.OnCommit | None = None,
) -> int:
    """Delete a custom role; return how many accounts held it. ``role:manage``.

    While accounts hold it the role is kept (``ROLE_IN_USE``, saying how
    many) unless ``reassign_to`` names a role of the college (built-in or
    custom, not this one) its holders get instead; the actor must be able to
    give that role and to take this one (``role:assign`` and the
    permissions of both). Each holder gets a ``role.changed`` event, then
    the role a ``role.deleted``.
    """
    role = await _custom_role_for_change(session, actor, role_id)
    holders = list(
        await session.scalars(
            select(Account)
            .join(AccountRole, AccountRole.account_id == Account.id)
            .where(AccountRole.role_id == role.id)
            .order_by(Account.id)
        )
    )
    replacement: Role | None = None
    if holders:
        if reassign_to is None:
            raise DomainError(
                IdentityErrorCode.ROLE_IN_USE,
                f"{len(holders)} account(s) hold the role {role.key!r}: take it from them "
                "first, or name a role to give them instead (reassign_to).",
                "id",
            )
        actor.require("role:assign")
        (replacement,) = await resolve_roles(
            session, college_id=role.college_id, keys=[reassign_to], field="reassign_to"
        )
        if replacement.id == role.id:
            raise DomainError(
                IdentityErrorCode.UNKNOWN_ROLE,
                "A role cannot be replaced by itself.",
                "reassign_to",
            )
        for account in holders:
            check_assignable(actor, kind=account.kind, roles=[role], field="id")
            check_assignable(actor, kind=account.kind, roles=[replacement], field="reassign_to")
    await _reassign(session, actor, role, replacement, holders, on_commit=on_commit)
    await session.execute(delete(Role).where(Role.id == role.id))
    await events.publish(
        session,
        type=events.ROLE_DELETED,
        tenant=role.college_id,
        subject=role.id,
        actor=actor,
        data={
            "key": role.key,
            "holders": len(holders),
            "reassigned_to": replacement.key if replacement is not None else None,
        },
        on_commit=on_commit,
    )
    session.expunge(role)
    return len(holders)


async def get_role(session: AsyncSession, *, actor: Principal, role_id: str) -> Role:
    """A built-in college role or one of the college's own; ``role:read``.

    Another college's role is ``NOT_FOUND``.
    """
    actor.require("role:read")
    role = await session.get(Role, role_id)
    if role is None or not _visible(actor, role):
        raise NotFoundError("No such role.")
    return role


async def list_roles(
    session: AsyncSession, *, actor: Principal, college_id: str | None = None
) -> list[Role]:
    """The roles a college can give: the built-in college roles, then its own by key.

    ``role:read``. The platform's super-admin role is not among them.
    """
    target = tenancy.target_college(actor, college_id)
    tenancy.require_permission_in(actor, "role:read", target)
    rows = await session.scalars(
        select(Role)
        .where(or_(Role.college_id == target, Role.college_id.is_(None)))
        .order_by(Role.builtin.desc(), Role.key)
    )
    order = {spec.key: index for index, spec in enumerate(BUILTIN_ROLES)}
    roles = [role for role in rows if _college_role(role)]
    return sorted(roles, key=lambda r: (not r.builtin, order.get(r.key, 0), r.key))


async def _reassign(
    session: AsyncSession,
    actor: Principal,
    role: Role,
    replacement: Role | None,
    holders: Sequence[Account],
    *,
    on_commit: events.OnCommit | None,
) -> None:
    """Take ``role`` from each holder, give ``replacement``, and say so per account."""
    if not holders:
        return
    await session.execute(delete(AccountRole).where(AccountRole.role_id == role.id))
    already = set()
    if replacement is not None:
        already = set(
            await session.scalars(
                select(AccountRole.account_id).where(AccountRole.role_id == replacement.id)
            )
        )
    for account in holders:
        added: list[str] = []
        if replacement is not None and account.id not in already:
            session.add(
                AccountRole(
                    account_id=account.id, role_id=replacement.id, assigned_by=actor.user_id
                )
            )
            added = [replacement.key]
        await session.flush()
        held = [r.key for r in await roles_of(session, account.id)]
        await events.publish(
            session,
            type=events.ROLE_CHANGED,
            tenant=account.college_id,
            subject=account.id,
            actor=actor,
            data={"added": added, "removed": [role.key], "roles": held},
            on_commit=on_commit,
        )


async def _custom_role_for_change(session: AsyncSession, actor: Principal, role_id: str) -> Role:
    actor.require("role:manage")
    role = await session.get(Role, role_id, with_for_update=True)
    if role is None or not _visible(actor, role):
        raise NotFoundError("No such role.")
    if role.builtin or role.college_id is None:
        raise DomainError(
            IdentityErrorCode.ROLE_NOT_EDITABLE,
            f"The built-in role {role.key!r} cannot be changed; create a custom role instead.",
            "id",
        )
    # the actor must hold what the role grants to change or delete it
    _require_held(actor, role.permissions)
    return role


def _visible(actor: Principal, role: Role) -> bool:
    if role.college_id is None:
        return _college_role(role) or actor.is_superuser
    return tenancy.can_see(actor, role.college_id)


def _college_role(role: Role) -> bool:
    spec = builtin_role(role.key) if role.builtin else None
    return not (spec is not None and spec.platform) and not (role.builtin and spec is None)


def _require_held(actor: Principal, permissions: Iterable[str]) -> None:
    if actor.is_superuser:
        return
    for permission in sorted(permissions):
        if not _holds(actor, permission):
            raise PermissionDenied(
                f"You cannot put {permission!r} into a role or take it out: you do not hold it.",
                permission=permission,
            )


def _role_key(value: str) -> str:
    key = value.strip()
    if not (2 <= len(key) <= 64) or _ROLE_KEY.match(key) is None:
        raise DomainError(
            IdentityErrorCode.INVALID_ROLE_KEY,
            "A role key has 2 to 64 lower-case letters, digits and single hyphens "
            "(e.g. 'lab-assistant').",
            "key",
        )
    return key


def _description(value: str) -> str:
    text = value.strip()
    if len(text) > MAX_DESCRIPTION_LENGTH:
        raise DomainError(
            IdentityErrorCode.INVALID_NAME,
            f"A description has at most {MAX_DESCRIPTION_LENGTH} characters.",
            "description",
        )
    return text


async def _key_taken(session: AsyncSession, college_id: str, key: str) -> bool:
    count = await session.scalar(
        select(func.count()).select_from(Role).where(Role.college_id == college_id, Role.key == key)
    )
    return bool(count)


def _key_taken_error(key: str) -> DomainError:
    return DomainError(
        IdentityErrorCode.ROLE_KEY_TAKEN,
        f"The role key {key!r} is already used by a built-in role or one of the college's.",
        "key",
    )
