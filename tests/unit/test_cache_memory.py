"""The in-process cache: expiry on an injected clock, LRU bound, counters."""

from __future__ import annotations

import pytest

from shared.cache import CacheError, MemoryCache, create_cache
from shared.config import Settings


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_values_expire_after_their_ttl() -> None:
    clock = FakeClock()
    cache = MemoryCache(clock=clock)
    await cache.set("short", b"1", ttl=10)
    await cache.set("forever", b"2", ttl=None)

    clock.now += 9.9
    assert await cache.get("short") == b"1"
    clock.now += 0.2

    assert await cache.get("short") is None
    assert await cache.get("forever") == b"2"


async def test_least_recently_used_key_is_evicted_when_full() -> None:
    cache = MemoryCache(max_entries=3)
    for key in ("a", "b", "c"):
        await cache.set(key, key.encode(), ttl=None)
    assert await cache.get("a") == b"a"  # a is now the most recently used

    await cache.set("d", b"d", ttl=None)

    assert len(cache) == 3
    assert await cache.get("b") is None
    assert [await cache.get(k) for k in ("a", "c", "d")] == [b"a", b"c", b"d"]


async def test_expired_keys_go_before_live_ones_when_full() -> None:
    clock = FakeClock()
    cache = MemoryCache(max_entries=2, clock=clock)
    await cache.set("live", b"1", ttl=None)
    await cache.set("dying", b"2", ttl=1)
    clock.now += 2

    await cache.set("new", b"3", ttl=None)

    assert await cache.get("live") == b"1"
    assert await cache.get("new") == b"3"


async def test_incr_sets_the_ttl_only_when_it_creates_the_key() -> None:
    clock = FakeClock()
    cache = MemoryCache(clock=clock)

    assert await cache.incr("hits", ttl=60) == 1
    clock.now += 50
    assert await cache.incr("hits", ttl=60) == 2  # the window does not slide
    clock.now += 11

    assert await cache.get("hits") is None
    assert await cache.incr("hits", amount=5, ttl=60) == 5


async def test_incr_refuses_a_value_that_is_no_integer() -> None:
    cache = MemoryCache()
    await cache.set("name", b"ada", ttl=None)

    with pytest.raises(CacheError):
        await cache.incr("name")


async def test_ttl_must_be_positive() -> None:
    cache = MemoryCache()

    with pytest.raises(ValueError, match="ttl"):
        await cache.set("k", b"v", ttl=0)


def test_factory_picks_memory_with_the_configured_prefix() -> None:
    cache = create_cache(Settings.load({}, cache_key_prefix="svc:"))

    assert isinstance(cache, MemoryCache)
    assert cache.full_key("k") == "svc:k"
