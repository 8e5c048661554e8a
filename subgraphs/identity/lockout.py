"""Brute-force protection for logins: back-off, then a temporary lock.

Failures are counted in the shared cache (``shared.cache.Cache``: in-process
in ``lms dev``, Redis when distributed, so every replica sees the same
counts), in two scopes:

* the **account**: the college and the email, known or not, so guessing at an
  unknown email is throttled exactly like a real one and the answers reveal
  nothing about which accounts exist (the key is a hash: no emails in the cache);
* the **IP address** (an IPv6 address counts by its /64 network), with higher
  limits, since a whole campus may share one address.

Within ``LMS_LOGIN_FAILURE_WINDOW`` seconds (counted from a scope's first
failure), the first ``free_failures`` failures cost nothing; each further one
makes the next attempt wait ``LMS_LOGIN_BACKOFF_BASE`` seconds, doubled per
failure up to ``LMS_LOGIN_BACKOFF_MAX``; at ``lock_failures`` the scope is
locked for ``LMS_LOGIN_LOCK_DURATION`` and its count starts again afterwards.
A successful login clears the account's count and wait, not the IP's.

The login path: :meth:`LoginThrottle.check` first (refuse with its
``retry_after`` without looking at the password), then verify the password
and call :meth:`~LoginThrottle.record_failure` or
:meth:`~LoginThrottle.record_success`. Attempts already past ``check`` when
a wait begins still finish, so a burst of parallel guesses can overshoot the
back-off; the lock still stops the scope once ``lock_failures`` are counted.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from shared.cache.base import Cache
    from shared.config import Settings

__all__ = ["LockoutSettings", "LoginDecision", "LoginThrottle", "Thresholds"]

logger = logging.getLogger(__name__)

Scope = Literal["account", "ip"]
Reason = Literal["backoff", "locked"]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Failures within the window: free up to ``free_failures``, a lock at ``lock_failures``."""

    free_failures: int
    lock_failures: int

    def __post_init__(self) -> None:
        if self.free_failures < 0 or self.lock_failures < 1:
            raise ValueError("free_failures must be >= 0 and lock_failures >= 1")


@dataclass(frozen=True, slots=True)
class LockoutSettings:
    """The thresholds and durations (seconds) of :class:`LoginThrottle`."""

    window: float = 900.0
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    lock_duration: float = 900.0
    account: Thresholds = Thresholds(free_failures=5, lock_failures=20)
    ip: Thresholds = Thresholds(free_failures=50, lock_failures=500)

    @classmethod
    def from_settings(cls, settings: Settings) -> LockoutSettings:
        """The ``LMS_LOGIN_*`` settings."""
        return cls(
            window=settings.login_failure_window,
            backoff_base=settings.login_backoff_base,
            backoff_max=settings.login_backoff_max,
            lock_duration=settings.login_lock_duration,
            account=Thresholds(settings.login_free_failures, settings.login_lock_failures),
            ip=Thresholds(settings.login_ip_free_failures, settings.login_ip_lock_failures),
        )

    def wait_after(self, failures: int, thresholds: Thresholds) -> float:
        """Seconds to wait after the ``failures``-th failure (0 while still free)."""
        extra = failures - thresholds.free_failures
        if extra <= 0:
            return 0.0
        if extra > 64:  # 2**64 seconds is past any cap; avoid float overflow
            return self.backoff_max
        return min(self.backoff_base * 2.0 ** (extra - 1), self.backoff_max)


@dataclass(frozen=True, slots=True)
class LoginDecision:
    """Whether a login attempt may go ahead now; if not, from when, and why.

    ``retry_after`` is the instant (UTC) the next attempt is allowed; ``scope``
    says whether the account or the IP address is held back. Clients are told
    only the wait, never which scope (that would reveal whether an email is known).
    """

    allowed: bool
    retry_after: datetime | None = None
    reason: Reason | None = None
    scope: Scope | None = None

    def seconds_to_wait(self, now: datetime) -> int:
        """Whole seconds until ``retry_after`` (for a ``Retry-After`` header); 0 if allowed."""
        if self.retry_after is None:
            return 0
        return max(0, math.ceil((self.retry_after - now).total_seconds()))


ALLOWED = LoginDecision(allowed=True)


