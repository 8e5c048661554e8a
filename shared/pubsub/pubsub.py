"""``PubSub``: JSON messages on named channels, fanned out through ``broadcaster``.

Every subscriber of a channel gets every message published on it after it
subscribed, in publish order; nothing is stored for subscribers that come later
(use the event bus for that). This is what GraphQL subscriptions fan out through.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from broadcaster import Broadcast, BroadcastBackend
from broadcaster._base import Subscriber, Unsubscribed

from shared.pubsub.errors import PubSubError

__all__ = ["PubSub", "Subscription"]

logger = logging.getLogger(__name__)


class Subscription:
    """The messages of one channel, as an async iterator of dicts."""

    def __init__(self, channel: str, subscriber: Subscriber) -> None:
        self.channel = channel
        self._subscriber = subscriber

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> dict[str, Any]:
        while True:
            try:
                event = await self._subscriber.get()
            except Unsubscribed:
                raise StopAsyncIteration from None
            try:
                message = json.loads(event.message)
            except ValueError:
                logger.warning("dropped a message on %s that is not JSON", self.channel)
                continue
            if isinstance(message, dict):
                return message
            logger.warning("dropped a message on %s that is not a JSON object", self.channel)


class PubSub:
    """Publish and subscribe over a broadcaster backend; channels get ``prefix``."""

    def __init__(self, *, backend: BroadcastBackend, prefix: str = "") -> None:
        self._backend = backend
        self._broadcast = Broadcast(backend=backend)
        self._prefix = prefix
        self._connected = False
        # broadcaster's subscribe/unsubscribe bookkeeping is not safe when two tasks
        # enter or leave the same channel at once; one lock keeps them in turn.
        self._lock = asyncio.Lock()

    async def connect(self) -> None:
        """Open the connection and start fan-out; calling it twice is harmless."""
        if not self._connected:
            await self._broadcast.connect()
            self._connected = True

    async def disconnect(self) -> None:
        """Stop fan-out and close the connection; open subscriptions end."""
        if not self._connected:
            return
        self._connected = False
        await self._broadcast.disconnect()
        # broadcaster cancels its listener task without waiting for it.
        listener = getattr(self._broadcast, "_listener_task", None)
        if isinstance(listener, asyncio.Task):
            with contextlib.suppress(asyncio.CancelledError):
                await listener

    async def close(self) -> None:
        """Same as :meth:`disconnect`."""
        await self.disconnect()

    async def ping(self) -> None:
        """Raise ``PubSubUnavailable`` (one line naming the setting) if unusable."""
        ping = getattr(self._backend, "ping", None)
        if ping is not None:
            await ping()

    async def publish(self, channel: str, message: Mapping[str, Any]) -> None:
        """Send ``message`` (encoded as JSON) to every current subscriber of ``channel``."""
        self._require_connected()
        payload = json.dumps(dict(message), separators=(",", ":"), ensure_ascii=False)
        await self._broadcast.publish(self._prefix + channel, payload)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        """Receive the messages published on ``channel`` while the block runs.

        The subscription is in place when the block starts: a message published after
        that is delivered.
        """
        self._require_connected()
        stack = AsyncExitStack()
        async with self._lock:
            subscriber = await stack.enter_async_context(
                self._broadcast.subscribe(self._prefix + channel)
            )
        try:
            yield Subscription(channel, subscriber)
        finally:
            async with self._lock:
                await stack.aclose()

    def _require_connected(self) -> None:
        if not self._connected:
            raise PubSubError("pub/sub is not connected: call connect() at start-up")
