"""The interface every way of reaching a subgraph implements."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from gateway.transport.request import SubgraphRequest, SubgraphResponse

__all__ = ["Transport"]


@runtime_checkable
class Transport(Protocol):
    """Sends GraphQL operations to one subgraph.

    ``send`` returns the subgraph's GraphQL response (which may carry errors)
    or raises :class:`~gateway.transport.errors.TransportError` when there is
    none; it never waits longer than the transport's timeout.
    """

    name: str

    async def send(self, request: SubgraphRequest) -> SubgraphResponse: ...

    async def close(self) -> None: ...
