"""Calendar-feed tokens: a secret link that shows one person's timetable to a calendar app.

Each person has at most one feed. Creating it returns a fresh random token
(shown once; only its SHA-256 is stored); creating it again rotates the
token, so the old link stops working; revoking deletes it. Calendar apps
fetch the link without signing in, so the token alone identifies the
person: an unknown or revoked token finds nothing, and says nothing more.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.db import utcnow
from shared.errors import AuthenticationError, PermissionDenied
from subgraphs.courses.schedules.models import CalendarFeed

__all__ = ["IssuedFeed", "create_feed", "feed_by_token", "hash_token", "revoke_feed"]


@dataclass(frozen=True, kw_only=True)
class IssuedFeed:
    """A feed just created or rotated, with its token in the clear (never stored)."""

    feed: CalendarFeed
    token: str


def hash_token(token: str) -> str:
    """The stored form of a feed token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _owner(actor: Principal) -> tuple[str, str]:
    if not actor.is_authenticated:
        raise AuthenticationError()
    if actor.kind != "user" or actor.user_id is None or actor.college_id is None:
        raise PermissionDenied("Only a person of a college has a calendar feed.")
    return actor.user_id, actor.college_id


async def create_feed(session: AsyncSession, *, actor: Principal) -> IssuedFeed:
    """The actor's feed with a new token; an existing feed's old token stops working."""
    user_id, college_id = _owner(actor)
    token = secrets.token_urlsafe(32)
    feed = await session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user_id))
    if feed is None:
        feed = CalendarFeed(user_id=user_id, college_id=college_id, token_hash=hash_token(token))
        session.add(feed)
    else:
        feed.token_hash = hash_token(token)
        feed.college_id = college_id
        feed.created_at = utcnow()
    await session.flush()
    return IssuedFeed(feed=feed, token=token)


async def revoke_feed(session: AsyncSession, *, actor: Principal) -> bool:
    """Delete the actor's feed; ``False`` when there was none."""
    user_id, _college_id = _owner(actor)
    result = await session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user_id))
    return bool(getattr(result, "rowcount", 0))


async def feed_by_token(session: AsyncSession, token: str) -> CalendarFeed | None:
    """The feed ``token`` opens, or ``None`` (unknown, rotated or revoked)."""
    if not token or len(token) > 128:
        return None
    return await session.scalar(
        select(CalendarFeed).where(CalendarFeed.token_hash == hash_token(token))
    )
