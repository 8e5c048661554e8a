"""The identity service as the platform runs it.

Its own settings are :class:`~subgraphs.identity.settings.IdentitySettings`
(``LMS_IDENTITY_*``), read once with the platform's. At each start, after
the migrations, the built-in roles are brought in line with the code; the
email-delivery consumer sends the emails identity asks for (invitations,
password resets).
"""

from __future__ import annotations

import logging
from pathlib import Path

from shared.db import DatabaseUnavailable
from shared.service import Service, ServiceSpec, TaskSpec
from subgraphs.identity.api_key_route import api_key_routes
from subgraphs.identity.import_worker import run_import_worker
from subgraphs.identity.mail_consumer import email_delivery_consumer
from subgraphs.identity.models import Base, outbox
from subgraphs.identity.purge_worker import run_purge_worker
from subgraphs.identity.roles import sync_builtin_roles
from subgraphs.identity.schema import build_schema
from subgraphs.identity.settings import IdentitySettings

__all__ = ["SERVICE", "TASKS"]

logger = logging.getLogger(__name__)


async def on_start(service: Service) -> None:
    """Seed or update the built-in roles, in one transaction.

    An unreachable database does not stop the start: ``/ready`` reports it,
    and built-in roles are also synced whenever a college is created (their
    permissions are always read from the code).
    """
    try:
        await service.database.ping()
    except DatabaseUnavailable as exc:
        logger.warning("built-in roles not synced at start: %s", exc)
        return
    async with service.database.transaction() as session:
        await sync_builtin_roles(session)


TASKS: tuple[TaskSpec, ...] = (
    TaskSpec(name="user-import", run=run_import_worker),
    TaskSpec(name="account-purge", run=run_purge_worker),
)
"""The service's background workers: one line per worker."""

SERVICE = ServiceSpec(
    name="identity",
    description="Colleges, accounts, roles and permissions, invitations and credentials.",
    metadata=Base.metadata,
    migrations_dir=Path(__file__).parent / "migrations",
    schema=build_schema,
    outbox=outbox,
    consumers=(email_delivery_consumer(),),
    on_start=on_start,
    tasks=TASKS,
    routes=api_key_routes,
    settings=IdentitySettings,
)
