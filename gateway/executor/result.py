"""The outcome of executing one operation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["GatewayResult"]


@dataclass(slots=True)
class GatewayResult:
    """``data`` (``None`` when a null reached the root) and GraphQL-spec ``errors``
    (``message``, and where known ``locations``, ``path``, ``extensions``)."""

    data: dict[str, Any] | None
    errors: list[dict[str, Any]] = field(default_factory=list)
    extensions: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The GraphQL response: ``errors`` (when any) first, then ``data``, then ``extensions``."""
        response: dict[str, Any] = {}
        if self.errors:
            response["errors"] = self.errors
        response["data"] = self.data
        if self.extensions:
            response["extensions"] = self.extensions
        return response
