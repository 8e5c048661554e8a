"""Cache: one interface, in-process (embedded) or Redis (distributed).

See ``docs/cache-and-pubsub.md``.
"""

from __future__ import annotations

from shared.cache.base import Cache, CacheError, CacheUnavailable
from shared.cache.factory import create_cache
from shared.cache.memory import MemoryCache
from shared.cache.redis import RedisCache

__all__ = [
    "Cache",
    "CacheError",
    "CacheUnavailable",
    "MemoryCache",
    "RedisCache",
    "create_cache",
]
