"""Time helpers: SQLite hands back naive datetimes for what was stored as UTC."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["as_utc"]


def as_utc(value: datetime) -> datetime:
    """``value`` as an aware UTC datetime (naive values are taken to be UTC)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)
