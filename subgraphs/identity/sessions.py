"""Sign-in sessions: login, refresh-token rotation and logout.

A login starts a *session*: a family of refresh tokens (``RefreshToken.family_id``,
also the ``sid`` claim of its access tokens). The client gets a short-lived
access JWT and an opaque refresh token (32 random bytes, only its SHA-256 is
stored). Each :func:`refresh` exchanges the refresh token for a new pair in the
same family; a refresh token presented a second time after its grace period is
taken as stolen, and the whole family ends (see ``docs/identity.md``,
"Sign-in, sessions and passwords").

What the caller is told never reveals whether an email is registered: an
unknown email, a wrong password, an invited account without a password and a
deleted account all answer ``INVALID_CREDENTIALS`` after the same argon2 work.
Only someone who gave the right password learns that the account is
deactivated or the college suspended.

Refusals that must leave a trace (a failed login's audit event, a reused token
ending its family) commit the caller's transaction before raising: call these
functions in a transaction of their own, as a resolver does.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.auth.revocation import RevocationList
from shared.auth.tokens import TokenIssuer
from shared.db import utcnow
from shared.errors import AuthenticationError, DomainError
from subgraphs.identity import events
from subgraphs.identity._time import as_utc
from subgraphs.identity.accounts import principal_for_account
from subgraphs.identity.errors import IdentityErrorCode
from subgraphs.identity.lockout import LoginThrottle
from subgraphs.identity.models import (
    Account,
    AccountStatus,
    College,
    CollegeStatus,
    RefreshToken,
    new_id,
)
from subgraphs.identity.one_time_tokens import hash_token
from subgraphs.identity.password_policy import PasswordPolicy
from subgraphs.identity.passwords import hash_password_async, verify_password_async
from subgraphs.identity.settings import IdentitySettings
from subgraphs.identity.validation import normalize_email

__all__ = [
    "PLATFORM_SCOPE",
    "LoginThrottled",
    "SessionTokens",
    "end_sessions",
    "issue_access_token",
    "login",
    "logout",
    "password_expired",
    "refresh",
    "start_session",
]

logger = logging.getLogger(__name__)
refusals = logging.getLogger(f"{__name__}.refusals")
"""Expected refusals (wrong passwords, throttled attempts): a quiet logger of their own."""

PLATFORM_SCOPE = "platform"
"""The throttle's college key for platform accounts (they belong to no college)."""

_IP_LENGTH = 45
_USER_AGENT_LENGTH = 500
_EMAIL_LENGTH = 254


class LoginThrottled(DomainError):
    """Too many failed logins: the next attempt is allowed at ``retry_after``.

    The scope held back (account or IP address) is not told: it would reveal
    whether an email is registered.
    """

    def __init__(self, retry_after: datetime, *, seconds: int) -> None:
        super().__init__(
            IdentityErrorCode.LOGIN_THROTTLED,
            "Too many failed sign-in attempts; try again later.",
            "email",
        )
        self.retry_after = retry_after
        self.seconds = max(1, seconds)

    def extensions(self) -> dict[str, Any]:
        data = super().extensions()
        data["retryAfter"] = self.seconds
        return data


@dataclass(frozen=True, kw_only=True)
class SessionTokens:
    """A session's tokens, as login, refresh and invitation acceptance return them.

    ``refresh_token`` is shown only here (the database keeps its hash).
    ``password_change_required`` is true when the password is older than the
    college's ``max_age_days``: the sign-in worked, and the client should ask
    for a new password before anything else.
    """

    account: Account
    session_id: str
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime
    password_change_required: bool = False


