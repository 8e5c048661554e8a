"""Errors raised by pub/sub."""

from __future__ import annotations

__all__ = ["PubSubError", "PubSubUnavailable"]


class PubSubError(Exception):
    """A pub/sub operation failed."""


class PubSubUnavailable(PubSubError):
    """The pub/sub server cannot be reached; the message names the ``LMS_`` setting."""
