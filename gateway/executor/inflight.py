"""Sharing one subgraph request between identical requests in flight at the same time.

The first caller with a key starts the request; callers with the same key
arriving before it completes wait for the same answer. The first caller to
resume gets the response itself, every other caller a deep copy (the
executor merges response data into its own result tree in place). If every
waiter is cancelled the request still completes (bounded by its transport's
timeout) and its outcome is dropped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable

from gateway.executor.json_values import copy_json
from gateway.transport.request import SubgraphResponse

__all__ = ["InflightRequests"]


class _Flight:
    __slots__ = ("claimed", "task")

    def __init__(self, task: asyncio.Future[SubgraphResponse]) -> None:
        self.task = task
        self.claimed = False


class InflightRequests:
    """Identical requests in flight, by key (subgraph, operation, variables, headers)."""

    __slots__ = ("_flights",)

    def __init__(self) -> None:
        self._flights: dict[Hashable, _Flight] = {}

    def __len__(self) -> int:
        return len(self._flights)

    async def send(
        self, key: Hashable, start: Callable[[], Awaitable[SubgraphResponse]]
    ) -> SubgraphResponse:
        """The response of the request ``key``, starting it with ``start()`` unless in flight."""
        flight = self._flights.get(key)
        if flight is None:
            task = asyncio.ensure_future(start())
            flight = _Flight(task)
            self._flights[key] = flight
            task.add_done_callback(lambda done: self._landed(key, flight, done))
        response = await asyncio.shield(flight.task)
        if not flight.claimed:
            flight.claimed = True
            return response
        return SubgraphResponse(
            data=copy_json(response.data),
            errors=copy_json(response.errors),
            extensions=response.extensions,
        )

    def _landed(
        self, key: Hashable, flight: _Flight, task: asyncio.Future[SubgraphResponse]
    ) -> None:
        if self._flights.get(key) is flight:
            del self._flights[key]
        if not task.cancelled():
            task.exception()
