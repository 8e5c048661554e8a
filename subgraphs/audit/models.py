"""Tables of the audit service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import service_metadata, utcnow
from shared.events import processed_events_table

__all__ = ["AuditEntry", "Base", "processed_events"]


class Base(DeclarativeBase):
    metadata = service_metadata()


class AuditEntry(Base):
    """One domain event as it happened; never updated."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_college_occurred", "college_id", "occurred_at", "id"),
        Index("ix_audit_entry_college_type", "college_id", "type"),
        Index("ix_audit_entry_college_subject", "college_id", "subject"),
        Index("ix_audit_entry_college_request", "college_id", "request_id"),
        Index("ix_audit_entry_college_client_ip", "college_id", "client_ip"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    college_id: Mapped[str | None] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(200))
    actor_id: Mapped[str | None] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    schema_version: Mapped[int] = mapped_column(Integer, default=1)
    request_id: Mapped[str | None] = mapped_column(String(128))
    """The request that caused the event (its ``X-Request-ID``), when one did."""
    client_ip: Mapped[str | None] = mapped_column(String(64))
    """The address of that request's client, through trusted proxies."""
    user_agent: Mapped[str | None] = mapped_column(String(512))


processed_events = processed_events_table(Base.metadata)
