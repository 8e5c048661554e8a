"""Invitation and reset tokens: stored hashed, used once, only the newest valid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.db import Database
from shared.errors import DomainError
from subgraphs.identity.models import TokenPurpose
from subgraphs.identity.one_time_tokens import (
    consume_one_time_token,
    hash_token,
    issue_one_time_token,
)
from tests.factories.identity import make_account, make_college

DAY = timedelta(days=1)


async def _issue(db: Database, *, now: datetime | None = None) -> tuple[str, str]:
    async with db.transaction() as session:
        account = await make_account(session, college=await make_college(session))
        issued = await issue_one_time_token(
            session, account_id=account.id, purpose=TokenPurpose.INVITATION, ttl=DAY, now=now
        )
    return account.id, issued.raw


async def test_a_token_is_used_once(identity_db: Database) -> None:
    # given an issued invitation token
    account_id, raw = await _issue(identity_db)
    # when it is consumed
    async with identity_db.transaction() as session:
        row = await consume_one_time_token(session, raw=raw, purpose=TokenPurpose.INVITATION)
    # then it belongs to the account and only its hash was stored
    assert row.account_id == account_id
    assert row.token_hash == hash_token(raw)
    # when it is consumed again, then it was already used
    with pytest.raises(DomainError) as caught:
        async with identity_db.transaction() as session:
            await consume_one_time_token(session, raw=raw, purpose=TokenPurpose.INVITATION)
    assert caught.value.code_name == "TOKEN_ALREADY_USED"


async def test_expired_wrong_purpose_and_unknown_tokens(identity_db: Database) -> None:
    # given a token issued two days ago for one day
    _, raw = await _issue(identity_db, now=datetime.now(UTC) - 2 * DAY)
    async with identity_db.transaction() as session:
        # when it is consumed, then it has expired
        with pytest.raises(DomainError) as expired:
            await consume_one_time_token(session, raw=raw, purpose=TokenPurpose.INVITATION)
        assert expired.value.code_name == "TOKEN_EXPIRED"
        # when it is used for another purpose, or a made-up token is, then neither is valid
        for token, purpose in (
            (raw, TokenPurpose.PASSWORD_RESET),
            ("nope", TokenPurpose.INVITATION),
        ):
            with pytest.raises(DomainError) as invalid:
                await consume_one_time_token(session, raw=token, purpose=purpose)
            assert invalid.value.code_name == "INVALID_TOKEN"


async def test_a_new_token_retires_the_previous_one(identity_db: Database) -> None:
    # given an account invited twice
    account_id, first = await _issue(identity_db)
    async with identity_db.transaction() as session:
        second = await issue_one_time_token(
            session, account_id=account_id, purpose=TokenPurpose.INVITATION, ttl=DAY
        )
    async with identity_db.transaction() as session:
        # when the first link is followed, then it no longer works
        with pytest.raises(DomainError) as caught:
            await consume_one_time_token(session, raw=first, purpose=TokenPurpose.INVITATION)
        assert caught.value.code_name == "TOKEN_ALREADY_USED"
        # and the second one does
        row = await consume_one_time_token(session, raw=second.raw, purpose=TokenPurpose.INVITATION)
    assert row.account_id == account_id