# -- login ----------------------------------------------------------------------------------
async def login(
    session: AsyncSession,
    *,
    issuer: TokenIssuer,
    throttle: LoginThrottle,
    settings: IdentitySettings,
    email: str,
    password: str,
    college_slug: str | None = None,
    college_id: str | None = None,
    ip: str | None = None,
    user_agent: str | None = None,
    now: datetime | None = None,
    on_commit: events.OnCommit | None = None,
) -> SessionTokens:
    """Check the email and password and start a session.

    The college is named by ``college_slug`` or ``college_id``; with neither,
    the email is looked up among platform accounts. Refusals:
    ``LOGIN_THROTTLED`` (:class:`LoginThrottled`, before the password is
    looked at), ``INVALID_CREDENTIALS`` (anything that could tell whether the
    email exists), then, for the right password only, ``ACCOUNT_DEACTIVATED``
    or ``COLLEGE_SUSPENDED``. A refusal counts in the throttle and commits a
    ``user.login_failed`` event (without the password); a success clears the
    account's count, stores a fresh hash when the parameters changed, sets
    ``last_login_at`` and emits ``user.logged_in``.
    """
    now = now or utcnow()
    college = await _find_college(session, slug=college_slug, college_id=college_id)
    scope = _throttle_scope(college, slug=college_slug, college_id=college_id)
    attempted = _attempted_email(email)

    decision = await throttle.check(college_id=scope, email=attempted, ip=ip)
    if not decision.allowed and decision.retry_after is not None:
        refusals.info("login throttled (%s) from %s", decision.scope, ip)
        raise LoginThrottled(
            decision.retry_after, seconds=decision.seconds_to_wait(datetime.now(UTC))
        )

    platform = college_slug is None and college_id is None
    account = await _find_account(
        session, college, email=attempted, known=college is not None or platform
    )
    check = await verify_password_async(
        account.password_hash if account is not None else None, password
    )

    reason: str | None = None
    error: DomainError = _invalid_credentials()
    if account is None or not check.matched:
        reason = "invalid_credentials"
    elif account.status is not AccountStatus.ACTIVE:
        reason = "account_" + account.status.value
        if account.status is AccountStatus.DEACTIVATED:
            error = DomainError(
                IdentityErrorCode.ACCOUNT_DEACTIVATED, "This account is deactivated.", "email"
            )
    elif college is not None and college.status is not CollegeStatus.ACTIVE:
        reason = "college_suspended"
        error = DomainError(
            IdentityErrorCode.COLLEGE_SUSPENDED, "This college is suspended.", "college"
        )
    if reason is not None:
        await throttle.record_failure(college_id=scope, email=attempted, ip=ip)
        await events.publish(
            session,
            type=events.USER_LOGIN_FAILED,
            tenant=college.id if college is not None else None,
            subject=_failure_subject(account, college),
            actor=None,
            data={
                "email": attempted[:_EMAIL_LENGTH],
                "reason": reason,
                "account_id": account.id if account is not None else None,
                **_client(ip, user_agent),
            },
            on_commit=on_commit,
        )
        refusals.info("login refused (%s) from %s", reason, ip)
        await _commit_then_raise(session, error)

    assert account is not None  # every refusal above raised
    await throttle.record_success(college_id=scope, email=attempted)
    if check.needs_rehash:
        account.password_hash = await hash_password_async(password)
    account.last_login_at = now
    tokens = await start_session(
        session,
        account=account,
        college=college,
        issuer=issuer,
        settings=settings,
        ip=ip,
        user_agent=user_agent,
        now=now,
        on_commit=on_commit,
    )
    return tokens


async def start_session(
    session: AsyncSession,
    *,
    account: Account,
    college: College | None,
    issuer: TokenIssuer,
    settings: IdentitySettings,
    ip: str | None,
    user_agent: str | None,
    now: datetime,
    on_commit: events.OnCommit | None = None,
) -> SessionTokens:
    """A new refresh-token family for ``account`` (already authenticated); ``user.logged_in``."""
    family_id = new_id()
    tokens = await _issue(
        session,
        account=account,
        college=college,
        family_id=family_id,
        issuer=issuer,
        settings=settings,
        ip=ip,
        user_agent=user_agent,
        now=now,
    )
    await events.publish(
        session,
        type=events.USER_LOGGED_IN,
        tenant=account.college_id,
        subject=account.id,
        actor=None,
        data={"session_id": family_id, **_client(ip, user_agent)},
        on_commit=on_commit,
    )
    return tokens


