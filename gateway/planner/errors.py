"""The error raised when an operation cannot be planned."""

from __future__ import annotations

__all__ = ["PlanningError"]


class PlanningError(Exception):
    """No query plan exists for the operation (or the operation cannot be chosen).

    The message names the operation element at fault and what to do about it.
    ``code`` is Apollo's name for the condition where there is one.
    """

    def __init__(self, message: str, *, code: str = "QUERY_PLANNING_FAILED") -> None:
        super().__init__(message)
        self.code = code
