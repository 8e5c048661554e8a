"""Error codes of the audit domain (stable: never renamed)."""

from __future__ import annotations

from enum import Enum

__all__ = ["AuditErrorCode"]


class AuditErrorCode(Enum):
    INVALID_TIME_RANGE = "INVALID_TIME_RANGE"
    TOO_MANY_VALUES = "TOO_MANY_VALUES"
