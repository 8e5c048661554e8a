"""The distributed cache: Redis through ``redis.asyncio``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from shared.cache.base import Cache, CacheError, CacheUnavailable, check_ttl
from shared.cache.redis_url import redact_url

if TYPE_CHECKING:
    from redis.commands.core import AsyncScript

__all__ = ["RedisCache"]

# INCRBY, then give the key its TTL if it has none (it was just created).
_INCR_SCRIPT = """
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if ARGV[2] ~= '' and redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return value
"""


class RedisCache(Cache):
    """Keys live in Redis under ``prefix``; one connection pool per cache."""

    def __init__(self, *, url: str, prefix: str = "") -> None:
        super().__init__(prefix=prefix)
        self._url = url
        self._redis: Redis = Redis.from_url(url, socket_connect_timeout=5)
        self._incr: AsyncScript = self._redis.register_script(_INCR_SCRIPT)

    async def get(self, key: str) -> bytes | None:
        return _as_bytes(await self._redis.get(self.full_key(key)))

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys:
            return []
        values = await self._redis.mget([self.full_key(key) for key in keys])
        return [_as_bytes(value) for value in values]

    async def set(self, key: str, value: bytes, *, ttl: float | None) -> None:
        check_ttl(ttl)
        await self._redis.set(self.full_key(key), value, px=_millis(ttl))

    async def delete(self, key: str) -> None:
        await self._redis.delete(self.full_key(key))

    async def incr(self, key: str, *, amount: int = 1, ttl: float | None = None) -> int:
        check_ttl(ttl)
        expiry = _millis(ttl)
        try:
            value = await self._incr(
                keys=[self.full_key(key)], args=[amount, "" if expiry is None else expiry]
            )
        except ResponseError as exc:
            raise CacheError(f"cannot increment {key!r}: {exc}") from exc
        return int(value)

    async def ping(self) -> None:
        try:
            await self._redis.ping()
        except (RedisError, OSError) as exc:
            reason = (str(exc).strip() or type(exc).__name__).splitlines()[0]
            raise CacheUnavailable(
                f"redis unreachable at {redact_url(self._url)}: {reason} (check LMS_REDIS_URL)"
            ) from exc

    async def close(self) -> None:
        await self._redis.aclose()


def _as_bytes(value: object) -> bytes | None:
    if value is None or isinstance(value, bytes):
        return value
    return str(value).encode("utf-8")


def _millis(ttl: float | None) -> int | None:
    return None if ttl is None else max(1, math.ceil(ttl * 1000))
