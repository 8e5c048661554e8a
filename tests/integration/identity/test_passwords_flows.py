"""Password change, reset by email and invitation acceptance."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import func, select

from shared.errors import AuthenticationError, DomainError, DomainErrors
from subgraphs.identity import accounts, credentials
from subgraphs.identity.errors import IdentityErrorCode
from subgraphs.identity.models import (
    Account,
    AccountKind,
    AccountStatus,
    College,
    OneTimeToken,
    PasswordHistory,
    RefreshToken,
)
from subgraphs.identity.password_policy import PasswordErrorCode
from subgraphs.identity.sessions import SessionTokens
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

NEW_PASSWORD = "violet lantern over quiet harbour"


async def _college(kit: SignInKit, **policy: object) -> College:
    async with kit.db.transaction() as session:
        college = await make_college(session)
        college.password_policy = dict(policy)
    return college


async def _change(
    kit: SignInKit, token: str, current: str, new: str
) -> credentials.PasswordChanged:
    actor = await kit.verifier.verify(token)
    async with kit.db.transaction() as session:
        return await credentials.change_password(
            session,
            actor=actor,
            current_password=current,
            new_password=new,
            issuer=kit.issuer,
            revocations=kit.revocations,
            throttle=kit.throttle,
        )


# -- change ---------------------------------------------------------------------------------
async def test_change_keeps_the_current_session_and_ends_the_others(kit: SignInKit) -> None:
    # given an account signed in twice
    college = await _college(kit)
    account = await make_member(kit, college)
    here = await sign_in(kit, college, account.email)
    elsewhere = await sign_in(kit, college, account.email)
    # when it changes its password from the first session
    changed = await _change(kit, here.access_token, PASSWORD, NEW_PASSWORD)
    # then the other session ended, every earlier access token is refused, and the
    # current session continues with the fresh access token it got
    assert changed.sessions_ended == 1
    assert changed.access_token is not None
    for tokens in (here, elsewhere):
        with pytest.raises(AuthenticationError):
            await kit.verifier.verify(tokens.access_token)
    assert (await kit.verifier.verify(changed.access_token)).session_id == here.session_id
    async with kit.db.session() as session:
        rows = {r.family_id: r for r in await session.scalars(select(RefreshToken))}
        history = await session.scalar(select(func.count()).select_from(PasswordHistory))
        (event,) = await outbox_events(session, "user.password_changed")
    assert rows[here.session_id].revoked_at is None
    assert rows[elsewhere.session_id].revoked_at is not None
    assert history == 1
    assert event.data["reason"] == "change"
    # and only the new password signs in now
    assert (await sign_in(kit, college, account.email, NEW_PASSWORD)).account.id == account.id
    with pytest.raises(DomainError):
        await sign_in(kit, college, account.email, PASSWORD)


async def test_change_needs_the_current_password(kit: SignInKit) -> None:
    # given a signed-in account
    college = await _college(kit)
    account = await make_member(kit, college)
    tokens = await sign_in(kit, college, account.email)
    # when the current password given is wrong
    with pytest.raises(DomainError) as refused:
        await _change(kit, tokens.access_token, "not my password", NEW_PASSWORD)
    # then INVALID_CREDENTIALS on current_password, and nothing changed
    assert refused.value.error_code is IdentityErrorCode.INVALID_CREDENTIALS
    assert refused.value.field == "current_password"
    assert (await sign_in(kit, college, account.email)).account.id == account.id


@pytest.mark.parametrize(
    ("policy", "password", "code"),
    [
        ({}, "short one", PasswordErrorCode.PASSWORD_TOO_SHORT),
        (
            {"max_length": 64},
            "a" * 30 + " long walk " + "b" * 30,
            PasswordErrorCode.PASSWORD_TOO_LONG,
        ),
        (
            {"min_character_classes": 3},
            "only lower case words here",
            PasswordErrorCode.PASSWORD_MISSING_CHARACTER_CLASSES,
        ),
        ({}, PASSWORD, PasswordErrorCode.PASSWORD_REUSED),
        ({}, "Password2024!", PasswordErrorCode.PASSWORD_TOO_COMMON),
        ({}, "marguerite by the sea", PasswordErrorCode.PASSWORD_CONTAINS_PERSONAL_DATA),
    ],
)
async def test_change_reports_each_policy_failure(
    kit: SignInKit, policy: dict[str, object], password: str, code: PasswordErrorCode
) -> None:
    # given an account of a college with this policy
    college = await _college(kit, **policy)
    account = await make_member(kit, college, email="marguerite@example.edu")
    tokens = await sign_in(kit, college, account.email)
    # when it tries a new password breaking the rule
    with pytest.raises(DomainErrors) as refused:
        await _change(kit, tokens.access_token, PASSWORD, password)
    # then the rule's code is reported on new_password
    assert code in {error.error_code for error in refused.value}
    assert {error.field for error in refused.value} == {"new_password"}


# -- reset ----------------------------------------------------------------------------------
async def _request_reset(kit: SignInKit, college: College, email: str) -> None:
    async with kit.db.transaction() as session:
        await credentials.request_password_reset(
            session, settings=kit.settings, college_id=college.id, email=email
        )


async def _reset(kit: SignInKit, token: str, password: str) -> Account:
    async with kit.db.transaction() as session:
        return await credentials.reset_password(
            session,
            token=token,
            new_password=password,
            revocations=kit.revocations,
            throttle=kit.throttle,
        )


async def test_reset_flow_sets_the_password_and_ends_every_session(kit: SignInKit) -> None:
    # given a signed-in account that forgot its password
    college = await _college(kit)
    account = await make_member(kit, college)
    before = await sign_in(kit, college, account.email)
    # when it asks for a reset link, and sets a new password with it
    await _request_reset(kit, college, account.email.upper())
    async with kit.db.session() as session:
        (email,) = await outbox_events(session, "notification.email_requested")
    assert email.data["to"] == account.email
    assert email.data["template"] == "password_reset"
    link = next(word for word in email.data["text"].split() if "token=" in word)
    token = parse_qs(urlparse(link).query)["token"][0]
    await _reset(kit, token, NEW_PASSWORD)
    # then the old session is over and the new password signs in
    with pytest.raises(AuthenticationError):
        await kit.verifier.verify(before.access_token)
    assert (await sign_in(kit, college, account.email, NEW_PASSWORD)).account.id == account.id
    # and the link works only once
    with pytest.raises(DomainError) as again:
        await _reset(kit, token, "another fresh passphrase")
    assert again.value.error_code is IdentityErrorCode.TOKEN_ALREADY_USED


async def test_reset_request_answers_the_same_for_unknown_emails(kit: SignInKit) -> None:
    # given a college, an invited account (no password yet) and a deactivated one
    college = await _college(kit)
    invited = await make_member(kit, college, password=None, status=AccountStatus.INVITED)
    gone = await make_member(kit, college, status=AccountStatus.DEACTIVATED)
    # when resets are asked for them and for an unknown email
    for email in ("nobody@example.edu", invited.email, gone.email, "not an email"):
        await _request_reset(kit, college, email)
    # then no error was raised, and nothing was sent or stored
    async with kit.db.session() as session:
        assert await outbox_events(session, "notification.email_requested") == []
        assert list(await session.scalars(select(OneTimeToken))) == []


async def test_a_refused_new_password_leaves_the_reset_link_usable(kit: SignInKit) -> None:
    # given a reset link
    college = await _college(kit)
    account = await make_member(kit, college)
    await _request_reset(kit, college, account.email)
    async with kit.db.session() as session:
        (email,) = await outbox_events(session, "notification.email_requested")
    link = next(word for word in email.data["text"].split() if "token=" in word)
    token = parse_qs(urlparse(link).query)["token"][0]
    # when a too-short password is tried, then a good one
    with pytest.raises(DomainErrors):
        await _reset(kit, token, "short")
    await _reset(kit, token, NEW_PASSWORD)
    # then the second attempt worked
    assert (await sign_in(kit, college, account.email, NEW_PASSWORD)).account.id == account.id


# -- invitation -----------------------------------------------------------------------------
async def _accept(
    kit: SignInKit, token: str, password: str, display_name: str | None = None
) -> SessionTokens:
    async with kit.db.transaction() as session:
        return await credentials.accept_invitation(
            session,
            token=token,
            password=password,
            issuer=kit.issuer,
            settings=kit.settings,
            display_name=display_name,
        )


async def test_accepting_an_invitation_activates_and_signs_in(kit: SignInKit) -> None:
    # given an invited student
    college = await _college(kit)
    async with kit.db.transaction() as session:
        invitation = await accounts.invite_account(
            session,
            actor=college_admin(college),
            email="new.student@example.edu",
            display_name="New Student",
            kind=AccountKind.STUDENT,
        )
    # when a weak password is tried, then a good one with a preferred name
    with pytest.raises(DomainErrors):
        await _accept(kit, invitation.token, "password")
    tokens = await _accept(kit, invitation.token, NEW_PASSWORD, display_name="Nova Student")
    # then the account is active, named as asked, and signed in
    principal = await kit.verifier.verify(tokens.access_token)
    assert principal.user_id == invitation.account.id
    assert "student" in principal.roles
    async with kit.db.session() as session:
        stored = await session.get(Account, invitation.account.id)
        activated = await outbox_events(session, "user.activated")
        logged_in = await outbox_events(session, "user.logged_in")
    assert stored is not None
    assert stored.status is AccountStatus.ACTIVE
    assert stored.display_name == "Nova Student"
    assert stored.password_changed_at is not None
    assert len(activated) == 1
    assert len(logged_in) == 1
    # and the invitation cannot be accepted twice
    with pytest.raises(DomainError) as again:
        await _accept(kit, invitation.token, NEW_PASSWORD)
    assert again.value.error_code is IdentityErrorCode.TOKEN_ALREADY_USED
