"""Login throttling on the embedded cache, with a clock the tests move."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared.cache import MemoryCache
from shared.config import Settings
from subgraphs.identity.lockout import LockoutSettings, LoginDecision, LoginThrottle, Thresholds

T0 = 1_800_000_000.0
SETTINGS = LockoutSettings(
    window=900,
    backoff_base=1,
    backoff_max=8,
    lock_duration=600,
    account=Thresholds(free_failures=5, lock_failures=10),
    ip=Thresholds(free_failures=20, lock_failures=30),
)


class WallClock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> WallClock:
    return WallClock()


@pytest.fixture
def throttle(clock: WallClock) -> LoginThrottle:
    return LoginThrottle(MemoryCache(clock=clock), SETTINGS, clock=clock)


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(T0 + seconds, tz=UTC)


async def fail(
    throttle: LoginThrottle, times: int, *, email: str = "a@x.edu", ip: str = "10.0.0.1"
) -> LoginDecision:
    """Record ``times`` failures; what the last one left the throttle saying."""
    assert times >= 1
    for _ in range(times):
        decision = await throttle.record_failure(college_id="c1", email=email, ip=ip)
    return decision


async def test_free_failures_then_doubling_waits_capped(clock: WallClock) -> None:
    # given a throttle locking only at 20, and five failed logins (the free ones)
    settings = LockoutSettings(
        backoff_base=1, backoff_max=8, account=Thresholds(free_failures=5, lock_failures=20)
    )
    throttle = LoginThrottle(MemoryCache(clock=clock), settings, clock=clock)
    await fail(throttle, 5)
    # then the next attempt may go ahead at once
    assert (await throttle.check(college_id="c1", email="a@x.edu", ip="10.0.0.1")).allowed

    # when more fail, each waits twice as long as the last, up to the cap of 8 s
    waits = []
    for _ in range(5):
        decision = await fail(throttle, 1)
        assert not decision.allowed
        assert decision.reason == "backoff"
        assert decision.scope == "account"
        assert decision.retry_after is not None
        waits.append(decision.seconds_to_wait(at(clock.now - T0)))
        clock.now = decision.retry_after.timestamp()  # wait exactly as told
    assert waits == [1, 2, 4, 8, 8]


async def test_attempts_are_allowed_again_once_the_wait_is_over(
    throttle: LoginThrottle, clock: WallClock
) -> None:
    # given the sixth failure (a 1 s wait)
    decision = await fail(throttle, 6)
    assert decision.retry_after == at(1)

    # then half a second later it is still refused, a second later it is allowed
    clock.now = T0 + 0.5
    refused = await throttle.check(college_id="c1", email="a@x.edu", ip="10.0.0.1")
    assert not refused.allowed
    assert refused.seconds_to_wait(at(0.5)) == 1
    clock.now = T0 + 1
    assert (await throttle.check(college_id="c1", email="a@x.edu", ip="10.0.0.1")).allowed


async def test_a_lock_after_too_many_failures_then_a_fresh_start(
    throttle: LoginThrottle, clock: WallClock
) -> None:
    # when the tenth failure within the window is recorded
    decision = await fail(throttle, 10)

    # then the account is locked for the lock duration
    assert decision.reason == "locked"
    assert decision.retry_after == at(600)
    clock.now = T0 + 599
    assert not (await throttle.check(college_id="c1", email="a@x.edu", ip="10.0.0.1")).allowed

    # and once it ends, counting starts again with free failures
    clock.now = T0 + 600
    assert (await throttle.check(college_id="c1", email="a@x.edu", ip="10.0.0.1")).allowed
    assert (await fail(throttle, 1)).allowed


async def test_failures_outside_the_window_are_forgotten(
    throttle: LoginThrottle, clock: WallClock
) -> None:
    # given five failures, then the window passes
    await fail(throttle, 5)
    clock.now = T0 + 901

    # then the next failures are free again
    assert (await fail(throttle, 5)).allowed


async def test_success_clears_the_account_not_the_ip(
    throttle: LoginThrottle, clock: WallClock
) -> None:
    # given an account in back-off and an IP near its own limit
    await fail(throttle, 6)

    # when the user logs in successfully
    await throttle.record_success(college_id="c1", email="a@x.edu")

    # then the account may try at once and has its free failures back
    assert (await throttle.check(college_id="c1", email="a@x.edu", ip="10.0.0.1")).allowed
    assert (await fail(throttle, 5)).allowed
    # while the IP kept counting: 6 + 5 failures, 11 of its 20 free ones
    assert await throttle.cache.get("login:failures:ip:10.0.0.1") == b"11"


async def test_unknown_and_known_emails_are_throttled_alike(throttle: LoginThrottle) -> None:
    # given failures for an email of any case and spacing
    decision = await fail(throttle, 6, email="  Nobody@X.EDU ")

    # then the same account scope is held back as for its normal spelling
    assert decision.scope == "account"
    again = await throttle.check(college_id="c1", email="nobody@x.edu", ip="10.9.9.9")
    assert not again.allowed
    assert again.scope == "account"
    # while the same email at another college is a different account
    assert (await throttle.check(college_id="c2", email="nobody@x.edu", ip="10.9.9.9")).allowed
    # and no email is stored in the cache's keys
    assert all("nobody" not in key for key in throttle.cache._entries)  # type: ignore[attr-defined]


async def test_one_ip_guessing_many_accounts_is_held_back(
    throttle: LoginThrottle, clock: WallClock
) -> None:
    # when one address fails once on each of 21 accounts (no account reaches its limit)
    for n in range(21):
        decision = await fail(throttle, 1, email=f"user{n}@x.edu", ip="203.0.113.7")

    # then the address waits, for any account, while other addresses do not
    assert decision.scope == "ip"
    assert decision.reason == "backoff"
    fresh = await throttle.check(college_id="c1", email="new@x.edu", ip="203.0.113.7")
    assert not fresh.allowed
    assert fresh.scope == "ip"
    assert (await throttle.check(college_id="c1", email="new@x.edu", ip="203.0.113.8")).allowed

    # and at its lock threshold it is locked
    clock.now += 100
    locked = await fail(throttle, 9, email="other@x.edu", ip="203.0.113.7")
    assert locked.reason == "locked"
    assert locked.scope == "ip"


async def test_ipv6_hosts_count_by_their_64_network(throttle: LoginThrottle) -> None:
    # given failures from addresses that differ only within one /64
    for n in range(21):
        await fail(throttle, 1, email=f"u{n}@x.edu", ip=f"2001:db8:1:2::{n + 1:x}")

    # then the network is held back, another /64 is not
    assert not (
        await throttle.check(college_id="c1", email="z@x.edu", ip="2001:db8:1:2::ffff")
    ).allowed
    assert (await throttle.check(college_id="c1", email="z@x.edu", ip="2001:db8:1:3::1")).allowed


async def test_without_an_ip_only_the_account_counts(throttle: LoginThrottle) -> None:
    decision = await fail(throttle, 6, ip="")

    assert decision.scope == "account"
    assert not (await throttle.check(college_id="c1", email="a@x.edu", ip=None)).allowed


def test_thresholds_come_from_settings(tmp_path: Path) -> None:
    # given LMS_LOGIN_* settings
    settings = Settings.load(
        {
            "LMS_LOGIN_FREE_FAILURES": "3",
            "LMS_LOGIN_LOCK_FAILURES": "12",
            "LMS_LOGIN_BACKOFF_MAX": "30",
            "LMS_LOGIN_IP_FREE_FAILURES": "100",
        },
        data_dir=tmp_path,
    )

    # when the throttle's settings are read from them
    lockout = LockoutSettings.from_settings(settings)

    # then they carry every threshold, defaults for the rest
    assert lockout.account == Thresholds(free_failures=3, lock_failures=12)
    assert lockout.ip == Thresholds(free_failures=100, lock_failures=500)
    assert (lockout.window, lockout.backoff_base, lockout.backoff_max) == (900, 1.0, 30.0)
    assert lockout.lock_duration == 900
    assert lockout.wait_after(1000, lockout.account) == 30.0
    with pytest.raises(ValueError, match="lock_failures"):
        Thresholds(free_failures=1, lock_failures=0)
