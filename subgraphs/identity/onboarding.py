"""Bulk onboarding: invite up to 100 staff or students in one call, with few queries.

Every row is checked before anything is written, and every problem comes
back as data: a :class:`RowError` (index, field, code, message) per
problem, like a bulk mutation's errors. Two ways to apply a checked batch:

* :func:`onboard_accounts` (the API, ``user:invite``): all or nothing. One
  invalid row and no account is created.
* :func:`import_rows` (CSV import, ``user:import``): the valid rows are
  created and the invalid ones reported; the first row of an email wins
  over later ones.

Accounts are created ``invited``, with an invitation token each and never a
password. Each account emits ``user.invited`` (no token) and
``notification.email_requested`` (the college's ``invitation`` template,
rendered once per recipient by :mod:`subgraphs.identity.mail`; its link,
``invitation_url``, holds the raw token) to the outbox in the caller's
transaction. A batch costs a fixed number of statements whatever its size:
one query for the roles, one for emails already taken, one for the
template, and one multi-row INSERT each for accounts, their roles, their
tokens and the outbox.

Departments live in the courses subgraph, whose tables identity cannot
read: a department is accepted in the global-id form of a ``Department``
(its local id is stored) and its existence is checked by courses later.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from sqlalchemy import insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.db import utcnow
from shared.errors import BadUserInput, DomainError, NotFoundError, PermissionDenied
from shared.graphql.relay import split_global_id
from subgraphs.identity import events, mail, tenancy
from subgraphs.identity.accounts import DEFAULT_INVITATION_TTL, DEFAULT_ROLES, Invitation
from subgraphs.identity.errors import IdentityErrorCode
from subgraphs.identity.models import (
    Account,
    AccountKind,
    AccountRole,
    AccountStatus,
    College,
    CollegeStatus,
    OneTimeToken,
    Role,
    TemplateKey,
    TokenPurpose,
    new_id,
)
from subgraphs.identity.one_time_tokens import hash_token
from subgraphs.identity.roles import check_assignable
from subgraphs.identity.settings import DEFAULT_INVITATION_URL
from subgraphs.identity.validation import normalize_email, normalize_name

__all__ = [
    "DEPARTMENT_TYPE",
    "MAX_ROWS",
    "OnboardingResult",
    "OnboardingRow",
    "RowError",
    "import_rows",
    "onboard_accounts",
]

MAX_ROWS = 100
"""The most rows one call takes; larger lists go through a CSV import."""

DEPARTMENT_TYPE = "Department"
"""The GraphQL type a department id must name (a global id of the courses subgraph)."""

_DEPARTMENT_ID_LENGTH = 64


@dataclass(frozen=True, kw_only=True)
class OnboardingRow:
    """One person to invite, as typed by an admin (normalised by the checks)."""

    email: str
    display_name: str
    kind: AccountKind | None = None
    """``staff`` or ``student``; ``None`` takes the batch's kind."""
    role_keys: Sequence[str] | None = None
    """Role keys to give; ``None`` gives the kind's defaults (``student`` for students)."""
    department_id: str | None = None
    """Global id of a ``Department``, or ``None``."""


@dataclass(frozen=True, kw_only=True)
class RowError:
    """Why one row was refused: which row (``index``), which ``field``, a stable ``code``."""

    index: int
    field: str
    code: IdentityErrorCode
    message: str

    def as_domain_error(self) -> DomainError:
        """The same problem as a ``DomainError`` carrying the row's index."""
        return DomainError(self.code, self.message, self.field, index=self.index)


@dataclass(frozen=True, kw_only=True)
class OnboardingResult:
    """What a batch did: the invitations created and the problems of the refused rows."""

    invitations: tuple[Invitation, ...] = ()
    created: int = 0
    errors: tuple[RowError, ...] = ()

    @property
    def failed_indices(self) -> frozenset[int]:
        """The rows refused (a row may have several errors)."""
        return frozenset(error.index for error in self.errors)


