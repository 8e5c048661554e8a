"""Password flows: change, reset by email, and the first password of an invitation.

Every new password is checked against the college's policy
(:func:`~subgraphs.identity.password_policy.check_password`, all broken rules
reported at once as :class:`~shared.errors.DomainErrors` on ``password``), with
the account's previous hashes, email and display name. Setting it stores an
argon2id hash, a ``password_history`` row (the newest :data:`HISTORY_KEPT` are
kept) and ``password_changed_at``, and emits ``user.password_changed``.

Which sessions survive:

* :func:`change_password`: the caller's own session stays signed in (it gets
  a fresh access token); every other session ends, and every access token
  issued before the change is refused;
* :func:`reset_password`: every session ends (whoever knew the old password
  is signed out);
* :func:`accept_invitation`: the account had no session; it gets its first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.auth.revocation import RevocationList
from shared.auth.tokens import TokenIssuer
from shared.db import utcnow
from shared.errors import AuthenticationError, DomainError, DomainErrors
from subgraphs.identity import events
from subgraphs.identity._time import as_utc
from subgraphs.identity.accounts import mark_activated
from subgraphs.identity.errors import IdentityErrorCode
from subgraphs.identity.lockout import LoginThrottle
from subgraphs.identity.mail import request_email
from subgraphs.identity.models import (
    Account,
    AccountStatus,
    College,
    CollegeStatus,
    PasswordHistory,
    TemplateKey,
    TokenPurpose,
)
from subgraphs.identity.one_time_tokens import consume_one_time_token, issue_one_time_token
from subgraphs.identity.password_policy import (
    HISTORY_COUNT_RANGE,
    PasswordPolicy,
    check_password,
)
from subgraphs.identity.passwords import hash_password_async, verify_password_async
from subgraphs.identity.sessions import (
    PLATFORM_SCOPE,
    LoginThrottled,
    SessionTokens,
    end_sessions,
    issue_access_token,
    start_session,
)
from subgraphs.identity.settings import IdentitySettings
from subgraphs.identity.validation import normalize_email, normalize_name

__all__ = [
    "HISTORY_KEPT",
    "PasswordChanged",
    "accept_invitation",
    "change_password",
    "request_password_reset",
    "reset_password",
]

HISTORY_KEPT = HISTORY_COUNT_RANGE[1]
"""Password-history rows kept per account: the most any policy compares against."""


@dataclass(frozen=True, kw_only=True)
class PasswordChanged:
    """The account after a password change, and the caller's fresh access token.

    ``access_token`` is ``None`` when the caller's token named no session.
    """

    account: Account
    access_token: str | None
    access_expires_at: datetime | None
    sessions_ended: int


# -- change ---------------------------------------------------------------------------------
async def change_password(
    session: AsyncSession,
    *,
    actor: Principal,
    current_password: str,
    new_password: str,
    issuer: TokenIssuer,
    revocations: RevocationList,
    throttle: LoginThrottle,
    ip: str | None = None,
    now: datetime | None = None,
    on_commit: events.OnCommit | None = None,
) -> PasswordChanged:
    """Change the signed-in user's own password.

    The current password is required (``INVALID_CREDENTIALS`` on
    ``current_password``; wrong guesses count in the login throttle, so a stolen
    access token cannot be used to guess the password). The new one must meet
    the college's policy. The caller's session (``sid``) stays, with a fresh
    access token; the other sessions end.
    """
    now = now or utcnow()
    if not actor.is_authenticated or actor.kind != "user" or actor.user_id is None:
        raise AuthenticationError("Sign in to change your password.")
    account = await session.get(Account, actor.user_id, with_for_update=True)
    if account is None or account.deleted_at is not None:
        raise AuthenticationError("Sign in to change your password.")
    if account.status is not AccountStatus.ACTIVE:
        raise DomainError(
            IdentityErrorCode.ACCOUNT_DEACTIVATED, "This account is deactivated.", "id"
        )
    scope = account.college_id or PLATFORM_SCOPE
    decision = await throttle.check(college_id=scope, email=account.email, ip=ip)
    if not decision.allowed and decision.retry_after is not None:
        raise LoginThrottled(decision.retry_after, seconds=decision.seconds_to_wait(utcnow()))
    check = await verify_password_async(account.password_hash, current_password)
    if not check.matched:
        await throttle.record_failure(college_id=scope, email=account.email, ip=ip)
        raise DomainError(
            IdentityErrorCode.INVALID_CREDENTIALS,
            "The current password is not correct.",
            "current_password",
        )
    await _require_policy(session, account, new_password, field="new_password")
    await _set_password(
        session, account, new_password, reason="change", actor=actor, now=now, on_commit=on_commit
    )
    ended = await end_sessions(
        session, account=account, revocations=revocations, now=now, keep_session=actor.session_id
    )
    token, expires_at = (None, None)
    if actor.session_id is not None:
        token, expires_at = await issue_access_token(
            session, account=account, session_id=actor.session_id, issuer=issuer
        )
    return PasswordChanged(
        account=account, access_token=token, access_expires_at=expires_at, sessions_ended=ended
    )


# -- reset ----------------------------------------------------------------------------------
async def request_password_reset(
    session: AsyncSession,
    *,
    settings: IdentitySettings,
    email: str,
    college_slug: str | None = None,
    college_id: str | None = None,
    now: datetime | None = None,
    on_commit: events.OnCommit | None = None,
) -> None:
    """Send a password-reset link if ``email`` is an active account of the college.

    Answers the same (nothing) whether or not the email exists, and the work
    that differs (a token row, an outbox row) is a few milliseconds against a
    response that never waits for the email. The link
    (``settings.password_reset_url``) is valid ``settings.password_reset_ttl``;
    a new request retires the previous link. The email is the college's
    ``password_reset`` template, queued in the outbox by
    :func:`~subgraphs.identity.mail.request_email`. Platform accounts (no
    college, no templates) are not sent links: a super-admin resets them.
    """
    now = now or utcnow()
    college = await _college(session, slug=college_slug, college_id=college_id)
    if college is None:
        return
    try:
        normal = normalize_email(email)
    except DomainError:
        return
    account = await session.scalar(
        select(Account).where(
            Account.college_id == college.id, Account.email == normal, Account.deleted_at.is_(None)
        )
    )
    if account is None or account.status is not AccountStatus.ACTIVE:
        return
    if college.status is not CollegeStatus.ACTIVE:
        return
    issued = await issue_one_time_token(
        session,
        account_id=account.id,
        purpose=TokenPurpose.PASSWORD_RESET,
        ttl=settings.password_reset_ttl,
        now=now,
    )
    await request_email(
        session,
        college_id=college.id,
        to=account.email,
        template_key=TemplateKey.PASSWORD_RESET,
        variables={
            "display_name": account.display_name,
            "reset_url": settings.password_reset_url.format(token=quote(issued.raw)),
            "expires_at": as_utc(issued.row.expires_at).strftime("%Y-%m-%d %H:%M UTC"),
        },
        on_commit=on_commit,
    )


async def reset_password(
    session: AsyncSession,
    *,
    token: str,
    new_password: str,
    revocations: RevocationList,
    throttle: LoginThrottle | None = None,
    now: datetime | None = None,
    on_commit: events.OnCommit | None = None,
) -> Account:
    """Set a new password with a reset link's token; every session of the account ends.

    The token must be a live ``password_reset`` token (``INVALID_TOKEN``,
    ``TOKEN_EXPIRED``, ``TOKEN_ALREADY_USED``); a password the policy refuses
    leaves the token unused (the transaction rolls back). With ``throttle``,
    the account's failed-login count is cleared: the owner has proved
    themselves by email.
    """
    now = now or utcnow()
    used = await consume_one_time_token(
        session, raw=token, purpose=TokenPurpose.PASSWORD_RESET, now=now
    )
    account = await session.get(Account, used.account_id, with_for_update=True)
    if (
        account is None
        or account.deleted_at is not None
        or (account.status is not AccountStatus.ACTIVE)
    ):
        raise DomainError(IdentityErrorCode.INVALID_TOKEN, "This link is not valid.", "token")
    await _require_policy(session, account, new_password, field="new_password")
    await _set_password(
        session, account, new_password, reason="reset", actor=None, now=now, on_commit=on_commit
    )
    await end_sessions(session, account=account, revocations=revocations, now=now)
    if throttle is not None:
        await throttle.record_success(
            college_id=account.college_id or PLATFORM_SCOPE, email=account.email
        )
    return account


# -- invitation -----------------------------------------------------------------------------
async def accept_invitation(
    session: AsyncSession,
    *,
    token: str,
    password: str,
    issuer: TokenIssuer,
    settings: IdentitySettings,
    display_name: str | None = None,
    ip: str | None = None,
    user_agent: str | None = None,
    now: datetime | None = None,
    on_commit: events.OnCommit | None = None,
) -> SessionTokens:
    """Accept an invitation: set the first password, activate, and sign in.

    The token must be a live ``invitation`` token of an account still
    ``invited`` (else ``INVALID_TOKEN``); the college must be active
    (``COLLEGE_SUSPENDED``). ``display_name``, when given, replaces the name
    the inviter typed. Emits ``user.password_changed`` (reason ``invitation``),
    ``user.activated`` and ``user.logged_in``.
    """
    now = now or utcnow()
    used = await consume_one_time_token(
        session, raw=token, purpose=TokenPurpose.INVITATION, now=now
    )
    account = await session.get(Account, used.account_id, with_for_update=True)
    if (
        account is None
        or account.deleted_at is not None
        or (account.status is not AccountStatus.INVITED)
    ):
        raise DomainError(IdentityErrorCode.INVALID_TOKEN, "This link is not valid.", "token")
    college = await session.get(College, account.college_id) if account.college_id else None
    if college is not None and college.status is not CollegeStatus.ACTIVE:
        raise DomainError(
            IdentityErrorCode.COLLEGE_SUSPENDED, "This college is suspended.", "token"
        )
    if display_name is not None:
        account.display_name = normalize_name(display_name, field="display_name")
    await _require_policy(session, account, password, field="password")
    await _set_password(
        session, account, password, reason="invitation", actor=None, now=now, on_commit=on_commit
    )
    await mark_activated(session, account=account, actor=None, on_commit=on_commit)
    account.last_login_at = now
    return await start_session(
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


# -- helpers --------------------------------------------------------------------------------
async def _require_policy(
    session: AsyncSession, account: Account, password: str, *, field: str
) -> None:
    """Raise :class:`DomainErrors` naming every rule of the college's policy ``password`` breaks."""
    policy = await _policy(session, account)
    previous = await _previous_hashes(session, account)
    problems = await asyncio.to_thread(
        check_password,
        policy,
        password,
        email=account.email,
        display_name=account.display_name,
        previous_hashes=previous,
    )
    if problems:
        raise DomainErrors(
            DomainError(problem.error_code, problem.message, field) for problem in problems
        )


