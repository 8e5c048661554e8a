"""Declarative helpers shared by every service's models."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import Mapped, mapped_column

__all__ = ["NAMING_CONVENTION", "TimestampMixin", "service_metadata", "utcnow"]

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def service_metadata() -> MetaData:
    """A fresh ``MetaData`` for one service's models.

    Each service declares its own base, so services never share tables::

        class Base(DeclarativeBase):
            metadata = service_metadata()

    The naming convention makes Alembic name constraints predictably.
    """
    return MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
