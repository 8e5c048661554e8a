"""Immediate revocation of access tokens, before they expire.

Access tokens are verified by signature alone, so without this a deactivated
user, or one who logged out everywhere or changed their password, would keep
working until the token expires (``LMS_JWT_ACCESS_TTL``). The
:class:`RevocationList` records, in the shared cache:

* per user id, a time before which every token of that user is refused
  (deactivation, "log out everywhere", a password change);
* per session id (the ``sid`` claim), a time before which the tokens of that
  session are refused (logging out one device).

A token is refused when its ``iat`` is earlier than either time, so tokens
issued after the revocation (the next login) work at once. Token times are
whole milliseconds cut down (:func:`~shared.auth.tokens.numeric_date`); a
revocation "now" is recorded as the next millisecond boundary and the call
returns once the clock has passed it, so a token issued before the call is
always refused and one issued after it never is, even within one millisecond
(the identity service revokes, then issues the new token, in one request). Entries live as
long as a token can (the access-token lifetime plus the verifier's leeway);
after that every token they could refuse has expired anyway.

:class:`RevocationCheckingVerifier` wraps the platform's token verifier, so
every service that turns a bearer token into a principal consults the list:
one cache read per authenticated request (one ``MGET`` on Redis, a dictionary
lookup in the embedded cache). A revoked token fails with ``UNAUTHENTICATED``,
like an expired one.

The list is only as shared as the cache: the embedded (memory) cache is per
process, which is right for ``lms dev`` (every service in one process); a
deployment of several processes needs ``LMS_CACHE_BACKEND=redis``.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from shared.auth.tokens import numeric_date
from shared.errors import AuthenticationError

if TYPE_CHECKING:
    from shared.auth.principal import Principal
    from shared.auth.tokens import TokenVerifier
    from shared.cache.base import Cache
    from shared.config import Settings

__all__ = [
    "REVOKED_MESSAGE",
    "RevocationCheckingVerifier",
    "RevocationList",
]

REVOKED_MESSAGE = "The session has ended; log in again."
"""What a client is told when its token was revoked (code ``UNAUTHENTICATED``)."""

LEEWAY_MARGIN = 60.0
"""Seconds an entry outlives the access-token lifetime: more than the verifiers'
clock leeway (30 s), so a token accepted late is still checked."""

_USER_KEY = "auth:revoked:user:"
_SESSION_KEY = "auth:revoked:session:"


class RevocationList:
    """Revocation times per user and per session, kept in ``cache`` for ``ttl`` seconds.

    ``ttl`` must be at least the longest lifetime of a token the list should
    refuse (:meth:`from_settings` uses the access-token lifetime plus a margin).
    ``clock`` gives seconds since the epoch, as the ``iat`` of issued tokens.
    """

    def __init__(self, cache: Cache, *, ttl: float, clock: Callable[[], float] = time.time) -> None:
        if not ttl > 0:
            raise ValueError(f"ttl must be positive seconds, got {ttl!r}")
        self.cache = cache
        self.ttl = ttl
        self._clock = clock

    @classmethod
    def from_settings(cls, settings: Settings, cache: Cache) -> RevocationList:
        """A list whose entries last ``LMS_JWT_ACCESS_TTL`` plus :data:`LEEWAY_MARGIN`."""
        return cls(cache, ttl=settings.jwt_access_ttl + LEEWAY_MARGIN)

    async def revoke_user(self, user_id: str, *, before: float | None = None) -> float:
        """Refuse every token of ``user_id`` issued before ``before`` (default: now).

        "Now" is the next millisecond boundary; the call returns once it has passed
        (at most a millisecond). Returns the revocation time in force: a later time
        already recorded is kept (revoking never un-revokes a token).
        """
        return await self._revoke(_USER_KEY + _checked("user_id", user_id), before)

    async def revoke_session(self, session_id: str, *, before: float | None = None) -> float:
        """Refuse the tokens of session ``session_id`` issued before ``before`` (default: now).

        The user's other sessions keep working.
        """
        return await self._revoke(_SESSION_KEY + _checked("session_id", session_id), before)

    async def is_revoked(self, principal: Principal) -> bool:
        """Whether ``principal``'s token was revoked: one cache read.

        A principal without ``issued_at`` counts as revoked when any entry applies
        to it (its age cannot be told, so it is refused rather than trusted).
        """
        if principal.user_id is None:
            return False
        keys = [_USER_KEY + principal.user_id]
        if principal.session_id is not None:
            keys.append(_SESSION_KEY + principal.session_id)
        for raw in await self.cache.get_many(keys):
            if raw is None:
                continue
            revoked_before = _parse_time(raw)
            if (
                principal.issued_at is None
                or revoked_before is None
                or principal.issued_at < revoked_before
            ):
                return True
        return False

    async def check(self, principal: Principal) -> None:
        """Raise :class:`AuthenticationError` (:data:`REVOKED_MESSAGE`) if revoked."""
        if await self.is_revoked(principal):
            raise AuthenticationError(REVOKED_MESSAGE)

    async def _revoke(self, key: str, before: float | None) -> float:
        now = self._clock()
        at = numeric_date(now) + 0.001 if before is None else before
        current = _parse_time(await self.cache.get(key) or b"")
        if current is not None and current > at:
            at = current
        # A token issued at `at` expires by `at + ttl`; keep the entry until then.
        remaining = at + self.ttl - now
        if remaining > 0:
            await self.cache.set(key, repr(at).encode("ascii"), ttl=remaining)
        if before is None:
            # Return once `at` has passed: tokens issued from here on have iat >= at.
            await asyncio.sleep(max(0.0, at - self._clock()))
        return at


class RevocationCheckingVerifier:
    """A :class:`~shared.auth.tokens.TokenVerifier` that also refuses revoked tokens.

    The wrapped verifier checks the signature and claims first, so a forged or
    expired token never costs a cache read.
    """

    def __init__(self, verifier: TokenVerifier, revocations: RevocationList) -> None:
        self.verifier = verifier
        self.revocations = revocations

    async def verify(self, token: str) -> Principal:
        principal = await self.verifier.verify(token)
        await self.revocations.check(principal)
        return principal


def _checked(name: str, value: str) -> str:
    if not value:
        raise ValueError(f"{name} is empty")
    return value


def _parse_time(raw: bytes) -> float | None:
    try:
        value = float(raw.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None
    return value if math.isfinite(value) else None
