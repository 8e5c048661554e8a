"""The gateway's JSON codec: orjson, compact UTF-8, on the hot path of every request."""

from __future__ import annotations

from typing import Any

import orjson

__all__ = ["JSONDecodeError", "dumps", "loads"]

JSONDecodeError = orjson.JSONDecodeError


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON of ``value`` (non-string dict keys are written as strings)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


def loads(data: bytes | str) -> Any:
    """The value of a JSON document; raises :class:`JSONDecodeError` (a ``ValueError``)."""
    return orjson.loads(data)