@dataclass(frozen=True, kw_only=True)
class _Checked:
    """A row that passed every check, in normal form, with its roles resolved."""

    index: int
    email: str
    display_name: str
    kind: AccountKind
    roles: tuple[Role, ...]
    department_id: str | None


@dataclass(frozen=True, kw_only=True)
class _Created:
    account_id: str
    token: str
    expires_at: datetime


# -- entry points ---------------------------------------------------------------------------
async def onboard_accounts(
    session: AsyncSession,
    *,
    actor: Principal,
    rows: Sequence[OnboardingRow],
    kind: AccountKind | None = None,
    college_id: str | None = None,
    invitation_ttl: timedelta = DEFAULT_INVITATION_TTL,
    invitation_url: str = DEFAULT_INVITATION_URL,
    on_commit: events.OnCommit | None = None,
) -> OnboardingResult:
    """Invite every row, or none: with any error nothing is written and the errors return.

    Needs ``user:invite`` in the actor's college (or ``college_id``, for
    the super-admin). ``index`` of an error is the row's position in
    ``rows``. At most :data:`MAX_ROWS` rows (``BAD_USER_INPUT`` beyond).
    """
    _check_size(rows)
    target = tenancy.target_college(actor, college_id)
    tenancy.require_permission_in(actor, "user:invite", target)
    await _active_college(session, target)
    checked, errors = await _check_rows(
        session,
        actor=actor,
        college_id=target,
        rows=rows,
        kind=kind,
        indices=range(len(rows)),
        first_duplicate_wins=False,
    )
    if errors:
        return OnboardingResult(errors=tuple(errors))
    try:
        created = await _create(
            session,
            actor=actor,
            college_id=target,
            rows=checked,
            invitation_ttl=invitation_ttl,
            invitation_url=invitation_url,
            on_commit=on_commit,
        )
    except IntegrityError as exc:  # invited concurrently: the unique constraint decided
        raise DomainError(
            IdentityErrorCode.DUPLICATE_EMAIL,
            "An email of this batch was taken by another invitation meanwhile; try again.",
            "email",
        ) from exc
    return OnboardingResult(
        invitations=tuple(await _invitations(session, created)), created=len(created)
    )


async def import_rows(
    session: AsyncSession,
    *,
    actor: Principal,
    college_id: str,
    rows: Sequence[OnboardingRow],
    indices: Sequence[int],
    kind: AccountKind,
    invitation_ttl: timedelta = DEFAULT_INVITATION_TTL,
    invitation_url: str = DEFAULT_INVITATION_URL,
    on_commit: events.OnCommit | None = None,
) -> OnboardingResult:
    """Invite the valid rows and report the others (one batch of a file import).

    Needs ``user:import`` in ``college_id``. ``indices`` label the rows in
    errors (the file's row numbers). The first row of an email is kept, a
    later one is a ``DUPLICATE_EMAIL`` naming it. A concurrent invitation
    of the same email surfaces as ``IntegrityError``: the caller rolls back
    and runs the batch again, which then reports that email as taken.
    """
    _check_size(rows)
    if len(indices) != len(rows):
        raise ValueError("import_rows needs one index per row")
    tenancy.require_permission_in(actor, "user:import", college_id)
    await _active_college(session, college_id)
    checked, errors = await _check_rows(
        session,
        actor=actor,
        college_id=college_id,
        rows=rows,
        kind=kind,
        indices=indices,
        first_duplicate_wins=True,
    )
    await _create(
        session,
        actor=actor,
        college_id=college_id,
        rows=checked,
        invitation_ttl=invitation_ttl,
        invitation_url=invitation_url,
        on_commit=on_commit,
    )
    return OnboardingResult(created=len(checked), errors=tuple(errors))


