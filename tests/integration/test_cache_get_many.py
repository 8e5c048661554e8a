"""``Cache.get_many``: several keys in one round trip, the same in memory and on Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from shared.cache import Cache, create_cache
from shared.config import Settings

pytestmark = pytest.mark.integration


@pytest.fixture
async def cache(cache_settings: Settings) -> AsyncIterator[Cache]:
    cache = create_cache(cache_settings)
    yield cache
    await cache.close()


async def test_values_come_back_in_the_order_asked(cache: Cache) -> None:
    # given two stored keys and one that was never set
    await cache.set("a", b"1", ttl=30)
    await cache.set("b", b"\x00two", ttl=None)

    # when they are read together, in an order unlike the writes
    values = await cache.get_many(["b", "missing", "a"])

    # then each position holds its key's value, None for the missing one
    assert values == [b"\x00two", None, b"1"]


async def test_expired_keys_read_as_missing(cache: Cache) -> None:
    # given a key that expires soon and one that lasts
    await cache.set("brief", b"x", ttl=0.5)
    await cache.set("lasting", b"y", ttl=30)

    # when read after the short one expired
    await asyncio.sleep(0.7)
    values = await cache.get_many(["brief", "lasting"])

    # then the expired key is None
    assert values == [None, b"y"]


async def test_counters_and_no_keys(cache: Cache) -> None:
    # given a counter made by incr
    await cache.incr("hits", amount=3, ttl=30)

    # when it is read with get_many, and when no key is asked for
    counted = await cache.get_many(["hits"])
    nothing = await cache.get_many([])

    # then the counter reads as its decimal bytes, and no keys give no values
    assert counted == [b"3"]
    assert nothing == []
