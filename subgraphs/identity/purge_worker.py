"""The background worker that purges deleted accounts once their retention ends.

:func:`run_purge_worker` is the identity service's ``account-purge`` task
(:class:`~shared.service.TaskSpec`): every
``LMS_IDENTITY_PURGE_INTERVAL_SECONDS`` it runs
:func:`~subgraphs.identity.accounts.purge_deleted_accounts` as a service
principal, each round in a transaction of its own, and logs how many
accounts went. A full round (the purge's limit reached) is followed by
another at once, so a backlog drains without waiting for the interval. Each
purge emits ``user.purged``, so other services forget the person too.

An unreachable database skips the round (logged); the next one tries again.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from shared.auth.principal import Principal
from shared.db import DatabaseUnavailable
from subgraphs.identity.accounts import purge_deleted_accounts
from subgraphs.identity.settings import IdentitySettings

if TYPE_CHECKING:
    from shared.service import Service

__all__ = ["PURGE_PRINCIPAL", "run_purge_worker"]

logger = logging.getLogger(__name__)

PURGE_PRINCIPAL = Principal(user_id="identity-account-purge", kind="service")
"""Who the purge runs as: a platform job, named in the ``user.purged`` events' ``actor_id``."""

_ACCOUNTS_PER_ROUND = 500


async def run_purge_worker(service: Service, *, settings: IdentitySettings | None = None) -> None:
    """Purge the accounts of ``service`` whose retention ended, until cancelled."""
    settings = settings if settings is not None else service.settings_of(IdentitySettings)
    while True:
        try:
            purged = await _purge_round(service)
        except DatabaseUnavailable as exc:
            logger.warning("account purge skipped: %s", exc)
            purged = 0
        if purged == _ACCOUNTS_PER_ROUND:
            continue  # more may be due
        await asyncio.sleep(settings.purge_interval_seconds)


async def _purge_round(service: Service) -> int:
    """One purge in a transaction of its own; how many accounts it removed."""
    async with service.database.transaction() as session:
        purged = await purge_deleted_accounts(
            session,
            actor=PURGE_PRINCIPAL,
            limit=_ACCOUNTS_PER_ROUND,
            on_commit=service.notify_outbox,
        )
    if purged:
        logger.info("purged %d deleted account(s) past their retention", purged)
    else:
        logger.debug("no deleted account past its retention")
    return purged
