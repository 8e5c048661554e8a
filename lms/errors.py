"""Errors the ``lms`` command reports as one line."""

from __future__ import annotations

__all__ = ["CommandError"]


class CommandError(Exception):
    """A failure a person can fix; its message is one line saying what to do."""
