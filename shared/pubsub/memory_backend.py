"""A broadcaster backend inside this process, used instead of broadcaster's own.

broadcaster 0.3.1's ``MemoryBackend`` checks whether a channel has subscribers when
the message is taken off its queue, not when it is published, so a subscriber that
joins right after a publish can receive a message sent before it subscribed. This
backend decides at publish time.
"""

from __future__ import annotations

import asyncio
from typing import Any

from broadcaster import BroadcastBackend, Event

__all__ = ["MemoryPubSubBackend"]


class MemoryPubSubBackend(BroadcastBackend):
    """Messages go straight to a queue if their channel has subscribers, else nowhere."""

    def __init__(self) -> None:  # BroadcastBackend.__init__ only raises
        self._subscribed: set[str] = set()
        self._published: asyncio.Queue[Event] = asyncio.Queue()

    async def connect(self) -> None:
        return None

    async def disconnect(self) -> None:
        self._subscribed.clear()

    async def subscribe(self, channel: str) -> None:
        self._subscribed.add(channel)

    async def unsubscribe(self, channel: str) -> None:
        self._subscribed.discard(channel)

    async def publish(self, channel: str, message: Any) -> None:
        if channel in self._subscribed:
            self._published.put_nowait(Event(channel=channel, message=message))

    async def next_published(self) -> Event:
        return await self._published.get()
