"""Accounts: invite, read, list, give roles, activate, deactivate, delete and purge.

Every function takes the acting principal and checks tenancy
(:mod:`subgraphs.identity.tenancy`): an account of another college is "not
found" to a reader and out of reach to a writer, except for the platform's
super-admin. Functions run in the caller's transaction (``session``) and
write their events to the outbox in it, so a failure leaves nothing behind.
Soft-deleted accounts are invisible here until they are purged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.auth.revocation import RevocationList
from shared.db import utcnow
from shared.errors import DomainError, NotFoundError, PermissionDenied
from shared.graphql.relay import Page, paginate
from subgraphs.identity import events, tenancy
from subgraphs.identity.errors import IdentityErrorCode
from subgraphs.identity.models import (
    Account,
    AccountKind,
    AccountRole,
    AccountStatus,
    College,
    CollegeStatus,
    OneTimeToken,
    RefreshToken,
    Role,
    TokenPurpose,
)
from subgraphs.identity.one_time_tokens import issue_one_time_token
from subgraphs.identity.permissions import STUDENT, SUPER_ADMIN
from subgraphs.identity.roles import check_assignable, resolve_roles, role_permissions, roles_of
from subgraphs.identity.settings import IdentitySettings
from subgraphs.identity.validation import normalize_email, normalize_name

__all__ = [
    "DEFAULT_ROLES",
    "AccountFilter",
    "Invitation",
    "accounts_query",
    "activate_account",
    "add_invited_account",
    "assign_role",
    "deactivate_account",
    "delete_account",
    "effective_permissions",
    "get_account",
    "get_account_by_email",
    "invite_account",
    "list_accounts",
    "mark_activated",
    "principal_for_account",
    "purge_deleted_accounts",
    "remove_role",
]

_DEFAULTS = IdentitySettings.model_construct()
DEFAULT_INVITATION_TTL = timedelta(hours=_DEFAULTS.invitation_ttl_hours)
DEFAULT_RETENTION = timedelta(days=_DEFAULTS.account_retention_days)

DEFAULT_ROLES: dict[AccountKind, tuple[str, ...]] = {
    AccountKind.STUDENT: (STUDENT,),
    AccountKind.STAFF: (),
    AccountKind.PLATFORM: (SUPER_ADMIN,),
}
"""Roles an invited account gets when none are named (staff roles are always chosen)."""


@dataclass(frozen=True)
class Invitation:
    """An invited account and the raw invitation token for its email (shown only once)."""

    account: Account
    token: str
    expires_at: datetime


# -- invite ---------------------------------------------------------------------------------
async def invite_account(
    session: AsyncSession,
    *,
    actor: Principal,
    email: str,
    display_name: str,
    kind: AccountKind,
    college_id: str | None = None,
    department_id: str | None = None,
    role_keys: Sequence[str] | None = None,
    invitation_ttl: timedelta = DEFAULT_INVITATION_TTL,
    on_commit: events.OnCommit | None = None,
) -> Invitation:
    """Create an account in status ``invited`` with its roles, and an invitation token.

    Staff and students join the actor's college (or ``college_id``, for the
    super-admin); platform accounts join no college and only the super-admin
    invites them. Needs ``user:invite``; ``role_keys`` default to
    :data:`DEFAULT_ROLES`; each role must be one the actor may give.
    """
    if kind is AccountKind.PLATFORM:
        if not actor.is_superuser:
            raise PermissionDenied("Only platform super-admins invite platform accounts.")
        if college_id is not None:
            raise DomainError(
                IdentityErrorCode.INVALID_ACCOUNT_KIND,
                "A platform account belongs to no college.",
                "kind",
            )
        target: str | None = None
    else:
        target = tenancy.target_college(actor, college_id)
        tenancy.require_permission_in(actor, "user:invite", target)
        await _active_college(session, target)
    return await add_invited_account(
        session,
        actor=actor,
        college_id=target,
        email=email,
        display_name=display_name,
        kind=kind,
        department_id=department_id,
        role_keys=role_keys,
        invitation_ttl=invitation_ttl,
        on_commit=on_commit,
    )


async def add_invited_account(
    session: AsyncSession,
    *,
    actor: Principal,
    college_id: str | None,
    email: str,
    display_name: str,
    kind: AccountKind,
    department_id: str | None = None,
    role_keys: Sequence[str] | None = None,
    invitation_ttl: timedelta = DEFAULT_INVITATION_TTL,
    on_commit: events.OnCommit | None = None,
) -> Invitation:
    """The invitation itself, once the caller has checked the actor may invite here.

    Validates everything before writing anything; emits ``user.invited``.
    Used by :func:`invite_account`, college creation and bulk import.
    """
    email = normalize_email(email)
    display_name = normalize_name(display_name, field="display_name")
    department_id = _department(department_id)
    keys = DEFAULT_ROLES[kind] if role_keys is None else tuple(role_keys)
    roles = await resolve_roles(session, college_id=college_id, keys=keys, field="role_keys")
    check_assignable(actor, kind=kind, roles=roles, field="role_keys")
    if await _email_taken(session, college_id, email):
        raise _duplicate(email)

    account = Account(
        college_id=college_id,
        email=email,
        display_name=display_name,
        kind=kind,
        status=AccountStatus.INVITED,
        department_id=department_id,
        failed_login_count=0,
    )
    session.add(account)
    try:
        await session.flush()
    except IntegrityError as exc:  # invited concurrently: the constraint had the last word
        raise _duplicate(email) from exc
    for role in roles:
        session.add(AccountRole(account_id=account.id, role_id=role.id, assigned_by=actor.user_id))
    issued = await issue_one_time_token(
        session, account_id=account.id, purpose=TokenPurpose.INVITATION, ttl=invitation_ttl
    )
    await events.publish(
        session,
        type=events.USER_INVITED,
        tenant=college_id,
        subject=account.id,
        actor=actor,
        data={
            "email": email,
            "display_name": display_name,
            "kind": kind.value,
            "roles": [role.key for role in roles],
            "department_id": department_id,
            "expires_at": issued.row.expires_at.isoformat(),
        },
        on_commit=on_commit,
    )
    return Invitation(account=account, token=issued.raw, expires_at=issued.row.expires_at)


# -- read -----------------------------------------------------------------------------------
async def get_account(session: AsyncSession, *, actor: Principal, account_id: str) -> Account:
    """The account ``account_id``: one's own, or any of one's college with ``user:read``."""
    account = await session.get(Account, account_id)
    if account is None or account.deleted_at is not None or not _may_read(actor, account):
        raise NotFoundError("No such account.")
    return account


async def get_account_by_email(
    session: AsyncSession, *, actor: Principal, email: str, college_id: str | None = None
) -> Account:
    """The account with ``email`` in the actor's college (or ``college_id``, super-admins)."""
    target = tenancy.target_college(actor, college_id)
    try:
        normal = normalize_email(email)
    except DomainError:
        raise NotFoundError("No such account.") from None
    account = await session.scalar(
        select(Account).where(
            Account.college_id == target, Account.email == normal, Account.deleted_at.is_(None)
        )
    )
    if account is None or not _may_read(actor, account):
        raise NotFoundError("No such account.")
    return account


