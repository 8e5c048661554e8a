"""Exponential back-off with jitter."""

from __future__ import annotations

from shared.events._backoff import Backoff


def test_grows_exponentially_up_to_the_cap_and_resets() -> None:
    backoff = Backoff(initial=1.0, maximum=10.0, jitter=0.0)
    assert [backoff.next() for _ in range(6)] == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert backoff.failures == 6
    backoff.reset()
    assert backoff.next() == 1.0


def test_jitter_stays_within_bounds() -> None:
    backoff = Backoff(initial=1.0, maximum=4.0, jitter=0.5)
    delays = [backoff.next() for _ in range(50)]
    assert all(0.0 <= d <= 4.0 for d in delays)
    assert len(set(delays)) > 1
