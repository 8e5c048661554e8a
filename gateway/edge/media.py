"""Response media types of GraphQL over HTTP, chosen by the request's ``Accept`` header.

Candidates are ``application/json`` and ``application/graphql-response+json``.
The highest quality wins, then the more specific match, then the one the client
listed first (as the ``negotiator`` package used by Apollo Server ranks them).
No ``Accept`` header, ``*/*`` and ``application/*`` mean ``application/json``.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["GRAPHQL_RESPONSE_JSON", "JSON", "accepts_html", "negotiate"]

JSON = "application/json"
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"

_CANDIDATES = (
    (JSON, "application", "json"),
    (GRAPHQL_RESPONSE_JSON, "application", "graphql-response+json"),
)


@lru_cache(maxsize=256)
def negotiate(accept: str | None) -> str | None:
    """The media type to answer with, or ``None`` when the client accepts neither."""
    if accept is None or not accept.strip():
        return JSON
    ranges = _parse(accept)
    best: tuple[float, int, int, int] | None = None
    chosen: str | None = None
    for index, (media_type, main, sub) in enumerate(_CANDIDATES):
        match: tuple[float, int, int] | None = None  # quality, specificity, order
        for order, (range_main, range_sub, quality) in enumerate(ranges):
            if range_main == "*" and range_sub == "*":
                specificity = 0
            elif range_main == main and range_sub == "*":
                specificity = 1
            elif range_main == main and range_sub == sub:
                specificity = 2
            else:
                continue
            if match is None or specificity > match[1]:
                match = (quality, specificity, order)
        if match is None or match[0] <= 0:
            continue
        rank = (match[0], match[1], -match[2], -index)
        if best is None or rank > best:
            best, chosen = rank, media_type
    return chosen


def accepts_html(accept: str | None) -> bool:
    """Whether the client (a browser) explicitly accepts ``text/html``."""
    return accept is not None and any(
        main == "text" and sub == "html" and quality > 0 for main, sub, quality in _parse(accept)
    )


@lru_cache(maxsize=256)
def _parse(accept: str) -> tuple[tuple[str, str, float], ...]:
    ranges: list[tuple[str, str, float]] = []
    for part in accept.split(","):
        media_range, *params = part.split(";")
        main, _, sub = media_range.strip().lower().partition("/")
        if not main or not sub:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        ranges.append((main, sub, quality))
    return tuple(ranges)