class LoginThrottle:
    """Counts failed logins per account and per IP address in ``cache``.

    ``clock`` gives seconds since the epoch (the waits are stored as instants,
    shared by every replica).
    """

    def __init__(
        self,
        cache: Cache,
        settings: LockoutSettings | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.cache = cache
        self.settings = settings or LockoutSettings()
        self._clock = clock

    @classmethod
    def from_settings(cls, settings: Settings, cache: Cache) -> LoginThrottle:
        return cls(cache, LockoutSettings.from_settings(settings))

    async def check(self, *, college_id: str, email: str, ip: str | None) -> LoginDecision:
        """Whether a login for ``email`` at ``college_id`` from ``ip`` may be tried now.

        One cache read (both scopes at once).
        """
        scopes = self._scopes(college_id, email, ip)
        # a lock and a back-off live under keys of their own, so a back-off set by a
        # concurrent failure never overwrites (shortens) a lock
        keyed = [
            (scope, block_key(scope, key))
            for scope, key in scopes
            for block_key in (_block_key, _lock_key)
        ]
        blocks = await self.cache.get_many([name for _, name in keyed])
        now = self._clock()
        decision = ALLOWED
        latest = now
        for (scope, _), raw in zip(keyed, blocks, strict=True):
            block = _parse_block(raw)
            if block is not None and block[0] > latest:
                latest = block[0]
                decision = LoginDecision(
                    allowed=False, retry_after=_instant(latest), reason=block[1], scope=scope
                )
        return decision

    async def record_failure(self, *, college_id: str, email: str, ip: str | None) -> LoginDecision:
        """Count a failed login in both scopes; returns what :meth:`check` now says."""
        for scope, key in self._scopes(college_id, email, ip):
            await self._fail(scope, key)
        return await self.check(college_id=college_id, email=email, ip=ip)

    async def record_success(self, *, college_id: str, email: str) -> None:
        """Forget the account's failures and wait (the IP address keeps its count)."""
        key = _account_key(college_id, email)
        await self.cache.delete(_failures_key("account", key))
        await self.cache.delete(_block_key("account", key))
        await self.cache.delete(_lock_key("account", key))

    async def _fail(self, scope: Scope, key: str) -> None:
        settings = self.settings
        thresholds = settings.account if scope == "account" else settings.ip
        failures_key = _failures_key(scope, key)
        failures = await self.cache.incr(failures_key, ttl=settings.window)
        now = self._clock()
        if failures >= thresholds.lock_failures:
            await self._block(scope, key, "locked", now + settings.lock_duration, now)
            await self.cache.delete(failures_key)  # after the lock, counting starts again
            logger.warning(
                "login %s %s locked for %gs after %d failures",
                scope,
                key,
                settings.lock_duration,
                failures,
            )
            return
        wait = settings.wait_after(failures, thresholds)
        if wait > 0:
            await self._block(scope, key, "backoff", now + wait, now)

    async def _block(
        self, scope: Scope, key: str, reason: Reason, until: float, now: float
    ) -> None:
        value = json.dumps({"until": until, "reason": reason}).encode("ascii")
        name = _lock_key(scope, key) if reason == "locked" else _block_key(scope, key)
        await self.cache.set(name, value, ttl=until - now)

    def _scopes(self, college_id: str, email: str, ip: str | None) -> list[tuple[Scope, str]]:
        scopes: list[tuple[Scope, str]] = [("account", _account_key(college_id, email))]
        if ip:
            scopes.append(("ip", _ip_key(ip)))
        return scopes


def _account_key(college_id: str, email: str) -> str:
    """A hash of the college and the normalised email: the same for any case or spacing."""
    material = f"{college_id}\0{email.strip().casefold()}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def _ip_key(ip: str) -> str:
    """The address as text; an IPv6 address by its /64 network (one host's usual share)."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ip.strip()
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _failures_key(scope: Scope, key: str) -> str:
    return f"login:failures:{scope}:{key}"


def _block_key(scope: Scope, key: str) -> str:
    return f"login:block:{scope}:{key}"


def _lock_key(scope: Scope, key: str) -> str:
    return f"login:lock:{scope}:{key}"


def _parse_block(raw: bytes | None) -> tuple[float, Reason] | None:
    if raw is None:
        return None
    try:
        data = json.loads(raw)
        until, reason = float(data["until"]), data["reason"]
    except (ValueError, KeyError, TypeError):
        return None
    return (until, "locked" if reason == "locked" else "backoff")


def _instant(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)
