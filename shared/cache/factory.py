"""``create_cache``: the cache that ``LMS_CACHE_BACKEND`` selects."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.cache.memory import MemoryCache

if TYPE_CHECKING:
    from shared.cache.base import Cache
    from shared.config import Settings

__all__ = ["create_cache"]


def create_cache(settings: Settings) -> Cache:
    """An in-process cache (``memory``) or Redis at ``LMS_REDIS_URL`` (``redis``)."""
    if settings.cache_backend == "redis":
        from shared.cache.redis import RedisCache

        return RedisCache(url=settings.redis_url, prefix=settings.cache_key_prefix)
    return MemoryCache(prefix=settings.cache_key_prefix)