def password_expired(account: Account, college: College | None, *, now: datetime) -> bool:
    """Whether the account's password is older than its college's ``max_age_days``."""
    if college is None or account.password_hash is None:
        return False
    policy = PasswordPolicy.from_json(college.password_policy or {})
    changed = account.password_changed_at or account.created_at
    return changed is not None and policy.has_expired(as_utc(changed), now=now)


# -- refresh --------------------------------------------------------------------------------
async def refresh(
    session: AsyncSession,
    *,
    issuer: TokenIssuer,
    revocations: RevocationList,
    settings: IdentitySettings,
    refresh_token: str,
    ip: str | None = None,
    user_agent: str | None = None,
    now: datetime | None = None,
    on_commit: events.OnCommit | None = None,
) -> SessionTokens:
    """Exchange a refresh token for a new access token and refresh token (same session).

    The token is claimed with one conditional UPDATE (``used_at IS NULL``), so of
    two concurrent refreshes exactly one wins. Refused (``INVALID_REFRESH_TOKEN``):
    an unknown, expired or revoked token; a token already used (the loser of a
    race, or a retry, within ``refresh_reuse_grace`` is refused and nothing else
    happens; later, it is reuse: the whole family is revoked, its access tokens
    too, and ``user.refresh_token_reused`` is committed); the token of an account
    no longer active or of a suspended college (its family is revoked).
    """
    now = now or utcnow()
    token_hash = hash_token(refresh_token)
    claimed: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        update(RefreshToken)
        .where(
            RefreshToken.token_hash == token_hash,
            RefreshToken.used_at.is_(None),
            RefreshToken.revoked_at.is_(None),
            RefreshToken.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    row = await session.scalar(
        select(RefreshToken)
        .where(RefreshToken.token_hash == token_hash)
        .execution_options(populate_existing=True)
    )
    if row is None:
        raise _invalid_refresh("This session is not known; sign in again.")
    if claimed.rowcount != 1:
        await _refuse_unclaimed(
            session,
            row,
            revocations=revocations,
            grace=settings.refresh_reuse_grace,
            ip=ip,
            user_agent=user_agent,
            now=now,
            on_commit=on_commit,
        )

    account = await session.get(Account, row.account_id, with_for_update=True)
    college = (
        await session.get(College, account.college_id)
        if account is not None and account.college_id is not None
        else None
    )
    if (
        account is None
        or account.deleted_at is not None
        or account.status is not AccountStatus.ACTIVE
        or (college is not None and college.status is not CollegeStatus.ACTIVE)
    ):
        await _revoke_family(session, row.family_id, revocations=revocations, now=now)
        await _commit_then_raise(session, _invalid_refresh("This session has ended."))
    started_at = await session.scalar(
        select(func.min(RefreshToken.issued_at)).where(RefreshToken.family_id == row.family_id)
    )
    return await _issue(
        session,
        account=account,
        college=college,
        family_id=row.family_id,
        started_at=as_utc(started_at) if started_at is not None else now,
        issuer=issuer,
        settings=settings,
        ip=ip,
        user_agent=user_agent,
        now=now,
    )


async def _refuse_unclaimed(
    session: AsyncSession,
    row: RefreshToken,
    *,
    revocations: RevocationList,
    grace: timedelta,
    ip: str | None,
    user_agent: str | None,
    now: datetime,
    on_commit: events.OnCommit | None,
) -> NoReturn:
    """Why the token could not be claimed, raised; a reuse ends the family first."""
    if row.revoked_at is not None:
        raise _invalid_refresh("This session has ended; sign in again.")
    if row.used_at is None:  # not used and not revoked: it could only have expired
        raise _invalid_refresh("This session has expired; sign in again.")
    if now - as_utc(row.used_at) <= grace:
        refusals.info("refresh token presented twice within the grace period")
        raise _invalid_refresh("This refresh token was just exchanged; use the new one.")
    await _revoke_family(session, row.family_id, revocations=revocations, now=now)
    account = await session.get(Account, row.account_id)
    await events.publish(
        session,
        type=events.USER_REFRESH_TOKEN_REUSED,
        tenant=account.college_id if account is not None else None,
        subject=row.account_id,
        actor=None,
        data={"session_id": row.family_id, **_client(ip, user_agent)},
        on_commit=on_commit,
    )
    logger.warning("refresh token reused: session %s of %s ended", row.family_id, row.account_id)
    await _commit_then_raise(session, _invalid_refresh("This session has ended; sign in again."))


# -- logout ---------------------------------------------------------------------------------
async def logout(
    session: AsyncSession,
    *,
    revocations: RevocationList,
    principal: Principal | None = None,
    refresh_token: str | None = None,
    all_sessions: bool = False,
    now: datetime | None = None,
    on_commit: events.OnCommit | None = None,
) -> int:
    """End the caller's session, or every session of the account; the number of sessions ended.

    The session is the ``principal``'s (its ``sid``) or the ``refresh_token``'s.
    One session: its refresh tokens are revoked and its access tokens refused at
    once (the session id goes to the revocation list). ``all_sessions``: every
    family of the account, ``Account.sessions_valid_after`` set, and every
    access token of the user refused. An unknown or already-ended refresh token
    ends nothing and is not an error (logging out twice is harmless).
    """
    now = now or utcnow()
    account_id, family_id = await _session_of(session, principal, refresh_token)
    if account_id is None:
        return 0
    account = await session.get(Account, account_id, with_for_update=True)
    if account is None:
        return 0
    if all_sessions:
        ended = await end_sessions(session, account=account, revocations=revocations, now=now)
    elif family_id is not None:
        ended = await _revoke_family(session, family_id, revocations=revocations, now=now)
    else:
        raise AuthenticationError("This token belongs to no session; log out of all sessions.")
    await events.publish(
        session,
        type=events.USER_LOGGED_OUT,
        tenant=account.college_id,
        subject=account.id,
        actor=principal,
        data={"session_id": family_id, "all_sessions": all_sessions},
        on_commit=on_commit,
    )
    return ended


async def end_sessions(
    session: AsyncSession,
    *,
    account: Account,
    revocations: RevocationList,
    now: datetime,
    keep_session: str | None = None,
) -> int:
    """Revoke the account's sessions (but ``keep_session``) and refuse its access tokens.

    Every access token of the user issued until now is refused (the revocation
    list's user entry, and ``sessions_valid_after``), the kept session's too:
    its holder needs a fresh access token (:func:`issue_access_token`).
    Returns the number of sessions (families) ended.
    """
    query = select(RefreshToken.family_id).where(
        RefreshToken.account_id == account.id, RefreshToken.revoked_at.is_(None)
    )
    revoke = update(RefreshToken).where(
        RefreshToken.account_id == account.id, RefreshToken.revoked_at.is_(None)
    )
    if keep_session is not None:
        query = query.where(RefreshToken.family_id != keep_session)
        revoke = revoke.where(RefreshToken.family_id != keep_session)
    families = set(await session.scalars(query.distinct()))
    await session.execute(
        revoke.values(revoked_at=now).execution_options(synchronize_session=False)
    )
    account.sessions_valid_after = now
    await session.flush()
    await revocations.revoke_user(account.id)
    return len(families)


async def issue_access_token(
    session: AsyncSession, *, account: Account, session_id: str | None, issuer: TokenIssuer
) -> tuple[str, datetime]:
    """A fresh access token for ``account`` in session ``session_id``, and when it expires."""
    principal = dataclasses.replace(
        await principal_for_account(session, account), session_id=session_id
    )
    token = issuer.issue(principal)
    return token, utcnow() + timedelta(seconds=issuer.access_ttl)


# -- helpers --------------------------------------------------------------------------------
async def _issue(
    session: AsyncSession,
    *,
    account: Account,
    college: College | None,
    family_id: str,
    issuer: TokenIssuer,
    settings: IdentitySettings,
    ip: str | None,
    user_agent: str | None,
    now: datetime,
    started_at: datetime | None = None,
) -> SessionTokens:
    """Store a new refresh token of ``family_id`` and sign an access token for it.

    The refresh token expires ``refresh_token_ttl`` from now, but never after the
    session's absolute end (``session_max_lifetime`` from ``started_at``, its
    sign-in): a session refreshed forever still ends.
    """
    ends_at = (started_at or now) + settings.session_max_lifetime
    raw = secrets.token_urlsafe(32)
    row = RefreshToken(
        family_id=family_id,
        account_id=account.id,
        token_hash=hash_token(raw),
        issued_at=now,
        expires_at=min(now + settings.refresh_token_ttl, ends_at),
        ip=ip[:_IP_LENGTH] if ip else None,
        user_agent=user_agent[:_USER_AGENT_LENGTH] if user_agent else None,
    )
    session.add(row)
    await session.flush()
    access, access_expires_at = await issue_access_token(
        session, account=account, session_id=family_id, issuer=issuer
    )
    return SessionTokens(
        account=account,
        session_id=family_id,
        access_token=access,
        access_expires_at=access_expires_at,
        refresh_token=raw,
        refresh_expires_at=row.expires_at,
        password_change_required=password_expired(account, college, now=now),
    )


async def _revoke_family(
    session: AsyncSession, family_id: str, *, revocations: RevocationList, now: datetime
) -> int:
    """Revoke every token of the family and refuse its access tokens; 1 if it was live."""
    result: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    await revocations.revoke_session(family_id)
    return 1 if result.rowcount else 0


async def _session_of(
    session: AsyncSession, principal: Principal | None, refresh_token: str | None
) -> tuple[str | None, str | None]:
    """The account and session a logout is about."""
    if principal is not None:
        if not principal.is_authenticated or principal.kind != "user":
            raise AuthenticationError("Only a signed-in user logs out.")
        return principal.user_id, principal.session_id
    if refresh_token is None:
        raise AuthenticationError("Log out with an access token or a refresh token.")
    row = await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == hash_token(refresh_token))
    )
    if row is None:
        return None, None
    return row.account_id, row.family_id


