"""Login throttling on each cache backend (memory, then the real Redis), in real time.

Durations are fractions of a second so the waits and expiries happen for real.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from shared.cache import Cache, create_cache
from shared.config import Settings
from subgraphs.identity.lockout import LockoutSettings, LoginThrottle, Thresholds

pytestmark = pytest.mark.integration

FAST = LockoutSettings(
    window=5,
    backoff_base=0.5,
    backoff_max=1.0,
    lock_duration=1.5,
    account=Thresholds(free_failures=2, lock_failures=5),
    ip=Thresholds(free_failures=10, lock_failures=20),
)
LOGIN = {"college_id": "c1", "email": "asha@college.example", "ip": "198.51.100.4"}


@pytest.fixture
async def cache(cache_settings: Settings) -> AsyncIterator[Cache]:
    cache = create_cache(cache_settings)
    yield cache
    await cache.close()


async def test_back_off_lock_and_release_in_real_time(cache: Cache) -> None:
    throttle = LoginThrottle(cache, FAST)

    # given two free failures
    for _ in range(2):
        assert (await throttle.record_failure(**LOGIN)).allowed

    # when a third fails, the next attempt must wait the first back-off
    waiting = await throttle.record_failure(**LOGIN)
    assert not waiting.allowed
    assert waiting.reason == "backoff"
    assert not (await throttle.check(**LOGIN)).allowed
    await asyncio.sleep(0.6)
    assert (await throttle.check(**LOGIN)).allowed

    # when the fifth fails, the account is locked, then released after the lock
    await throttle.record_failure(**LOGIN)
    locked = await throttle.record_failure(**LOGIN)
    assert locked.reason == "locked"
    await asyncio.sleep(0.5)
    assert not (await throttle.check(**LOGIN)).allowed
    await asyncio.sleep(1.1)
    assert (await throttle.check(**LOGIN)).allowed


async def test_replicas_share_counts(cache_settings: Settings) -> None:
    # given two throttles on their own cache clients over the same backend settings
    one_cache, two_cache = create_cache(cache_settings), create_cache(cache_settings)
    try:
        one, two = LoginThrottle(one_cache, FAST), LoginThrottle(two_cache, FAST)

        # when failures are recorded alternately on both
        await one.record_failure(**LOGIN)
        await two.record_failure(**LOGIN)
        await one.record_failure(**LOGIN)

        # then on Redis both see the third failure's wait; in memory each counts its own
        shared = cache_settings.cache_backend == "redis"
        assert (await two.check(**LOGIN)).allowed is not shared
    finally:
        await one_cache.close()
        await two_cache.close()


async def test_concurrent_failures_are_all_counted(cache: Cache) -> None:
    # when 5 failures are recorded at once (five replicas, one burst), with a lock
    # long enough to outlast a slow machine between the burst and the check
    throttle = LoginThrottle(cache, replace(FAST, lock_duration=60))
    await asyncio.gather(*(throttle.record_failure(**LOGIN) for _ in range(5)))

    # then none is lost: the fifth locked the account
    decision = await throttle.check(**LOGIN)
    assert decision.reason == "locked"


async def test_success_resets_the_account_on_the_backend(cache: Cache) -> None:
    throttle = LoginThrottle(cache, FAST)
    for _ in range(3):
        await throttle.record_failure(**LOGIN)

    await throttle.record_success(college_id="c1", email="ASHA@college.example")

    assert (await throttle.check(**LOGIN)).allowed
    assert await cache.get("login:failures:ip:198.51.100.4") == b"3"
