"""Exponential back-off with jitter, for retries against a backend that is down."""

from __future__ import annotations

import random

__all__ = ["Backoff"]


class Backoff:
    """Delays ``initial, 2·initial, 4·initial, …`` capped at ``maximum``, each jittered.

    ``failures`` counts the current streak; :meth:`reset` ends it.
    """

    def __init__(
        self, *, initial: float, maximum: float, multiplier: float = 2.0, jitter: float = 0.2
    ) -> None:
        self.initial = min(initial, maximum)
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = jitter
        self.failures = 0

    def next(self) -> float:
        """Count one more failure and return how long to wait before the next try."""
        base = min(self.maximum, self.initial * self.multiplier**self.failures)
        self.failures += 1
        spread = base * self.jitter
        return max(0.0, min(self.maximum, base + random.uniform(-spread, spread)))

    def reset(self) -> None:
        self.failures = 0
