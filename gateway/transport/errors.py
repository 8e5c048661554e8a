"""The failure to get a GraphQL response from a subgraph."""

from __future__ import annotations

__all__ = ["TransportError"]


class TransportError(Exception):
    """A subgraph gave no GraphQL response: unreachable, timed out, answered a
    non-2xx status without a GraphQL body, or a body that is not a GraphQL
    response.

    ``subgraph`` names the subgraph; ``status`` is the HTTP status when there
    was one; ``code`` is the error code the gateway reports to clients: as
    Apollo Gateway reports a failed subgraph request, ``UNAUTHENTICATED`` for
    401, ``FORBIDDEN`` for 403, ``INTERNAL_SERVER_ERROR`` for anything else
    (``DOWNSTREAM_SERVICE_ERROR`` is kept for errors a subgraph did return).
    """

    def __init__(
        self,
        message: str,
        *,
        subgraph: str,
        status: int | None = None,
        code: str = "INTERNAL_SERVER_ERROR",
    ) -> None:
        super().__init__(message)
        self.subgraph = subgraph
        self.status = status
        self.code = code
