"""What the gateway sends to a subgraph and the GraphQL response it gets back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["SubgraphRequest", "SubgraphResponse"]


@dataclass(frozen=True, slots=True)
class SubgraphRequest:
    """One GraphQL operation for one subgraph.

    ``variables`` are JSON values (already coerced by the gateway); ``headers``
    are extra HTTP headers to forward (``authorization``, ``traceparent`` ...),
    lower-case names.
    """

    query: str
    variables: Mapping[str, Any] = field(default_factory=dict)
    operation_name: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        """The JSON body of a GraphQL-over-HTTP POST request."""
        body: dict[str, Any] = {"query": self.query}
        if self.variables:
            body["variables"] = self.variables
        if self.operation_name is not None:
            body["operationName"] = self.operation_name
        return body


@dataclass(slots=True)
class SubgraphResponse:
    """A well-formed GraphQL response: ``data`` (``None`` when absent or null),
    ``errors`` (possibly empty) and ``extensions``."""

    data: dict[str, Any] | None
    errors: list[dict[str, Any]] = field(default_factory=list)
    extensions: dict[str, Any] | None = None