@dataclass(frozen=True, kw_only=True)
class AccountFilter:
    """Which accounts to list; every given condition must hold."""

    kind: AccountKind | None = None
    status: AccountStatus | None = None
    role_key: str | None = None
    department_id: str | None = None
    email_prefix: str | None = None


def accounts_query(
    *, actor: Principal, college_id: str | None = None, filter: AccountFilter | None = None
) -> Select[Account]:
    """The live accounts of the actor's college (or ``college_id``) matching ``filter``.

    Needs ``user:read``. Unordered: :func:`list_accounts` pages it, or the
    caller passes it to ``paginate`` with an order of its own.
    """
    target = tenancy.target_college(actor, college_id)
    tenancy.require_permission_in(actor, "user:read", target)
    query = select(Account).where(Account.college_id == target, Account.deleted_at.is_(None))
    if filter is None:
        return query
    if filter.kind is not None:
        query = query.where(Account.kind == filter.kind)
    if filter.status is not None:
        query = query.where(Account.status == filter.status)
    if filter.department_id is not None:
        query = query.where(Account.department_id == filter.department_id)
    if filter.email_prefix:
        prefix = filter.email_prefix.strip().lower()
        query = query.where(Account.email.startswith(prefix, autoescape=True))
    if filter.role_key is not None:
        holds = (
            select(AccountRole.account_id)
            .join(Role, Role.id == AccountRole.role_id)
            .where(AccountRole.account_id == Account.id, Role.key == filter.role_key)
        )
        query = query.where(exists(holds))
    return query