# -- checks ---------------------------------------------------------------------------------
def _check_size(rows: Sequence[OnboardingRow]) -> None:
    if len(rows) > MAX_ROWS:
        raise BadUserInput(
            f"At most {MAX_ROWS} rows per call ({len(rows)} given): "
            "split the list, or import a CSV file.",
            field="rows",
        )


async def _active_college(session: AsyncSession, college_id: str) -> None:
    college = await session.get(College, college_id)
    if college is None:
        raise NotFoundError("No such college.")
    if college.status is not CollegeStatus.ACTIVE:
        raise DomainError(
            IdentityErrorCode.COLLEGE_SUSPENDED, "The college is suspended.", "college_id"
        )


class _Errors:
    """The errors found so far, and which rows have at least one."""

    def __init__(self) -> None:
        self.found: list[RowError] = []
        self.rows: set[int] = set()

    def add(self, index: int, field: str, code: IdentityErrorCode, message: str) -> None:
        self.found.append(RowError(index=index, field=field, code=code, message=message))
        self.rows.add(index)

    def sorted(self) -> list[RowError]:
        return sorted(self.found, key=lambda error: error.index)


async def _check_rows(
    session: AsyncSession,
    *,
    actor: Principal,
    college_id: str,
    rows: Sequence[OnboardingRow],
    kind: AccountKind | None,
    indices: Sequence[int],
    first_duplicate_wins: bool,
) -> tuple[list[_Checked], list[RowError]]:
    """Every row checked with two queries in all; the valid rows and every error found."""
    errors = _Errors()
    emails: list[str | None] = []
    names: list[str | None] = []
    kinds: list[AccountKind | None] = []
    departments: list[str | None] = []
    keys: list[tuple[str, ...]] = []
    for index, row in zip(indices, rows, strict=True):
        emails.append(_email(index, row.email, errors))
        names.append(_display_name(index, row.display_name, errors))
        kinds.append(_kind(index, row.kind or kind, errors))
        departments.append(_department(index, row.department_id, errors))
        keys.append(_role_keys(row.role_keys, kinds[-1]))

    wanted_keys = {key for row_keys in keys for key in row_keys}
    roles = await _roles_by_key(session, college_id, wanted_keys)
    taken = await _taken(session, college_id, {email for email in emails if email is not None})
    rows_of_email: defaultdict[str, list[int]] = defaultdict(list)
    for index, email in zip(indices, emails, strict=True):
        if email is not None:
            rows_of_email[email].append(index)

    checked: list[_Checked] = []
    for position, index in enumerate(indices):
        email, name, account_kind = emails[position], names[position], kinds[position]
        row_roles = _check_roles(index, keys[position], roles, actor, account_kind, errors)
        if email is not None:
            if email in taken:
                errors.add(
                    index,
                    "email",
                    IdentityErrorCode.DUPLICATE_EMAIL,
                    f"An account with the email {email!r} already exists in this college.",
                )
            else:
                _duplicate_in_batch(
                    index, email, rows_of_email[email], first_duplicate_wins, errors
                )
        if index in errors.rows or email is None or name is None or account_kind is None:
            continue
        checked.append(
            _Checked(
                index=index,
                email=email,
                display_name=name,
                kind=account_kind,
                roles=row_roles,
                department_id=departments[position],
            )
        )
    return checked, errors.sorted()


def _email(index: int, value: str | None, errors: _Errors) -> str | None:
    if value is None or not value.strip():
        errors.add(index, "email", IdentityErrorCode.REQUIRED_FIELD, "An email is required.")
        return None
    try:
        return normalize_email(value)
    except DomainError as exc:
        errors.add(index, "email", IdentityErrorCode.INVALID_EMAIL, exc.message)
        return None


def _display_name(index: int, value: str | None, errors: _Errors) -> str | None:
    if value is None or not value.strip():
        errors.add(
            index, "display_name", IdentityErrorCode.REQUIRED_FIELD, "A display name is required."
        )
        return None
    try:
        return normalize_name(value, field="display_name")
    except DomainError as exc:
        errors.add(index, "display_name", IdentityErrorCode.INVALID_NAME, exc.message)
        return None


