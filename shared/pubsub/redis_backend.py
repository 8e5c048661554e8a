"""A broadcaster backend on Redis pub/sub, used instead of broadcaster's own.

broadcaster 0.3.1's ``RedisBackend`` loses messages with redis-py 5 and later: its
listener may call ``PubSub.listen()`` before the first ``SUBSCRIBE`` is recorded,
sees no subscription, and then waits forever; and ``subscribe`` returns before Redis
has confirmed the subscription, so a message published right after is dropped. This
backend waits for Redis to confirm each subscription, keeps one listener task that
sleeps while nothing is subscribed, and retries with backoff when the connection
drops (redis-py re-subscribes on reconnect; messages published meanwhile are lost,
as always with Redis pub/sub).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from broadcaster import BroadcastBackend, Event
from redis.asyncio import Redis
from redis.exceptions import RedisError

from shared.cache.redis_url import redact_url
from shared.pubsub.errors import PubSubUnavailable

__all__ = ["RedisPubSubBackend"]

logger = logging.getLogger(__name__)

_CONFIRM_TIMEOUT = 10.0
_MAX_BACKOFF = 5.0


class RedisPubSubBackend(BroadcastBackend):
    """Publishes with ``PUBLISH`` and listens on one dedicated subscriber connection."""

    def __init__(self, url: str) -> None:  # BroadcastBackend.__init__ only raises
        self._url = url
        self._redis: Redis = Redis.from_url(url, socket_connect_timeout=5)
        self._pubsub = self._redis.pubsub()
        self._events: asyncio.Queue[Event] = asyncio.Queue()
        self._wake = asyncio.Event()
        self._confirmations: dict[str, asyncio.Future[None]] = {}
        self._listener: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        try:
            await self._pubsub.connect()  # type: ignore[no-untyped-call]
        except (RedisError, OSError) as exc:
            raise self._unavailable(exc) from exc
        self._listener = asyncio.create_task(self._listen(), name="redis-pubsub-listener")

    async def disconnect(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        await self._pubsub.aclose()  # type: ignore[no-untyped-call]
        await self._redis.aclose()

    async def ping(self) -> None:
        """Raise :class:`PubSubUnavailable` if Redis does not answer."""
        try:
            await self._redis.ping()
        except (RedisError, OSError) as exc:
            raise self._unavailable(exc) from exc

    async def subscribe(self, channel: str) -> None:
        confirmed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._confirmations[channel] = confirmed
        try:
            await self._pubsub.subscribe(channel)
            self._wake.set()
            await asyncio.wait_for(confirmed, _CONFIRM_TIMEOUT)
        except (RedisError, OSError, TimeoutError) as exc:
            raise self._unavailable(exc) from exc
        finally:
            self._confirmations.pop(channel, None)

    async def unsubscribe(self, channel: str) -> None:
        try:
            await self._pubsub.unsubscribe(channel)
        except (RedisError, OSError) as exc:
            logger.warning("could not unsubscribe from %s: %s", channel, exc)

    async def publish(self, channel: str, message: Any) -> None:
        try:
            await self._redis.publish(channel, message)
        except (RedisError, OSError) as exc:
            raise self._unavailable(exc) from exc

    async def next_published(self) -> Event:
        return await self._events.get()

    async def _listen(self) -> None:
        backoff = 0.1
        while True:
            if not self._pubsub.subscribed:
                self._wake.clear()
                await self._wake.wait()
                continue
            try:
                message = await self._pubsub.get_message(timeout=None)
            except (RedisError, OSError) as exc:
                logger.warning("redis pub/sub connection lost, retrying: %s", exc)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, _MAX_BACKOFF)
                continue
            backoff = 0.1
            if message is not None:
                self._dispatch(message)

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        channel = _text(message.get("channel"))
        if kind == "message":
            self._events.put_nowait(Event(channel=channel, message=_text(message["data"])))
        elif kind == "subscribe":
            confirmed = self._confirmations.get(channel)
            if confirmed is not None and not confirmed.done():
                confirmed.set_result(None)

    def _unavailable(self, exc: BaseException) -> PubSubUnavailable:
        reason = (str(exc).strip() or type(exc).__name__).splitlines()[0]
        return PubSubUnavailable(
            f"redis unreachable at {redact_url(self._url)}: {reason} (check LMS_REDIS_URL)"
        )


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)
