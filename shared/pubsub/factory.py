"""``create_pubsub``: in-process or Redis pub/sub, as ``LMS_CACHE_BACKEND`` selects."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.pubsub.memory_backend import MemoryPubSubBackend
from shared.pubsub.pubsub import PubSub

if TYPE_CHECKING:
    from shared.config import Settings

__all__ = ["create_pubsub"]


def create_pubsub(settings: Settings) -> PubSub:
    """Pub/sub in this process (``memory``) or through Redis (``redis``); ``connect()`` next."""
    if settings.cache_backend == "redis":
        from shared.pubsub.redis_backend import RedisPubSubBackend

        return PubSub(
            backend=RedisPubSubBackend(settings.redis_url), prefix=settings.cache_key_prefix
        )
    return PubSub(backend=MemoryPubSubBackend(), prefix=settings.cache_key_prefix)
