"""Scrubbing of credentials from log output: bearer tokens, JWTs, secrets in ``key=value``.

Applied to every record by :func:`shared.observability.logging.configure_logging`;
also usable on its own (``redact_text(str(headers))``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["REDACTED", "is_sensitive_key", "redact_text", "redact_value"]

REDACTED = "[REDACTED]"

_SENSITIVE_KEY = re.compile(
    r"(?i)(token|passw(?:or)?d|secret|authorization|cookie|api[_-]?key|credential|signature)"
)
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # "Authorization: Bearer abc", "bearer abc"
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"), rf"\1 {REDACTED}"),
    (re.compile(r"(?i)\b(token)\s+[A-Za-z0-9._~+/=-]{8,}"), rf"\1 {REDACTED}"),
    # a JSON Web Token anywhere
    (re.compile(r"\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"), REDACTED),
    # key=value, key: value, "key": "value" for sensitive keys
    (
        re.compile(
            r"(?i)\b([\w-]*(?:token|passw(?:or)?d|secret|authorization|cookie|api[_-]?key))"
            r"""(["']?\s*[:=]\s*["']?)(?!\[REDACTED\]|(?:bearer|basic|token)\s)([^"'&\s,;}\]]+)"""
        ),
        rf"\1\2{REDACTED}",
    ),
)
_MAX_DEPTH = 4


def is_sensitive_key(key: str) -> bool:
    """Whether a field, header or parameter of this name holds a credential."""
    return bool(_SENSITIVE_KEY.search(key))


def redact_text(text: str) -> str:
    """``text`` with every credential it visibly contains replaced by ``[REDACTED]``."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_value(value: Any, *, _depth: int = 0) -> Any:
    """A copy of ``value`` (str, mapping, list, tuple, header pairs) without credentials.

    Mapping entries and ``(name, value)`` pairs with a sensitive name are replaced
    whole; strings are scrubbed with :func:`redact_text`. Other objects are
    returned unchanged.
    """
    if _depth > _MAX_DEPTH:
        return value
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {
            k: REDACTED
            if isinstance(k, str | bytes) and is_sensitive_key(_as_str(k))
            else redact_value(v, _depth=_depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        if (
            len(value) == 2
            and isinstance(value[0], str | bytes)
            and is_sensitive_key(_as_str(value[0]))
        ):
            return (value[0], REDACTED)
        items = [redact_value(v, _depth=_depth + 1) for v in value]
        return items if isinstance(value, list) else tuple(items)
    return value


def _as_str(key: str | bytes) -> str:
    return key.decode("latin-1") if isinstance(key, bytes) else key