async def _policy(session: AsyncSession, account: Account) -> PasswordPolicy:
    if account.college_id is None:
        return PasswordPolicy()
    college = await session.get(College, account.college_id)
    return PasswordPolicy.from_json(college.password_policy if college is not None else {})


async def _previous_hashes(session: AsyncSession, account: Account) -> Sequence[str]:
    """The account's password hashes, newest first, the current one included."""
    stored = list(
        await session.scalars(
            select(PasswordHistory.password_hash)
            .where(PasswordHistory.account_id == account.id)
            .order_by(PasswordHistory.created_at.desc(), PasswordHistory.id)
            .limit(HISTORY_KEPT)
        )
    )
    current = account.password_hash
    if current is not None and current not in stored:
        stored.insert(0, current)
    return stored


async def _set_password(
    session: AsyncSession,
    account: Account,
    password: str,
    *,
    reason: str,
    actor: Principal | None,
    now: datetime,
    on_commit: events.OnCommit | None,
) -> None:
    """Store the new hash, its history row (pruned to :data:`HISTORY_KEPT`) and the event."""
    account.password_hash = await hash_password_async(password)
    account.password_changed_at = now
    session.add(
        PasswordHistory(account_id=account.id, password_hash=account.password_hash, created_at=now)
    )
    await session.flush()
    stale = select(PasswordHistory.id).where(PasswordHistory.account_id == account.id)
    stale = stale.order_by(PasswordHistory.created_at.desc(), PasswordHistory.id)
    old_ids = list(await session.scalars(stale.offset(HISTORY_KEPT)))
    if old_ids:
        await session.execute(delete(PasswordHistory).where(PasswordHistory.id.in_(old_ids)))
    await events.publish(
        session,
        type=events.USER_PASSWORD_CHANGED,
        tenant=account.college_id,
        subject=account.id,
        actor=actor,
        data={"reason": reason},
        on_commit=on_commit,
    )


async def _college(
    session: AsyncSession, *, slug: str | None, college_id: str | None
) -> College | None:
    if college_id is not None:
        return await session.get(College, college_id)
    if slug is not None:
        return await session.scalar(select(College).where(College.slug == slug.strip().lower()))
    return None
