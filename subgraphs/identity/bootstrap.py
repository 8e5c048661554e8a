"""The first account of a fresh install: the platform super-admin.

Nobody can be invited before someone can sign in, so ``lms create-superadmin``
makes the first platform account directly: kind ``platform``, no college,
the built-in super-admin role, active, with a password that passes the
default password policy. It emits ``user.created_superadmin`` (account
id, email, name and role; never the password), so the audit log records a
fresh install's first account.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import utcnow
from shared.errors import DomainError
from subgraphs.identity import events
from subgraphs.identity.errors import IdentityErrorCode
from subgraphs.identity.models import Account, AccountKind, AccountRole, AccountStatus
from subgraphs.identity.password_policy import PasswordPolicy, check_password
from subgraphs.identity.passwords import hash_password_async
from subgraphs.identity.permissions import SUPER_ADMIN
from subgraphs.identity.roles import resolve_roles, sync_builtin_roles
from subgraphs.identity.validation import normalize_email, normalize_name

__all__ = ["DEFAULT_SUPERADMIN_NAME", "create_superadmin", "superadmin_password_problems"]

DEFAULT_SUPERADMIN_NAME = "Platform administrator"


def superadmin_password_problems(
    password: str, *, email: str, display_name: str
) -> list[DomainError]:
    """Every rule of the default password policy that ``password`` breaks."""
    return check_password(PasswordPolicy(), password, email=email, display_name=display_name)


async def create_superadmin(
    session: AsyncSession,
    *,
    email: str,
    password: str,
    display_name: str = DEFAULT_SUPERADMIN_NAME,
    now: datetime | None = None,
) -> Account:
    """Create an active platform account holding the super-admin role.

    Raises :class:`DomainError`: ``INVALID_EMAIL``, ``DUPLICATE_EMAIL`` when a
    platform account has that email, or the password policy's codes (the
    first broken rule; call :func:`superadmin_password_problems` for all).
    Emits ``user.created_superadmin`` (no tenant, no actor: nobody is signed
    in yet) in the session's transaction.
    """
    now = now or utcnow()
    address = normalize_email(email)
    name = normalize_name(display_name, field="name")
    problems = superadmin_password_problems(password, email=address, display_name=name)
    if problems:
        raise problems[0]
    taken = await session.scalar(
        select(Account.id).where(Account.college_id.is_(None), Account.email == address).limit(1)
    )
    if taken is not None:
        raise DomainError(
            IdentityErrorCode.DUPLICATE_EMAIL,
            f"A platform account with the email {address} already exists.",
            "email",
        )
    await sync_builtin_roles(session)
    account = Account(
        college_id=None,
        email=address,
        display_name=name,
        kind=AccountKind.PLATFORM,
        status=AccountStatus.ACTIVE,
        password_hash=await hash_password_async(password),
        password_changed_at=now,
        failed_login_count=0,
    )
    session.add(account)
    await session.flush()
    for role in await resolve_roles(session, college_id=None, keys=[SUPER_ADMIN]):
        session.add(AccountRole(account_id=account.id, role_id=role.id))
    await session.flush()
    await events.publish(
        session,
        type=events.USER_CREATED_SUPERADMIN,
        tenant=None,
        subject=account.id,
        actor=None,
        data={"email": address, "display_name": name, "roles": [SUPER_ADMIN]},
    )
    return account
