"""The identity service as the platform runs it.

Not yet in ``lms/services.py``: it is registered once sign-in is served, so
that ``lms dev`` never runs colleges whose people cannot log in.
"""

from __future__ import annotations

from pathlib import Path

from shared.service import ServiceSpec
from subgraphs.identity.models import Base, outbox
from subgraphs.identity.schema import build_schema

__all__ = ["SERVICE"]

SERVICE = ServiceSpec(
    name="identity",
    description="Colleges, accounts, roles and permissions, invitations and credentials.",
    metadata=Base.metadata,
    migrations_dir=Path(__file__).parent / "migrations",
    schema=build_schema,
    outbox=outbox,
    consumers=(),
)
