"""Errors raised by the event layer; messages are one line saying what to check."""

from __future__ import annotations

__all__ = ["EventBusUnavailable", "PublishError", "TopicError", "UnknownEventType"]


class EventBusUnavailable(Exception):
    """The event bus cannot be reached (or is closed)."""


class PublishError(Exception):
    """Some events of a publish were not acknowledged; the caller must retry them."""


class UnknownEventType(ValueError):
    """No declared topic takes the event's domain."""


class TopicError(Exception):
    """The broker refused to create a topic."""
