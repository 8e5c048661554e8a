"""Logout: one session or all of them, with their access tokens refused at once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shared.errors import AuthenticationError, DomainError
from subgraphs.identity import sessions
from subgraphs.identity.models import Account, RefreshToken
from tests.factories.identity import make_college, outbox_events
from tests.integration.identity.sign_in import (
    SignInKit,
    cache_backend,
    kit,
    make_member,
    sign_in,
)

__all__ = ["cache_backend", "kit"]


async def _refresh_refused(kit: SignInKit, token: str) -> None:
    with pytest.raises(DomainError):
        async with kit.db.transaction() as session:
            await sessions.refresh(
                session,
                issuer=kit.issuer,
                revocations=kit.revocations,
                settings=kit.settings,
                refresh_token=token,
            )


@pytest.mark.parametrize("cache_backend", ["memory", "redis"])
async def test_logout_ends_only_the_callers_session(kit: SignInKit) -> None:
    # given an account signed in on a laptop and a phone
    async with kit.db.transaction() as session:
        college = await make_college(session)
    account = await make_member(kit, college)
    laptop = await sign_in(kit, college, account.email)
    phone = await sign_in(kit, college, account.email)
    # when the laptop logs out with its access token
    principal = await kit.verifier.verify(laptop.access_token)
    async with kit.db.transaction() as session:
        ended = await sessions.logout(session, revocations=kit.revocations, principal=principal)
    # then the laptop's tokens are refused, the phone's still work
    assert ended == 1
    with pytest.raises(AuthenticationError):
        await kit.verifier.verify(laptop.access_token)
    await _refresh_refused(kit, laptop.refresh_token)
    assert (await kit.verifier.verify(phone.access_token)).session_id == phone.session_id
    async with kit.db.session() as session:
        (event,) = await outbox_events(session, "user.logged_out")
    assert event.data == {
        "session_id": laptop.session_id,
        "all_sessions": False,
        "actor_id": account.id,
    }


async def test_logout_with_a_refresh_token_and_twice_is_harmless(kit: SignInKit) -> None:
    # given a session
    async with kit.db.transaction() as session:
        college = await make_college(session)
    account = await make_member(kit, college)
    tokens = await sign_in(kit, college, account.email)
    # when it logs out with its refresh token, twice, and with an unknown token
    counts = []
    for token in (tokens.refresh_token, tokens.refresh_token, "unknown"):
        async with kit.db.transaction() as session:
            counts.append(
                await sessions.logout(session, revocations=kit.revocations, refresh_token=token)
            )
    # then the first ended the session and the others ended nothing, without errors
    assert counts == [1, 0, 0]
    with pytest.raises(AuthenticationError):
        await kit.verifier.verify(tokens.access_token)


@pytest.mark.parametrize("cache_backend", ["memory", "redis"])
async def test_logout_everywhere_refuses_every_token_then_a_new_login_works(
    kit: SignInKit,
) -> None:
    # given two sessions
    async with kit.db.transaction() as session:
        college = await make_college(session)
    account = await make_member(kit, college)
    one = await sign_in(kit, college, account.email)
    two = await sign_in(kit, college, account.email)
    # when one of them logs out of all sessions
    principal = await kit.verifier.verify(one.access_token)
    async with kit.db.transaction() as session:
        ended = await sessions.logout(
            session, revocations=kit.revocations, principal=principal, all_sessions=True
        )
    # then both sessions are over, access and refresh tokens alike
    assert ended == 2
    for tokens in (one, two):
        with pytest.raises(AuthenticationError):
            await kit.verifier.verify(tokens.access_token)
        await _refresh_refused(kit, tokens.refresh_token)
    async with kit.db.session() as session:
        stored = await session.get(Account, account.id)
        rows = list(await session.scalars(select(RefreshToken)))
    assert stored is not None
    assert stored.sessions_valid_after is not None
    assert all(row.revoked_at is not None for row in rows)
    # and a login afterwards is accepted at once
    fresh = await sign_in(kit, college, account.email)
    assert (await kit.verifier.verify(fresh.access_token)).user_id == account.id
