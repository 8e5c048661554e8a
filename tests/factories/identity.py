"""Identity test data: colleges, accounts and principals with valid defaults.

Rows are inserted directly (no events), so a test sets up exactly the state
it needs and then calls the one service function it is about.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import ALL_PERMISSIONS, Principal
from shared.events import Event
from subgraphs.identity.models import (
    Account,
    AccountKind,
    AccountRole,
    AccountStatus,
    College,
    CollegeStatus,
    new_id,
    outbox,
)
from subgraphs.identity.permissions import COLLEGE_ADMIN, builtin_role
from subgraphs.identity.roles import resolve_roles, sync_builtin_roles

__all__ = [
    "actor_for",
    "college_admin",
    "make_account",
    "make_college",
    "outbox_events",
    "principal",
    "service_principal",
    "super_admin",
]

_sequence = itertools.count(1)


def super_admin() -> Principal:
    """A platform super-admin (``*``), of no college."""
    return Principal(user_id=new_id(), permissions=frozenset({ALL_PERMISSIONS}))


def service_principal() -> Principal:
    """A platform job (kind ``service``) with no permissions of its own."""
    return Principal(user_id="identity-jobs", kind="service")


def principal(college: College | str, *permissions: str, user_id: str | None = None) -> Principal:
    """A user of ``college`` holding exactly ``permissions``."""
    college_id = college if isinstance(college, str) else college.id
    return Principal(
        user_id=user_id or new_id(), college_id=college_id, permissions=frozenset(permissions)
    )


def college_admin(college: College | str, *, user_id: str | None = None) -> Principal:
    """A user of ``college`` with the built-in college-admin permissions."""
    role = builtin_role(COLLEGE_ADMIN)
    assert role is not None
    return principal(college, *role.permissions, user_id=user_id)


def actor_for(account: Account, *permissions: str) -> Principal:
    """The principal of ``account`` itself, holding ``permissions``."""
    return Principal(
        user_id=account.id, college_id=account.college_id, permissions=frozenset(permissions)
    )


async def make_college(
    session: AsyncSession,
    *,
    slug: str | None = None,
    name: str = "Test College",
    status: CollegeStatus = CollegeStatus.ACTIVE,
) -> College:
    """An active college (built-in roles seeded)."""
    await sync_builtin_roles(session)
    college = College(
        slug=slug or f"college-{next(_sequence)}",
        name=name,
        status=status,
        settings={"time_zone": "UTC", "locale": "en", "academic_year_start_month": 9},
        password_policy={},
    )
    session.add(college)
    await session.flush()
    return college


async def make_account(
    session: AsyncSession,
    *,
    college: College | None,
    email: str | None = None,
    display_name: str = "Test Person",
    kind: AccountKind = AccountKind.STAFF,
    status: AccountStatus = AccountStatus.ACTIVE,
    roles: Iterable[str] = (),
    department_id: str | None = None,
    password_hash: str | None = "$argon2id$test-hash",
) -> Account:
    """An account of ``college`` (``None``: a platform account) holding ``roles`` by key."""
    college_id = college.id if college is not None else None
    account = Account(
        college_id=college_id,
        email=email or f"person{next(_sequence)}@example.edu",
        display_name=display_name,
        kind=kind,
        status=status,
        department_id=department_id,
        password_hash=password_hash,
        failed_login_count=0,
    )
    session.add(account)
    await session.flush()
    for role in await resolve_roles(session, college_id=college_id, keys=roles):
        session.add(AccountRole(account_id=account.id, role_id=role.id))
    await session.flush()
    return account


async def outbox_events(session: AsyncSession, type: str | None = None) -> list[Event]:
    """The events in identity's outbox, oldest first (of ``type`` when given)."""
    payloads = await session.scalars(select(outbox.c.payload).order_by(outbox.c.id))
    found = [Event.from_json(payload) for payload in payloads]
    return [event for event in found if type is None or event.type == type]
