"""How many password-reset emails one account, and one client address, may ask for.

``passwordResetRequest`` needs no token, so without a limit anyone could fill
a person's inbox with reset emails, or make the platform send thousands. The
limit counts requests in fixed windows (``LMS_IDENTITY_PASSWORD_RESET_WINDOW_MINUTES``):
per account (college and email, whether or not it exists, so the count tells
nothing) and per client address. A request over either limit is answered
exactly like any other and sends nothing.

Counters live in the platform cache (Redis when distributed), so every
replica of identity shares them.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from shared.cache import Cache

__all__ = ["ResetRequestLimiter"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResetRequestLimiter:
    """Counts reset requests per account and per client address in ``cache``."""

    cache: Cache
    per_account: int
    """Requests for one college and email per window."""
    per_address: int
    """Requests from one client address per window."""
    window_seconds: float

    async def allow(self, *, college: str, email: str, address: str | None) -> bool:
        """Count this request; whether it is within both limits.

        Both counters move on every request, so a flood from one address
        does not become allowed again by switching emails.
        """
        account = await self.cache.incr(_account_key(college, email), ttl=self.window_seconds)
        allowed = account <= self.per_account
        if address is not None:
            from_address = await self.cache.incr(
                f"identity:reset:address:{address}", ttl=self.window_seconds
            )
            allowed = allowed and from_address <= self.per_address
        if not allowed:
            logger.warning(
                "password reset request over the limit (address %s, %d per account, %d per "
                "address, per %gs)",
                address or "unknown",
                self.per_account,
                self.per_address,
                self.window_seconds,
            )
        return allowed


def _account_key(college: str, email: str) -> str:
    """The account's counter, by a digest: emails are not kept readable in the cache."""
    digest = hashlib.sha256(f"{college.strip().lower()}\0{email.strip().lower()}".encode())
    return f"identity:reset:account:{digest.hexdigest()}"
