"""The users service as the platform runs it.

Its own settings are :class:`~subgraphs.users.settings.UsersSettings`
(``LMS_USERS_*``). It publishes ``profile.*`` through its outbox and follows
identity's ``user.*`` / ``role.changed`` and the courses subgraph's
``course.batch_assigned`` (:mod:`subgraphs.users.consumers`).
"""

from __future__ import annotations

from pathlib import Path

from shared.service import ServiceSpec
from subgraphs.users.consumers import CONSUMERS
from subgraphs.users.models import Base, outbox
from subgraphs.users.schema import build_schema
from subgraphs.users.settings import UsersSettings

__all__ = ["SERVICE"]

SERVICE = ServiceSpec(
    name="users",
    description="Profiles, avatars, preferences and the people search of each college.",
    metadata=Base.metadata,
    migrations_dir=Path(__file__).parent / "migrations",
    schema=build_schema,
    outbox=outbox,
    consumers=CONSUMERS,
    settings=UsersSettings,
)