def _kind(index: int, kind: AccountKind | None, errors: _Errors) -> AccountKind | None:
    if kind is None:
        errors.add(
            index,
            "kind",
            IdentityErrorCode.REQUIRED_FIELD,
            "A kind (staff or student) is required, on the row or for the whole batch.",
        )
        return None
    if kind is AccountKind.PLATFORM:
        errors.add(
            index,
            "kind",
            IdentityErrorCode.INVALID_ACCOUNT_KIND,
            "Bulk onboarding creates staff and students only.",
        )
        return None
    return kind


def _department(index: int, value: str | None, errors: _Errors) -> str | None:
    """The local id inside a ``Department`` global id; the form only is checked here."""
    if value is None or not value.strip():
        return None
    try:
        type_name, local_id = split_global_id(value.strip())
    except BadUserInput:
        type_name, local_id = "", ""
    if type_name != DEPARTMENT_TYPE or len(local_id) > _DEPARTMENT_ID_LENGTH:
        errors.add(
            index,
            "department_id",
            IdentityErrorCode.INVALID_DEPARTMENT,
            f"{value.strip()!r} is not the ID of a Department.",
        )
        return None
    return local_id


def _role_keys(role_keys: Sequence[str] | None, kind: AccountKind | None) -> tuple[str, ...]:
    if role_keys is None:
        return DEFAULT_ROLES[kind] if kind is not None else ()
    return tuple(dict.fromkeys(key.strip() for key in role_keys if key.strip()))


def _check_roles(
    index: int,
    keys: Sequence[str],
    roles: dict[str, Role],
    actor: Principal,
    kind: AccountKind | None,
    errors: _Errors,
) -> tuple[Role, ...]:
    """The row's roles, after recording unknown keys and roles the actor may not give."""
    unknown = [key for key in keys if key not in roles]
    if unknown:
        names = ", ".join(repr(key) for key in unknown)
        errors.add(index, "roles", IdentityErrorCode.UNKNOWN_ROLE, f"Unknown role {names}.")
    found = tuple(roles[key] for key in keys if key in roles)
    if kind is None:
        return found
    for role in found:
        try:
            check_assignable(actor, kind=kind, roles=[role], field="roles")
        except DomainError as exc:
            errors.add(index, "roles", IdentityErrorCode.ROLE_NOT_ASSIGNABLE, exc.message)
        except PermissionDenied as exc:
            errors.add(index, "roles", IdentityErrorCode.ROLE_NOT_GRANTABLE, exc.message)
    return found


def _duplicate_in_batch(
    index: int, email: str, rows: Sequence[int], first_wins: bool, errors: _Errors
) -> None:
    if len(rows) < 2 or (first_wins and index == rows[0]):
        return
    if first_wins:
        message = f"The email {email!r} is already on row {rows[0]}."
    else:
        others = ", ".join(str(row) for row in rows)
        message = f"The email {email!r} appears more than once in this batch (rows {others})."
    errors.add(index, "email", IdentityErrorCode.DUPLICATE_EMAIL, message)


async def _roles_by_key(session: AsyncSession, college_id: str, keys: set[str]) -> dict[str, Role]:
    """The built-in roles and the college's own among ``keys``: one query."""
    if not keys:
        return {}
    result = await session.scalars(
        select(Role).where(
            Role.key.in_(sorted(keys)),
            or_(Role.college_id.is_(None), Role.college_id == college_id),
        )
    )
    found: dict[str, Role] = {}
    for role in result:  # a college's own role shadows no built-in: keys are unique per scope
        found.setdefault(role.key, role)
    return found


