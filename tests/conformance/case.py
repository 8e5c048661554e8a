"""One conformance case: an operation sent to a gateway, and how to send it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Case", "Supergraph"]

Supergraph = Literal["campus", "outage"]
"""``campus``: every subgraph up; ``outage``: the same, with ``workload`` refusing connections."""


@dataclass(frozen=True)
class Case:
    """An operation, its variables and headers, and the supergraph it runs on.

    ``messages`` marks cases whose error messages are compared too: the
    text comes from a subgraph's resolver and a gateway passes it through
    unchanged. Elsewhere a gateway words its own errors as it likes.
    """

    name: str
    query: str
    variables: Mapping[str, Any] | None = None
    operation_name: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    supergraph: Supergraph = "campus"
    messages: bool = False
    area: str = ""

    @property
    def id(self) -> str:
        """The test id: the feature area, then the case's name."""
        return f"{self.area}-{self.name}"

    def body(self) -> dict[str, Any]:
        """The GraphQL-over-HTTP request body."""
        body: dict[str, Any] = {"query": self.query}
        if self.variables is not None:
            body["variables"] = dict(self.variables)
        if self.operation_name is not None:
            body["operationName"] = self.operation_name
        return body