async def _find_college(
    session: AsyncSession, *, slug: str | None, college_id: str | None
) -> College | None:
    if college_id is not None:
        return await session.get(College, college_id)
    if slug is not None:
        return await session.scalar(select(College).where(College.slug == slug.strip().lower()))
    return None


async def _find_account(
    session: AsyncSession, college: College | None, *, email: str, known: bool
) -> Account | None:
    """The live account with ``email`` in ``college`` (platform accounts for ``None``)."""
    if not known:
        return None
    same_college = (
        Account.college_id.is_(None) if college is None else Account.college_id == college.id
    )
    return await session.scalar(
        select(Account).where(same_college, Account.email == email, Account.deleted_at.is_(None))
    )


def _throttle_scope(college: College | None, *, slug: str | None, college_id: str | None) -> str:
    """The throttle's college key: the college's id, else what was named (unknown colleges too)."""
    if college is not None:
        return college.id
    if college_id is not None:
        return f"id:{college_id}"
    if slug is not None:
        return f"slug:{slug.strip().lower()}"
    return PLATFORM_SCOPE


def _attempted_email(email: str) -> str:
    """The normal form of a valid email; anything else trimmed and case-folded (never matches)."""
    try:
        return normalize_email(email)
    except DomainError:
        return email.strip().casefold()[: _EMAIL_LENGTH + 1]


def _failure_subject(account: Account | None, college: College | None) -> str:
    if account is not None:
        return account.id
    return college.id if college is not None else PLATFORM_SCOPE


def _client(ip: str | None, user_agent: str | None) -> dict[str, str | None]:
    return {
        "ip": ip[:_IP_LENGTH] if ip else None,
        "user_agent": user_agent[:_USER_AGENT_LENGTH] if user_agent else None,
    }


def _invalid_credentials() -> DomainError:
    return DomainError(
        IdentityErrorCode.INVALID_CREDENTIALS, "The email or password is not correct.", "password"
    )


def _invalid_refresh(message: str) -> DomainError:
    return DomainError(IdentityErrorCode.INVALID_REFRESH_TOKEN, message, "refresh_token")


async def _commit_then_raise(session: AsyncSession, error: DomainError) -> NoReturn:
    """Keep what the refusal wrote (audit event, revoked tokens), then refuse."""
    await session.commit()
    raise error