async def list_accounts(
    session: AsyncSession,
    *,
    actor: Principal,
    college_id: str | None = None,
    filter: AccountFilter | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> Page[Account]:
    """One page of :func:`accounts_query`, oldest first (keyset pagination, stable cursors)."""
    query = accounts_query(actor=actor, college_id=college_id, filter=filter)
    return await paginate(
        session,
        query,
        order_by=[Account.created_at],
        first=first,
        after=after,
        last=last,
        before=before,
    )


# -- roles ----------------------------------------------------------------------------------
async def assign_role(
    session: AsyncSession,
    *,
    actor: Principal,
    account_id: str,
    role_key: str,
    on_commit: events.OnCommit | None = None,
) -> Account:
    """Give ``role_key`` to the account (no change if it holds it already); ``role:assign``."""
    account = await _for_change(session, actor, account_id, "role:assign")
    (role,) = await resolve_roles(
        session, college_id=account.college_id, keys=[role_key], field="role_key"
    )
    check_assignable(actor, kind=account.kind, roles=[role], field="role_key")
    if await session.get(AccountRole, (account.id, role.id)) is None:
        session.add(AccountRole(account_id=account.id, role_id=role.id, assigned_by=actor.user_id))
        await session.flush()
        await _roles_changed(session, actor, account, added=[role.key], on_commit=on_commit)
    return account


async def remove_role(
    session: AsyncSession,
    *,
    actor: Principal,
    account_id: str,
    role_key: str,
    on_commit: events.OnCommit | None = None,
) -> Account:
    """Take ``role_key`` from the account (no change if it does not hold it); ``role:assign``.

    Taking a role needs the same standing as giving it, so a teacher with
    ``role:assign`` cannot demote the college admin.
    """
    account = await _for_change(session, actor, account_id, "role:assign")
    (role,) = await resolve_roles(
        session, college_id=account.college_id, keys=[role_key], field="role_key"
    )
    check_assignable(actor, kind=account.kind, roles=[role], field="role_key")
    held = await session.get(AccountRole, (account.id, role.id))
    if held is not None:
        await session.delete(held)
        await session.flush()
        await _roles_changed(session, actor, account, removed=[role.key], on_commit=on_commit)
    return account


async def effective_permissions(
    session: AsyncSession, *, actor: Principal, account_id: str
) -> frozenset[str]:
    """The union of the permissions of the account's roles (readable as :func:`get_account`)."""
    account = await get_account(session, actor=actor, account_id=account_id)
    return _union(await roles_of(session, account.id))


async def principal_for_account(session: AsyncSession, account: Account) -> Principal:
    """The principal an access token for ``account`` describes: its college, roles, permissions.

    For the session part (login, refresh): no actor, the caller has just
    authenticated the account.
    """
    roles = await roles_of(session, account.id)
    return Principal(
        user_id=account.id,
        college_id=account.college_id,
        roles=frozenset(role.key for role in roles),
        permissions=_union(roles),
    )


# -- lifecycle ------------------------------------------------------------------------------
async def activate_account(
    session: AsyncSession,
    *,
    actor: Principal,
    account_id: str,
    on_commit: events.OnCommit | None = None,
) -> Account:
    """Reactivate a deactivated account (or one that set its password); ``user:activate``.

    An invited account without a password becomes active by accepting its
    invitation, not here (``INVITATION_NOT_ACCEPTED``).
    """
    account = await _for_change(session, actor, account_id, "user:activate")
    if account.status is AccountStatus.ACTIVE:
        raise DomainError(
            IdentityErrorCode.ACCOUNT_ALREADY_ACTIVE, "The account is already active.", "id"
        )
    if account.password_hash is None:
        raise DomainError(
            IdentityErrorCode.INVITATION_NOT_ACCEPTED,
            "The account becomes active when its invitation is accepted.",
            "id",
        )
    return await mark_activated(session, account=account, actor=actor, on_commit=on_commit)


async def mark_activated(
    session: AsyncSession,
    *,
    account: Account,
    actor: Principal | None,
    on_commit: events.OnCommit | None = None,
) -> Account:
    """Set ``account`` active and emit ``user.activated`` (also when an invitation is accepted)."""
    account.status = AccountStatus.ACTIVE
    await session.flush()
    await events.publish(
        session,
        type=events.USER_ACTIVATED,
        tenant=account.college_id,
        subject=account.id,
        actor=actor,
        on_commit=on_commit,
    )
    return account


async def deactivate_account(
    session: AsyncSession,
    *,
    actor: Principal,
    account_id: str,
    revocations: RevocationList | None = None,
    on_commit: events.OnCommit | None = None,
) -> Account:
    """Deactivate the account and end every session of it; ``user:deactivate``.

    Its access tokens issued until now are refused (``sessions_valid_after``,
    and at once by every service when ``revocations``, the platform's
    revocation list, is given: callers serving requests always pass it),
    every refresh-token family is revoked and its pending invitation or
    reset links stop working. Nobody deactivates themselves.
    """
    account = await _for_change(session, actor, account_id, "user:deactivate", not_self=True)
    if account.status is AccountStatus.DEACTIVATED:
        raise DomainError(
            IdentityErrorCode.ACCOUNT_DEACTIVATED, "The account is already deactivated.", "id"
        )
    await _deactivated(
        session, actor, account, now=utcnow(), revocations=revocations, on_commit=on_commit
    )
    return account


async def delete_account(
    session: AsyncSession,
    *,
    actor: Principal,
    account_id: str,
    retention: timedelta = DEFAULT_RETENTION,
    revocations: RevocationList | None = None,
    on_commit: events.OnCommit | None = None,
) -> Account:
    """Soft-delete the account; ``user:delete``. It is purged ``retention`` from now.

    Until then the row stays (its email stays taken) but no function here
    shows it; its sessions end at once, as on deactivation (``revocations``
    as there).
    """
    account = await _for_change(session, actor, account_id, "user:delete", not_self=True)
    await _soft_deleted(
        session,
        actor,
        account,
        now=utcnow(),
        retention=retention,
        revocations=revocations,
        on_commit=on_commit,
    )
    return account


async def purge_deleted_accounts(
    session: AsyncSession,
    *,
    actor: Principal,
    now: datetime | None = None,
    limit: int = 500,
    on_commit: events.OnCommit | None = None,
) -> int:
    """Remove for good up to ``limit`` accounts whose retention ended; return how many.

    A platform job: only a service principal or a super-admin runs it. Each
    purge emits ``user.purged`` so other services forget the person too;
    the account's roles, tokens and password history go with it (cascade).
    """
    if not (actor.kind == "service" or actor.is_superuser):
        raise PermissionDenied("Only the platform purges deleted accounts.")
    now = now or utcnow()
    due = (
        select(Account.id)
        .where(Account.purge_after.is_not(None), Account.purge_after <= now)
        .order_by(Account.purge_after, Account.id)
        .limit(limit)
    )
    # DELETE ... RETURNING: of two purges running at once, each account is returned
    # (and announced) by the one whose delete removed it, never by both
    removed = (
        await session.execute(
            delete(Account)
            .where(Account.id.in_(due.scalar_subquery()))
            .returning(Account.id, Account.college_id)
            .execution_options(synchronize_session=False)
        )
    ).all()
    for account_id, college_id in removed:
        await events.publish(
            session,
            type=events.USER_PURGED,
            tenant=college_id,
            subject=account_id,
            actor=actor,
            on_commit=on_commit,
        )
    return len(removed)


# -- helpers --------------------------------------------------------------------------------
async def _deactivated(
    session: AsyncSession,
    actor: Principal,
    account: Account,
    *,
    now: datetime,
    revocations: RevocationList | None,
    on_commit: events.OnCommit | None,
) -> None:
    """Deactivate a checked ``account``: end its sessions, emit ``user.deactivated``
    (one account here, many in :mod:`subgraphs.identity.bulk_accounts`)."""
    await _end_sessions(session, account, now=now, revocations=revocations)
    account.status = AccountStatus.DEACTIVATED
    await session.flush()
    await events.publish(
        session,
        type=events.USER_DEACTIVATED,
        tenant=account.college_id,
        subject=account.id,
        actor=actor,
        on_commit=on_commit,
    )


async def _soft_deleted(
    session: AsyncSession,
    actor: Principal,
    account: Account,
    *,
    now: datetime,
    retention: timedelta,
    revocations: RevocationList | None,
    on_commit: events.OnCommit | None,
) -> None:
    """Soft-delete a checked ``account`` (purged ``retention`` from ``now``), ending its
    sessions; emit ``user.deleted``."""
    await _end_sessions(session, account, now=now, revocations=revocations)
    account.status = AccountStatus.DEACTIVATED
    account.deleted_at = now
    account.purge_after = now + retention
    await session.flush()
    await events.publish(
        session,
        type=events.USER_DELETED,
        tenant=account.college_id,
        subject=account.id,
        actor=actor,
        data={"purge_after": account.purge_after.isoformat()},
        on_commit=on_commit,
    )


def _may_read(actor: Principal, account: Account) -> bool:
    if actor.is_authenticated and actor.user_id == account.id and actor.kind == "user":
        return True
    return actor.has("user:read") and tenancy.can_see(actor, account.college_id)


async def _for_change(
    session: AsyncSession,
    actor: Principal,
    account_id: str,
    permission: str,
    *,
    not_self: bool = False,
) -> Account:
    """The live account to change; ``NOT_FOUND`` across colleges, ``FORBIDDEN`` without right."""
    actor.require(permission)
    account = await session.get(Account, account_id, with_for_update=True)
    if account is None or account.deleted_at is not None:
        raise NotFoundError("No such account.")
    if not tenancy.can_see(actor, account.college_id):
        raise NotFoundError("No such account.")
    if not_self and actor.user_id == account.id:
        raise DomainError(
            IdentityErrorCode.CANNOT_CHANGE_SELF, "You cannot do this to your own account.", "id"
        )
    return account


async def _active_college(session: AsyncSession, college_id: str) -> College:
    college = await session.get(College, college_id)
    if college is None:
        raise NotFoundError("No such college.")
    if college.status is not CollegeStatus.ACTIVE:
        raise DomainError(
            IdentityErrorCode.COLLEGE_SUSPENDED, "The college is suspended.", "college_id"
        )
    return college


async def _email_taken(session: AsyncSession, college_id: str | None, email: str) -> bool:
    same_college = (
        Account.college_id.is_(None) if college_id is None else Account.college_id == college_id
    )
    found = await session.scalar(
        select(Account.id).where(same_college, Account.email == email).limit(1)
    )
    return found is not None


def _duplicate(email: str) -> DomainError:
    return DomainError(
        IdentityErrorCode.DUPLICATE_EMAIL,
        f"An account with the email {email!r} already exists in this college.",
        "email",
    )


def _department(value: str | None) -> str | None:
    if value is None:
        return None
    department = value.strip()
    if not department or len(department) > 64:
        raise DomainError(
            IdentityErrorCode.INVALID_DEPARTMENT,
            "A department id has 1 to 64 characters.",
            "department_id",
        )
    return department


async def _end_sessions(
    session: AsyncSession,
    account: Account,
    *,
    now: datetime | None = None,
    revocations: RevocationList | None = None,
) -> None:
    """Refuse the account's current access tokens and revoke every refresh-token family.

    With ``revocations`` the user's access tokens are refused by every service
    at once, not only when they expire.
    """
    now = now or utcnow()
    account.sessions_valid_after = now
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.account_id == account.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    await session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.account_id == account.id, OneTimeToken.used_at.is_(None))
        .values(used_at=now)
    )
    if revocations is not None:
        await revocations.revoke_user(account.id)


async def _roles_changed(
    session: AsyncSession,
    actor: Principal,
    account: Account,
    *,
    added: Sequence[str] = (),
    removed: Sequence[str] = (),
    on_commit: events.OnCommit | None,
) -> None:
    held = await roles_of(session, account.id)
    await events.publish(
        session,
        type=events.ROLE_CHANGED,
        tenant=account.college_id,
        subject=account.id,
        actor=actor,
        data={"added": list(added), "removed": list(removed), "roles": [r.key for r in held]},
        on_commit=on_commit,
    )


def _union(roles: Sequence[Role]) -> frozenset[str]:
    granted: set[str] = set()
    for role in roles:
        granted |= role_permissions(role)
    return frozenset(granted)
