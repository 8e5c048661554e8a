"""Refresh-token rotation: a new pair per refresh, reuse ends the session, one winner per race."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from shared.errors import AuthenticationError, DomainError
from subgraphs.identity import sessions
from subgraphs.identity.errors import IdentityErrorCode
from subgraphs.identity.models import Account, AccountStatus, College, RefreshToken
from subgraphs.identity.one_time_tokens import hash_token
from subgraphs.identity.sessions import SessionTokens
from tests.factories.identity import make_college, outbox_events
from tests.integration.identity.sign_in import (
    SignInKit,
    cache_backend,
    kit,
    make_member,
    sign_in,
)

__all__ = ["cache_backend", "kit"]


async def _refresh(kit: SignInKit, token: str, *, now: datetime | None = None) -> SessionTokens:
    async with kit.db.transaction() as session:
        return await sessions.refresh(
            session,
            issuer=kit.issuer,
            revocations=kit.revocations,
            settings=kit.settings,
            refresh_token=token,
            ip="10.0.0.7",
            now=now,
        )


async def _signed_in(kit: SignInKit) -> tuple[College, Account, SessionTokens]:
    async with kit.db.transaction() as session:
        college = await make_college(session)
    account = await make_member(kit, college)
    return college, account, await sign_in(kit, college, account.email)


async def _refused(kit: SignInKit, token: str, *, now: datetime | None = None) -> DomainError:
    with pytest.raises(DomainError) as refused:
        await _refresh(kit, token, now=now)
    assert refused.value.error_code is IdentityErrorCode.INVALID_REFRESH_TOKEN
    return refused.value


async def test_refresh_rotates_within_the_session(kit: SignInKit) -> None:
    # given a signed-in account
    _, account, first = await _signed_in(kit)
    # when it refreshes, then refreshes with the new token
    second = await _refresh(kit, first.refresh_token)
    third = await _refresh(kit, second.refresh_token)
    # then each refresh gave a new pair in the same session
    assert len({first.refresh_token, second.refresh_token, third.refresh_token}) == 3
    assert first.session_id == second.session_id == third.session_id
    principal = await kit.verifier.verify(third.access_token)
    assert (principal.user_id, principal.session_id) == (account.id, first.session_id)
    # and the exchanged tokens are marked used, the newest is not
    async with kit.db.session() as session:
        rows = {r.token_hash: r for r in await session.scalars(select(RefreshToken))}
    assert rows[hash_token(first.refresh_token)].used_at is not None
    assert rows[hash_token(second.refresh_token)].used_at is not None
    assert rows[hash_token(third.refresh_token)].used_at is None
    assert {r.family_id for r in rows.values()} == {first.session_id}


@pytest.mark.parametrize("cache_backend", ["memory", "redis"])
async def test_reuse_after_the_grace_revokes_the_whole_session(kit: SignInKit) -> None:
    # given a session refreshed once (the first token is now used)
    _, account, first = await _signed_in(kit)
    second = await _refresh(kit, first.refresh_token)
    # when the first token is presented again, a minute later (a thief replaying it)
    await _refused(kit, first.refresh_token, now=datetime.now(UTC) + timedelta(minutes=1))
    # then every token of the family is revoked, the current one too
    await _refused(kit, second.refresh_token)
    async with kit.db.session() as session:
        rows = list(await session.scalars(select(RefreshToken)))
        (event,) = await outbox_events(session, "user.refresh_token_reused")
    assert rows
    assert all(row.revoked_at is not None for row in rows)
    assert event.subject == account.id
    assert event.data["session_id"] == first.session_id
    # and the session's access tokens are refused by every service at once
    for tokens in (first, second):
        with pytest.raises(AuthenticationError):
            await kit.verifier.verify(tokens.access_token)


async def test_a_retry_within_the_grace_is_refused_without_ending_the_session(
    kit: SignInKit,
) -> None:
    # given a session refreshed once
    _, _, first = await _signed_in(kit)
    second = await _refresh(kit, first.refresh_token)
    # when the client retries the first token at once
    await _refused(kit, first.refresh_token)
    # then the session lives on with the new token
    third = await _refresh(kit, second.refresh_token)
    assert (await kit.verifier.verify(third.access_token)).session_id == first.session_id


async def test_unknown_expired_and_revoked_tokens_are_refused(kit: SignInKit) -> None:
    # given a session, and one ended by logout
    college, account, live = await _signed_in(kit)
    ended = await sign_in(kit, college, account.email)
    async with kit.db.transaction() as session:
        await sessions.logout(
            session, revocations=kit.revocations, refresh_token=ended.refresh_token
        )
    # when an unknown, an expired and a revoked token are presented, then all are refused
    await _refused(kit, "not-a-token")
    await _refused(kit, live.refresh_token, now=datetime.now(UTC) + timedelta(days=31))
    await _refused(kit, ended.refresh_token)
    # and the expired attempt did not use up the token (it is still valid today)
    assert (await _refresh(kit, live.refresh_token)).session_id == live.session_id


async def test_a_deactivated_account_cannot_refresh(kit: SignInKit) -> None:
    # given a session of an account that is then deactivated (directly, no revocation)
    _, account, tokens = await _signed_in(kit)
    async with kit.db.transaction() as session:
        stored = await session.get(Account, account.id)
        assert stored is not None
        stored.status = AccountStatus.DEACTIVATED
    # when it refreshes, then it is refused and its session revoked
    await _refused(kit, tokens.refresh_token)
    async with kit.db.session() as session:
        rows = list(await session.scalars(select(RefreshToken)))
    assert all(row.revoked_at is not None for row in rows)


async def test_concurrent_refreshes_of_one_token_have_exactly_one_winner(kit: SignInKit) -> None:
    # given a session
    _, _, tokens = await _signed_in(kit)
    # when two refreshes of the same token run at once, in two transactions
    results = await asyncio.gather(
        _refresh(kit, tokens.refresh_token),
        _refresh(kit, tokens.refresh_token),
        return_exceptions=True,
    )
    # then one got a new pair and the other INVALID_REFRESH_TOKEN
    winners = [r for r in results if isinstance(r, SessionTokens)]
    losers = [r for r in results if isinstance(r, DomainError)]
    assert len(winners) == 1, results
    assert len(losers) == 1, results
    assert losers[0].error_code is IdentityErrorCode.INVALID_REFRESH_TOKEN
    # and the winner's session goes on (the loser was within the grace)
    again = await _refresh(kit, winners[0].refresh_token)
    assert again.session_id == tokens.session_id
    async with kit.db.session() as session:
        rows = list(await session.scalars(select(RefreshToken)))
    assert len(rows) == 3
    assert all(row.revoked_at is None for row in rows)


async def test_a_session_ends_at_its_absolute_lifetime_however_often_refreshed(
    kit: SignInKit,
) -> None:
    # given a session signed in now (sessions live at most 90 days, refresh tokens 30)
    _, _, first = await _signed_in(kit)
    start = datetime.now(UTC)
    # when it is refreshed every 25 days
    tokens = first
    for days in (25, 50, 75):
        tokens = await _refresh(kit, tokens.refresh_token, now=start + timedelta(days=days))
    # then the last refresh token expires at the session's end, not 30 days later
    limit = start + kit.settings.session_max_lifetime
    assert tokens.refresh_expires_at <= limit + timedelta(minutes=1)
    assert tokens.refresh_expires_at < start + timedelta(days=75 + 29)
    # and a refresh just after the end is refused, although the token was issued 16 days ago
    await _refused(kit, tokens.refresh_token, now=limit + timedelta(minutes=2))
