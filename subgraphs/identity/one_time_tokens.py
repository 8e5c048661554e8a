"""Single-use tokens sent by email: invitations and password resets.

The raw token is returned once, to be put in the email; only its SHA-256
is stored, so a copy of the database cannot be used to accept an
invitation. Issuing a token retires the account's earlier unused tokens of
the same purpose: only the newest link works.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import utcnow
from shared.errors import DomainError
from subgraphs.identity._time import as_utc
from subgraphs.identity.errors import IdentityErrorCode
from subgraphs.identity.models import OneTimeToken, TokenPurpose

__all__ = ["IssuedToken", "consume_one_time_token", "hash_token", "issue_one_time_token"]


def hash_token(raw: str) -> str:
    """The stored form of a token: SHA-256, hex."""
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    """A token just issued: ``raw`` goes in the email, ``row`` is what was stored."""

    raw: str
    row: OneTimeToken


async def issue_one_time_token(
    session: AsyncSession,
    *,
    account_id: str,
    purpose: TokenPurpose,
    ttl: timedelta,
    now: datetime | None = None,
) -> IssuedToken:
    """Store a new token for ``account_id`` valid for ``ttl``; retire older unused ones."""
    now = now or utcnow()
    await session.execute(
        update(OneTimeToken)
        .where(
            OneTimeToken.account_id == account_id,
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    raw = secrets.token_urlsafe(32)
    row = OneTimeToken(
        account_id=account_id,
        purpose=purpose,
        token_hash=hash_token(raw),
        expires_at=now + ttl,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return IssuedToken(raw=raw, row=row)


async def consume_one_time_token(
    session: AsyncSession, *, raw: str, purpose: TokenPurpose, now: datetime | None = None
) -> OneTimeToken:
    """Mark the token ``raw`` used and return it; it must exist, be unused and unexpired."""
    now = now or utcnow()
    row = await session.scalar(
        select(OneTimeToken)
        .where(OneTimeToken.token_hash == hash_token(raw), OneTimeToken.purpose == purpose)
        .with_for_update()
    )
    if row is None:
        raise DomainError(IdentityErrorCode.INVALID_TOKEN, "This link is not valid.", "token")
    if row.used_at is not None:
        raise DomainError(
            IdentityErrorCode.TOKEN_ALREADY_USED, "This link was already used.", "token"
        )
    if as_utc(row.expires_at) <= now:
        raise DomainError(IdentityErrorCode.TOKEN_EXPIRED, "This link has expired.", "token")
    row.used_at = now
    await session.flush()
    return row