async def _taken(session: AsyncSession, college_id: str, emails: set[str]) -> set[str]:
    """Which of ``emails`` an account of the college has (deleted ones included): one query."""
    if not emails:
        return set()
    result = await session.scalars(
        select(Account.email).where(
            Account.college_id == college_id, Account.email.in_(sorted(emails))
        )
    )
    return set(result)


# -- writes ---------------------------------------------------------------------------------
async def _create(
    session: AsyncSession,
    *,
    actor: Principal,
    college_id: str,
    rows: Sequence[_Checked],
    invitation_ttl: timedelta,
    invitation_url: str,
    on_commit: events.OnCommit | None,
) -> list[_Created]:
    """Insert the accounts, roles, tokens and events of ``rows``: one INSERT per table."""
    if not rows:
        return []
    now = utcnow()
    expires_at = now + invitation_ttl
    ids = [new_id() for _ in rows]
    tokens = [secrets.token_urlsafe(32) for _ in rows]
    await session.execute(
        insert(Account),
        [
            {
                "id": account_id,
                "college_id": college_id,
                "email": row.email,
                "display_name": row.display_name,
                "kind": row.kind,
                "status": AccountStatus.INVITED,
                "department_id": row.department_id,
                "failed_login_count": 0,
                "created_at": now,
                "updated_at": now,
            }
            for account_id, row in zip(ids, rows, strict=True)
        ],
    )
    held = [
        {
            "account_id": account_id,
            "role_id": role.id,
            "assigned_by": actor.user_id,
            "created_at": now,
        }
        for account_id, row in zip(ids, rows, strict=True)
        for role in row.roles
    ]
    if held:
        await session.execute(insert(AccountRole), held)
    await session.execute(
        insert(OneTimeToken),
        [
            {
                "id": new_id(),
                "account_id": account_id,
                "purpose": TokenPurpose.INVITATION,
                "token_hash": hash_token(token),
                "expires_at": expires_at,
                "created_at": now,
            }
            for account_id, token in zip(ids, tokens, strict=True)
        ],
    )
    renderer = await mail.email_renderer(
        session, college_id=college_id, template_key=TemplateKey.INVITATION
    )
    await events.publish_many(
        session,
        [
            event
            for account_id, token, row in zip(ids, tokens, rows, strict=True)
            for event in _events(
                renderer, account_id, invitation_url.format(token=quote(token)), row, expires_at
            )
        ],
        actor=actor,
        on_commit=on_commit,
    )
    return [
        _Created(account_id=account_id, token=token, expires_at=expires_at)
        for account_id, token in zip(ids, tokens, strict=True)
    ]


def _events(
    renderer: mail.EmailRenderer,
    account_id: str,
    accept_url: str,
    row: _Checked,
    expires_at: datetime,
) -> tuple[events.Pending, events.Pending]:
    """``user.invited`` (no secret) and the invitation email, rendered, whose link holds
    the token."""
    invited = events.Pending(
        type=events.USER_INVITED,
        tenant=renderer.college_id,
        subject=account_id,
        data={
            "email": row.email,
            "display_name": row.display_name,
            "kind": row.kind.value,
            "roles": [role.key for role in row.roles],
            "department_id": row.department_id,
            "expires_at": expires_at.isoformat(),
        },
    )
    email = renderer.event(
        to=row.email,
        message_id=new_id(),
        variables={
            "display_name": row.display_name,
            "accept_url": accept_url,
            "expires_at": expires_at.strftime("%Y-%m-%d %H:%M UTC"),
        },
    )
    return invited, email


async def _invitations(session: AsyncSession, created: Sequence[_Created]) -> list[Invitation]:
    """The created accounts, loaded with one query, as invitations in input order."""
    if not created:
        return []
    ids = [item.account_id for item in created]
    accounts = {
        account.id: account
        for account in await session.scalars(select(Account).where(Account.id.in_(ids)))
    }
    return [
        Invitation(account=accounts[item.account_id], token=item.token, expires_at=item.expires_at)
        for item in created
    ]
