"""Login: tokens, refusals that reveal nothing, throttling, rehash, expiry, deactivation."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher, Type
from sqlalchemy import select

from shared.errors import AuthenticationError, DomainError
from subgraphs.identity import accounts, sessions
from subgraphs.identity._time import as_utc
from subgraphs.identity.errors import IdentityErrorCode
from subgraphs.identity.models import (
    Account,
    AccountStatus,
    College,
    CollegeStatus,
    RefreshToken,
)
from subgraphs.identity.passwords import verify_password
from subgraphs.identity.permissions import TEACHER
from subgraphs.identity.sessions import LoginThrottled
from tests.factories.identity import college_admin, make_college, outbox_events
from tests.integration.identity.sign_in import (
    PASSWORD,
    SignInKit,
    cache_backend,
    kit,
    make_member,
    sign_in,
)

__all__ = ["cache_backend", "kit"]


async def test_login_issues_an_access_token_and_a_hashed_refresh_token(kit: SignInKit) -> None:
    # given a teacher with a password
    async with kit.db.transaction() as session:
        college = await make_college(session)
    account = await make_member(kit, college, roles=(TEACHER,))
    now = datetime.now(UTC)
    # when they log in from a browser
    tokens = await sign_in(kit, college, account.email.upper(), ip="10.1.2.3", user_agent="Firefox")
    # then the access token names them, their college, roles and the session
    principal = await kit.verifier.verify(tokens.access_token)
    assert principal.user_id == account.id
    assert principal.college_id == college.id
    assert principal.session_id == tokens.session_id
    assert TEACHER in principal.roles
    assert not tokens.password_change_required
    assert len(tokens.refresh_token) >= 43  # 32 random bytes, base64url
    # and only the refresh token's SHA-256 is stored, in a new family, with the client
    async with kit.db.session() as session:
        (row,) = list(await session.scalars(select(RefreshToken)))
        stored = await session.get(Account, account.id)
        (event,) = await outbox_events(session, "user.logged_in")
    assert row.token_hash == hashlib.sha256(tokens.refresh_token.encode()).hexdigest()
    assert row.family_id == tokens.session_id
    assert (row.ip, row.user_agent) == ("10.1.2.3", "Firefox")
    assert as_utc(row.expires_at) - now >= timedelta(days=30) - timedelta(seconds=5)
    assert stored is not None
    assert stored.last_login_at is not None
    assert event.subject == account.id
    assert event.data["session_id"] == tokens.session_id
    assert event.data["ip"] == "10.1.2.3"
    assert tokens.access_expires_at - now <= timedelta(seconds=kit.issuer.access_ttl + 5)


async def test_wrong_password_is_refused_and_the_failure_is_committed(kit: SignInKit) -> None:
    # given an account
    async with kit.db.transaction() as session:
        college = await make_college(session)
    account = await make_member(kit, college)
    # when someone logs in with a wrong password
    with pytest.raises(DomainError) as refused:
        await sign_in(kit, college, account.email, "not the password at all", ip="10.9.9.9")
    # then INVALID_CREDENTIALS, and the audit event survived the refusal, without the password
    assert refused.value.error_code is IdentityErrorCode.INVALID_CREDENTIALS
    async with kit.db.session() as session:
        (event,) = await outbox_events(session, "user.login_failed")
        assert list(await session.scalars(select(RefreshToken))) == []
    assert event.subject == account.id
    assert event.tenant == college.id
    assert event.data["reason"] == "invalid_credentials"
    assert event.data["ip"] == "10.9.9.9"
    assert "not the password at all" not in str(event.data)


@pytest.mark.parametrize("case", ["unknown email", "invited", "deleted", "unknown college"])
async def test_refusals_that_could_reveal_an_account_are_indistinguishable(
    kit: SignInKit, case: str
) -> None:
    # given an account, and a second one in the state under test
    async with kit.db.transaction() as session:
        college = await make_college(session)
    known = await make_member(kit, college)
    email = "nobody@example.edu"
    if case == "invited":
        email = (await make_member(kit, college, password=None, status=AccountStatus.INVITED)).email
    elif case == "deleted":
        email = (await make_member(kit, college, deleted_at=datetime.now(UTC))).email
    target = college if case != "unknown college" else None
    # when the wrong password is tried on the real account, and any password on the other
    with pytest.raises(DomainError) as wrong:
        await sign_in(kit, college, known.email, "a wrong password here")
    with pytest.raises(DomainError) as other:
        await _login_elsewhere(kit, target, email, known.email)
    # then both answers are the same code, message and field
    assert (wrong.value.code_name, wrong.value.message, wrong.value.field) == (
        other.value.code_name,
        other.value.message,
        other.value.field,
    )


async def _login_elsewhere(
    kit: SignInKit, college: College | None, email: str, known_email: str
) -> None:
    """The right password for ``email``; with no college, ``known_email`` at an unknown college."""
    if college is not None:
        await sign_in(kit, college, email, PASSWORD)
        return
    async with kit.db.transaction() as session:
        await sessions.login(
            session,
            issuer=kit.issuer,
            throttle=kit.throttle,
            settings=kit.settings,
            college_slug="no-such-college",
            email=known_email,
            password=PASSWORD,
        )


async def test_deactivated_account_and_suspended_college_are_told_only_with_the_password(
    kit: SignInKit,
) -> None:
    # given a deactivated account, and an account of a suspended college
    async with kit.db.transaction() as session:
        college = await make_college(session)
        suspended = await make_college(session, status=CollegeStatus.SUSPENDED)
    gone = await make_member(kit, college, status=AccountStatus.DEACTIVATED)
    held = await make_member(kit, suspended)
    # when each logs in with a wrong password, then with the right one
    codes = []
    for place, account in ((college, gone), (suspended, held)):
        for password in ("a wrong password here", PASSWORD):
            with pytest.raises(DomainError) as refused:
                await sign_in(kit, place, account.email, password)
            codes.append(refused.value.error_code)
    # then only the right password learns why
    assert codes == [
        IdentityErrorCode.INVALID_CREDENTIALS,
        IdentityErrorCode.ACCOUNT_DEACTIVATED,
        IdentityErrorCode.INVALID_CREDENTIALS,
        IdentityErrorCode.COLLEGE_SUSPENDED,
    ]


@pytest.mark.parametrize("cache_backend", ["memory", "redis"])
async def test_lockout_after_failures_holds_back_even_the_right_password(
    kit: SignInKit,
) -> None:
    # given an account whose lock comes at the third failure
    async with kit.db.transaction() as session:
        college = await make_college(session)
    account = await make_member(kit, college)
    # when three wrong passwords are tried
    for _ in range(3):
        with pytest.raises(DomainError) as refused:
            await sign_in(kit, college, account.email, "a wrong password here")
        assert refused.value.error_code is IdentityErrorCode.INVALID_CREDENTIALS
    # then the right password is refused too, with a wait, and no session starts
    with pytest.raises(LoginThrottled) as throttled:
        await sign_in(kit, college, account.email, PASSWORD)
    assert throttled.value.error_code is IdentityErrorCode.LOGIN_THROTTLED
    assert throttled.value.retry_after > datetime.now(UTC)
    assert 1 <= throttled.value.extensions()["retryAfter"] <= 600
    async with kit.db.session() as session:
        assert list(await session.scalars(select(RefreshToken))) == []
        assert len(await outbox_events(session, "user.login_failed")) == 3


@pytest.mark.parametrize("cache_backend", ["memory", "redis"])
async def test_unknown_email_is_throttled_exactly_like_a_known_one(kit: SignInKit) -> None:
    # given a college and an email nobody has
    async with kit.db.transaction() as session:
        college = await make_college(session)
    # when it fails three times
    for _ in range(3):
        with pytest.raises(DomainError):
            await sign_in(kit, college, "ghost@example.edu", "a wrong password here")
    # then the fourth attempt is throttled, as a real account's would be
    with pytest.raises(LoginThrottled):
        await sign_in(kit, college, "ghost@example.edu", PASSWORD)


async def test_success_clears_the_failure_count(kit: SignInKit) -> None:
    # given two failures (one short of the lock)
    async with kit.db.transaction() as session:
        college = await make_college(session)
    account = await make_member(kit, college)
    for _ in range(2):
        with pytest.raises(DomainError):
            await sign_in(kit, college, account.email, "a wrong password here")
    # when the right password is given, then two more failures
    await sign_in(kit, college, account.email)
    for _ in range(2):
        with pytest.raises(DomainError) as refused:
            await sign_in(kit, college, account.email, "a wrong password here")
        # then they count from zero again: not throttled
        assert refused.value.error_code is IdentityErrorCode.INVALID_CREDENTIALS


async def test_a_hash_with_old_parameters_is_replaced_at_login(kit: SignInKit) -> None:
    # given a password hashed with weaker parameters than the server's
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1, type=Type.ID)
    async with kit.db.transaction() as session:
        college = await make_college(session)
    account = await make_member(kit, college, hasher=weak)
    # when the account logs in
    await sign_in(kit, college, account.email)
    # then a hash with today's parameters is stored, and still matches
    async with kit.db.session() as session:
        stored = await session.get(Account, account.id)
    assert stored is not None
    assert stored.password_hash != account.password_hash
    check = verify_password(stored.password_hash, PASSWORD)
    assert check.matched
    assert not check.needs_rehash


async def test_expired_password_signs_in_but_asks_for_a_change(kit: SignInKit) -> None:
    # given a college whose passwords last 30 days, and two accounts
    async with kit.db.transaction() as session:
        college = await make_college(session)
        college.password_policy = {"max_age_days": 30}
    now = datetime.now(UTC)
    old = await make_member(kit, college, password_changed_at=now - timedelta(days=31))
    fresh = await make_member(kit, college, password_changed_at=now - timedelta(days=29))
    # when both log in
    expired = await sign_in(kit, college, old.email)
    current = await sign_in(kit, college, fresh.email)
    # then both get a session; only the older password must be changed
    assert expired.password_change_required
    assert not current.password_change_required
    assert (await kit.verifier.verify(expired.access_token)).user_id == old.id


async def test_platform_account_logs_in_without_a_college(kit: SignInKit) -> None:
    # given a platform operator
    async with kit.db.transaction() as session:
        await make_college(session)  # seeds the built-in roles
    operator = await make_member(kit, None, roles=("super-admin",))
    # when they log in naming no college
    tokens = await sign_in(kit, None, operator.email)
    # then their token is a super-admin's
    principal = await kit.verifier.verify(tokens.access_token)
    assert principal.is_superuser
    assert principal.college_id is None


@pytest.mark.parametrize("cache_backend", ["memory", "redis"])
async def test_deactivation_refuses_earlier_access_tokens_at_once(kit: SignInKit) -> None:
    # given a signed-in account with a valid access token
    async with kit.db.transaction() as session:
        college = await make_college(session)
    account = await make_member(kit, college)
    tokens = await sign_in(kit, college, account.email)
    assert (await kit.verifier.verify(tokens.access_token)).user_id == account.id
    # when the admin deactivates it
    async with kit.db.transaction() as session:
        await accounts.deactivate_account(
            session,
            actor=college_admin(college),
            account_id=account.id,
            revocations=kit.revocations,
        )
    # then the platform's verifier refuses the token, and the refresh token is dead
    with pytest.raises(AuthenticationError):
        await kit.verifier.verify(tokens.access_token)
    with pytest.raises(DomainError) as refused:
        async with kit.db.transaction() as session:
            await sessions.refresh(
                session,
                issuer=kit.issuer,
                revocations=kit.revocations,
                settings=kit.settings,
                refresh_token=tokens.refresh_token,
            )
    assert refused.value.error_code is IdentityErrorCode.INVALID_REFRESH_TOKEN
