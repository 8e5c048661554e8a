"""Bulk account changes: deactivate, update (status, department, role) or delete many at once.

Each call takes up to :data:`MAX_BULK_ACCOUNTS` account ids and is all or
nothing: every item is checked first, and any problem is reported per item
(:class:`BulkError`: index, field, code, message) in one
:class:`BulkAccountsError` before anything is written. Ids that do not
exist, were deleted or belong to another college are all ``UNKNOWN_ACCOUNT``
(one college never learns another's ids). Permissions are checked once for
the whole call and are top-level errors, as for the single functions.

The rules and effects are those of :mod:`subgraphs.identity.accounts`:
nobody changes their own status, deactivation and deletion end every
session and void pending links, each account gets the event the single
function emits (``user.deactivated``, ``user.activated``, ``user.deleted``,
``role.changed``; ``user.updated`` for a department change). Deactivating
an account that already is deactivated is an error, as one by one; an
update *sets* values, so an account already in the asked state is left
alone and gets no event.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from functools import partial

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.auth.revocation import RevocationList
from shared.db import utcnow
from shared.errors import BadUserInput, DomainError, DomainErrors
from subgraphs.identity import events, tenancy
from subgraphs.identity.accounts import (
    DEFAULT_RETENTION,
    _deactivated,
    _department,
    _roles_changed,
    _soft_deleted,
    mark_activated,
)
from subgraphs.identity.errors import IdentityErrorCode
from subgraphs.identity.models import Account, AccountRole, AccountStatus, Role
from subgraphs.identity.roles import check_assignable, resolve_roles

__all__ = [
    "MAX_BULK_ACCOUNTS",
    "UNSET",
    "AccountChange",
    "BulkAccountsError",
    "BulkError",
    "bulk_deactivate_accounts",
    "bulk_delete_accounts",
    "bulk_update_accounts",
]

MAX_BULK_ACCOUNTS = 100
"""The most account ids one bulk call takes."""


class _Unset(Enum):
    UNSET = "UNSET"


UNSET = _Unset.UNSET
"""Leave the field as it is (``department_id=None`` clears the department)."""


@dataclass(frozen=True, kw_only=True)
class BulkError:
    """Why item ``index`` of a bulk input cannot be done (as Saleor's ``BulkError``)."""

    index: int
    field: str | None
    code: IdentityErrorCode
    message: str

    def to_domain_error(self) -> DomainError:
        return DomainError(self.code, self.message, self.field, index=self.index)


class BulkAccountsError(DomainErrors):
    """Some items of a bulk call are invalid; nothing was changed. ``items`` says which."""

    def __init__(self, items: Sequence[BulkError]) -> None:
        self.items = tuple(items)
        super().__init__(item.to_domain_error() for item in self.items)


@dataclass(frozen=True, kw_only=True)
class AccountChange:
    """What :func:`bulk_update_accounts` sets on every account; unset fields stay."""

    status: AccountStatus | None = None
    """``active`` (``user:activate``) or ``deactivated`` (``user:deactivate``)."""
    department_id: str | _Unset | None = UNSET
    """A department id, or ``None`` to clear it (``user:update``)."""
    add_role: str | None = None
    """A role key to give (``role:assign``)."""
    remove_role: str | None = None
    """A role key to take away (``role:assign``)."""


# -- public functions -------------------------------------------------------------------------
async def bulk_deactivate_accounts(
    session: AsyncSession,
    *,
    actor: Principal,
    account_ids: Sequence[str],
    revocations: RevocationList | None = None,
    on_commit: events.OnCommit | None = None,
) -> list[Account]:
    """Deactivate every account and end its sessions, as ``deactivate_account`` one by one
    (``revocations`` as there: given, every service refuses their access tokens at once)."""
    items, errors = await _load(session, actor, account_ids, ["user:deactivate"])
    for index, account in items:
        _collect(errors, index, partial(_check_deactivatable, actor, account))
    _raise_if(errors)
    now = utcnow()
    for _, account in items:
        await _deactivated(
            session, actor, account, now=now, revocations=revocations, on_commit=on_commit
        )
    return [account for _, account in items]


async def bulk_delete_accounts(
    session: AsyncSession,
    *,
    actor: Principal,
    account_ids: Sequence[str],
    retention: timedelta = DEFAULT_RETENTION,
    revocations: RevocationList | None = None,
    on_commit: events.OnCommit | None = None,
) -> list[Account]:
    """Soft-delete every account (purged ``retention`` from now), as ``delete_account`` does."""
    items, errors = await _load(session, actor, account_ids, ["user:delete"])
    for index, account in items:
        _collect(errors, index, partial(_check_not_self, actor, account))
    _raise_if(errors)
    now = utcnow()
    for _, account in items:
        await _soft_deleted(
            session,
            actor,
            account,
            now=now,
            retention=retention,
            revocations=revocations,
            on_commit=on_commit,
        )
    return [account for _, account in items]


async def bulk_update_accounts(
    session: AsyncSession,
    *,
    actor: Principal,
    account_ids: Sequence[str],
    change: AccountChange,
    revocations: RevocationList | None = None,
    on_commit: events.OnCommit | None = None,
) -> list[Account]:
    """Set status, department and roles of every account; each part needs its permission.

    A role named but unknown is a whole-input error (``UNKNOWN_ROLE``); a
    role an account's kind cannot hold is that item's
    ``ROLE_NOT_ASSIGNABLE``; giving or taking a role granting more than the
    actor holds is ``FORBIDDEN``.
    """
    if change.status is AccountStatus.INVITED:
        raise BadUserInput("An account cannot be set back to invited.", field="status")
    department = UNSET if change.department_id is UNSET else _department(change.department_id)
    items, errors = await _load(session, actor, account_ids, _permissions_for(change))
    college_ids = {account.college_id for _, account in items}
    add = await _role(session, college_ids, change.add_role, "add_role")
    remove = await _role(session, college_ids, change.remove_role, "remove_role")
    for index, account in items:
        if change.status is not None:
            _collect(errors, index, partial(_check_status, actor, account, change.status))
        for role, field in ((add, "add_role"), (remove, "remove_role")):
            if role is not None:
                check = partial(
                    check_assignable, actor, kind=account.kind, roles=[role], field=field
                )
                _collect(errors, index, check)
    _raise_if(errors)
    now = utcnow()
    for _, account in items:
        if department is not UNSET and account.department_id != department:
            account.department_id = department
            await session.flush()
            await events.publish(
                session,
                type=events.USER_UPDATED,
                tenant=account.college_id,
                subject=account.id,
                actor=actor,
                data={"changed": ["department_id"], "department_id": department},
                on_commit=on_commit,
            )
        if change.status is AccountStatus.ACTIVE and account.status is not AccountStatus.ACTIVE:
            await mark_activated(session, account=account, actor=actor, on_commit=on_commit)
        elif (
            change.status is AccountStatus.DEACTIVATED
            and account.status is not AccountStatus.DEACTIVATED
        ):
            await _deactivated(
                session, actor, account, now=now, revocations=revocations, on_commit=on_commit
            )
        await _change_roles(session, actor, account, add=add, remove=remove, on_commit=on_commit)
    return [account for _, account in items]


# -- checks (the single functions' rules) -----------------------------------------------------
def _check_not_self(actor: Principal, account: Account) -> None:
    if actor.user_id == account.id:
        raise DomainError(
            IdentityErrorCode.CANNOT_CHANGE_SELF, "You cannot do this to your own account.", "id"
        )


def _check_deactivatable(actor: Principal, account: Account) -> None:
    _check_not_self(actor, account)
    if account.status is AccountStatus.DEACTIVATED:
        raise DomainError(
            IdentityErrorCode.ACCOUNT_DEACTIVATED, "The account is already deactivated.", "id"
        )


def _check_status(actor: Principal, account: Account, status: AccountStatus | None) -> None:
    if status is None or account.status is status:
        return
    _check_not_self(actor, account)
    if status is AccountStatus.ACTIVE and account.password_hash is None:
        raise DomainError(
            IdentityErrorCode.INVITATION_NOT_ACCEPTED,
            "The account becomes active when its invitation is accepted.",
            "status",
        )


def _permissions_for(change: AccountChange) -> list[str]:
    needed: list[str] = []
    if change.status is AccountStatus.ACTIVE:
        needed.append("user:activate")
    if change.status is AccountStatus.DEACTIVATED:
        needed.append("user:deactivate")
    if change.department_id is not UNSET:
        needed.append("user:update")
    if change.add_role is not None or change.remove_role is not None:
        needed.append("role:assign")
    if not needed:
        raise BadUserInput("Name at least one change to make.", field="change")
    return needed


# -- helpers ----------------------------------------------------------------------------------
async def _load(
    session: AsyncSession, actor: Principal, account_ids: Sequence[str], permissions: list[str]
) -> tuple[list[tuple[int, Account]], list[BulkError]]:
    """The accounts by input position (locked), and the per-item errors found so far."""
    if not account_ids:
        raise BadUserInput("Name at least one account.", field="account_ids")
    if len(account_ids) > MAX_BULK_ACCOUNTS:
        raise BadUserInput(
            f"`account_ids` takes at most {MAX_BULK_ACCOUNTS} ids (got {len(account_ids)}); "
            "split the request.",
            field="account_ids",
        )
    for permission in permissions:
        actor.require(permission)
    found = {
        account.id: account
        for account in await session.scalars(
            select(Account)
            .where(Account.id.in_(set(account_ids)), Account.deleted_at.is_(None))
            .order_by(Account.id)
            .with_for_update()
        )
        if tenancy.can_see(actor, account.college_id)
    }
    items: list[tuple[int, Account]] = []
    errors: list[BulkError] = []
    seen: set[str] = set()
    for index, account_id in enumerate(account_ids):
        if account_id in seen:
            errors.append(
                BulkError(
                    index=index,
                    field="account_ids",
                    code=IdentityErrorCode.DUPLICATE_ITEM,
                    message=f"The account {account_id!r} is listed more than once.",
                )
            )
            continue
        seen.add(account_id)
        account = found.get(account_id)
        if account is None:
            errors.append(
                BulkError(
                    index=index,
                    field="account_ids",
                    code=IdentityErrorCode.UNKNOWN_ACCOUNT,
                    message=f"No such account: {account_id!r}.",
                )
            )
            continue
        items.append((index, account))
    return items, errors


def _collect(errors: list[BulkError], index: int, check: Callable[[], None]) -> None:
    """Run ``check`` (raising ``DomainError`` when a rule says no); record it for ``index``."""
    try:
        check()
    except DomainError as exc:
        errors.append(
            BulkError(
                index=index,
                field=exc.field,
                code=IdentityErrorCode[exc.code_name],
                message=exc.message,
            )
        )


def _raise_if(errors: list[BulkError]) -> None:
    if errors:
        raise BulkAccountsError(sorted(errors, key=lambda e: e.index))


async def _role(
    session: AsyncSession, college_ids: set[str | None], key: str | None, field: str
) -> Role | None:
    """The role ``key`` names in the accounts' college (roles are given one college at a time)."""
    if key is None:
        return None
    if len(college_ids) > 1:
        raise BadUserInput("Change roles of one college's accounts at a time.", field=field)
    college_id = next(iter(college_ids), None)
    (role,) = await resolve_roles(session, college_id=college_id, keys=[key], field=field)
    return role


async def _change_roles(
    session: AsyncSession,
    actor: Principal,
    account: Account,
    *,
    add: Role | None,
    remove: Role | None,
    on_commit: events.OnCommit | None,
) -> None:
    added: list[str] = []
    removed: list[str] = []
    if add is not None and await session.get(AccountRole, (account.id, add.id)) is None:
        session.add(AccountRole(account_id=account.id, role_id=add.id, assigned_by=actor.user_id))
        added.append(add.key)
    if remove is not None:
        held = await session.get(AccountRole, (account.id, remove.id))
        if held is not None:
            await session.delete(held)
            removed.append(remove.key)
    if added or removed:
        await session.flush()
        await _roles_changed(
            session, actor, account, added=added, removed=removed, on_commit=on_commit
        )
