"""Cache behaviour, the same in memory and on the real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import redis.asyncio

from shared.cache import Cache, CacheError, CacheUnavailable, RedisCache, create_cache
from shared.config import Settings

pytestmark = pytest.mark.integration


@pytest.fixture
async def cache(cache_settings: Settings) -> AsyncIterator[Cache]:
    cache = create_cache(cache_settings)
    yield cache
    await cache.close()


async def test_set_get_delete(cache: Cache) -> None:
    assert await cache.get("k") is None

    await cache.set("k", b"\x00value", ttl=None)
    assert await cache.get("k") == b"\x00value"
    await cache.set("k", b"replaced", ttl=None)
    assert await cache.get("k") == b"replaced"

    await cache.delete("k")
    assert await cache.get("k") is None
    await cache.delete("k")  # deleting again is no error


async def test_values_expire(cache: Cache) -> None:
    await cache.set("brief", b"x", ttl=0.5)
    await cache.set("lasting", b"y", ttl=30)
    assert await cache.get("brief") == b"x"

    await asyncio.sleep(0.7)

    assert await cache.get("brief") is None
    assert await cache.get("lasting") == b"y"


async def test_json_helpers(cache: Cache) -> None:
    value = {"course": "Physics é I", "ids": [1, 2, 3], "open": True, "none": None}

    await cache.set_json("course:1", value, ttl=30)

    assert await cache.get_json("course:1") == value
    assert await cache.get_json("course:2") is None


async def test_incr_counts_within_a_window(cache: Cache) -> None:
    assert await cache.incr("rate:ip", ttl=1.0) == 1
    assert await cache.incr("rate:ip", ttl=1.0) == 2
    assert await cache.incr("rate:ip", amount=3, ttl=1.0) == 5
    assert await cache.get("rate:ip") == b"5"

    await asyncio.sleep(1.2)

    assert await cache.incr("rate:ip", ttl=1.0) == 1


async def test_incr_without_ttl_and_on_a_non_integer(cache: Cache) -> None:
    assert await cache.incr("total", amount=-2) == -2
    await cache.set("word", b"abc", ttl=None)

    with pytest.raises(CacheError):
        await cache.incr("word")


async def test_prefixes_keep_caches_apart(cache_settings: Settings) -> None:
    one = create_cache(cache_settings)
    other = create_cache(
        cache_settings.with_overrides(cache_key_prefix=cache_settings.cache_key_prefix + "other:")
    )
    try:
        await one.set("shared-name", b"one", ttl=30)
        await other.set("shared-name", b"other", ttl=30)

        assert await one.get("shared-name") == b"one"
        assert await other.get("shared-name") == b"other"
    finally:
        await one.close()
        await other.close()


async def test_ping(cache: Cache) -> None:
    await cache.ping()


async def test_redis_keys_carry_the_prefix(redis_settings: Settings) -> None:
    cache = create_cache(redis_settings)
    raw = redis.asyncio.Redis.from_url(redis_settings.redis_url)
    try:
        await cache.set("k", b"v", ttl=30)
        stored = await raw.get(redis_settings.cache_key_prefix + "k")
        ttl_ms = await raw.pttl(redis_settings.cache_key_prefix + "k")
    finally:
        await cache.close()
        await raw.aclose()

    assert isinstance(cache, RedisCache)
    assert stored == b"v"
    assert 0 < ttl_ms <= 30_000


async def test_redis_ping_names_the_setting(redis_settings: Settings) -> None:
    cache = create_cache(redis_settings.with_overrides(redis_url="redis://:secret@127.0.0.1:9/0"))
    try:
        with pytest.raises(CacheUnavailable) as caught:
            await cache.ping()
    finally:
        await cache.close()

    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("redis unreachable at redis://:***@127.0.0.1:9/0: ")
    assert message.endswith("(check LMS_REDIS_URL)")
    assert "secret" not in message
