"""The embedded cache: an in-process LRU with per-key expiry."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

from shared.cache.base import Cache, CacheError, check_ttl

__all__ = ["MemoryCache"]


class MemoryCache(Cache):
    """At most ``max_entries`` keys; the least recently used goes first when full.

    ``clock`` is a monotonic clock in seconds (injectable for tests).
    """

    def __init__(
        self,
        *,
        prefix: str = "",
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(prefix=prefix)
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[str, tuple[bytes, float | None]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: str) -> bytes | None:
        return self._lookup(self.full_key(key))

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        return [self._lookup(self.full_key(key)) for key in keys]

    async def set(self, key: str, value: bytes, *, ttl: float | None) -> None:
        check_ttl(ttl)
        self._store(self.full_key(key), bytes(value), self._deadline(ttl))

    async def delete(self, key: str) -> None:
        self._entries.pop(self.full_key(key), None)

    async def incr(self, key: str, *, amount: int = 1, ttl: float | None = None) -> int:
        check_ttl(ttl)
        full = self.full_key(key)
        current = self._lookup(full)
        if current is None:
            value, deadline = amount, self._deadline(ttl)
        else:
            try:
                value = int(current) + amount
            except ValueError:
                raise CacheError(f"value under {key!r} is not an integer") from None
            deadline = self._entries[full][1]
            if deadline is None:
                deadline = self._deadline(ttl)
        self._store(full, str(value).encode("ascii"), deadline)
        return value

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._entries.clear()

    def _deadline(self, ttl: float | None) -> float | None:
        return None if ttl is None else self._clock() + ttl

    def _lookup(self, full: str) -> bytes | None:
        entry = self._entries.get(full)
        if entry is None:
            return None
        value, deadline = entry
        if deadline is not None and self._clock() >= deadline:
            del self._entries[full]
            return None
        self._entries.move_to_end(full)
        return value

    def _store(self, full: str, value: bytes, deadline: float | None) -> None:
        self._entries[full] = (value, deadline)
        self._entries.move_to_end(full)
        if len(self._entries) > self.max_entries:
            self._evict()

    def _evict(self) -> None:
        now = self._clock()
        expired = [k for k, (_, d) in self._entries.items() if d is not None and now >= d]
        for k in expired:
            del self._entries[k]
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
