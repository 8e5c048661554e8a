"""The cache interface: bytes by key, with TTLs, counters and JSON helpers."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

__all__ = ["Cache", "CacheError", "CacheUnavailable"]


class CacheError(Exception):
    """A cache operation failed (for example ``incr`` on a value that is no integer)."""


class CacheUnavailable(CacheError):
    """The cache server cannot be reached; the message names the ``LMS_`` setting."""


class Cache(ABC):
    """A key-value cache. Every key is stored under ``prefix`` (``lms:`` by default).

    TTLs are in seconds (fractions allowed); ``None`` keeps the value until evicted.
    """

    def __init__(self, *, prefix: str = "") -> None:
        self.prefix = prefix

    def full_key(self, key: str) -> str:
        """The key as stored in the backend, prefix included."""
        if not key:
            raise ValueError("cache key is empty")
        return self.prefix + key

    @abstractmethod
    async def get(self, key: str) -> bytes | None:
        """The value under ``key``, or ``None`` if missing or expired."""

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """The values under ``keys``, in order (``None`` where missing), in one round trip.

        For lookups on every request (a revoked token, a login lock): Redis answers
        them with one ``MGET``. This default reads the keys one by one.
        """
        return [await self.get(key) for key in keys]

    @abstractmethod
    async def set(self, key: str, value: bytes, *, ttl: float | None) -> None:
        """Store ``value`` under ``key`` for ``ttl`` seconds (``None``: no expiry)."""

    @abstractmethod
    async def delete(self, key: str) -> None:
        """Remove ``key``; removing a missing key is not an error."""

    @abstractmethod
    async def incr(self, key: str, *, amount: int = 1, ttl: float | None = None) -> int:
        """Add ``amount`` to the integer under ``key`` (missing counts as 0); the new value.

        ``ttl`` applies when the call creates the key (the window of a rate limit);
        later calls leave the expiry alone.
        """

    @abstractmethod
    async def ping(self) -> None:
        """Raise :class:`CacheUnavailable` if the cache cannot be used."""

    @abstractmethod
    async def close(self) -> None:
        """Release connections."""

    async def get_json(self, key: str) -> Any:
        """The JSON value under ``key`` decoded, or ``None`` if missing."""
        raw = await self.get(key)
        return None if raw is None else json.loads(raw)

    async def set_json(self, key: str, value: Any, *, ttl: float | None) -> None:
        """Store ``value`` encoded as compact JSON."""
        raw = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        await self.set(key, raw, ttl=ttl)


def check_ttl(ttl: float | None) -> None:
    """Refuse a TTL that is not positive."""
    if ttl is not None and not ttl > 0:
        raise ValueError(f"ttl must be positive seconds or None, got {ttl!r}")
