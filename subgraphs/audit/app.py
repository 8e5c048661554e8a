"""The audit service as the platform runs it."""

from __future__ import annotations

from pathlib import Path

from shared.service import ServiceSpec
from subgraphs.audit.events import CONSUMERS
from subgraphs.audit.models import Base
from subgraphs.audit.schema import build_schema

__all__ = ["SERVICE"]

SERVICE = ServiceSpec(
    name="audit",
    description="Per-college audit log of every domain event.",
    metadata=Base.metadata,
    migrations_dir=Path(__file__).parent / "migrations",
    schema=build_schema,
    consumers=CONSUMERS,
)
