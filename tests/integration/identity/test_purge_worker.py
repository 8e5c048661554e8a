"""The ``account-purge`` task: deleted accounts go once their retention ends, unasked."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from shared.config import Settings, SettingsError
from shared.runtime import Platform
from shared.service import Service
from subgraphs.identity import accounts
from subgraphs.identity.app import SERVICE
from subgraphs.identity.models import Account
from subgraphs.identity.purge_worker import PURGE_PRINCIPAL, run_purge_worker
from subgraphs.identity.settings import IdentitySettings
from tests.factories.identity import college_admin, make_account, make_college, outbox_events


@pytest.fixture
async def service(db_settings: Settings) -> AsyncIterator[Service]:
    """Identity on the test database, migrated, its tasks not started."""
    platform = Platform.from_settings(db_settings.with_overrides(auto_migrate=False))
    service = platform.add(SERVICE)
    await service.migrations.upgrade()
    try:
        yield service
    finally:
        await service.database.drop()
        await service.database.dispose()


async def _gone(service: Service, account_id: str) -> None:
    """Return once ``account_id`` has no row any more."""
    while True:
        async with service.database.session() as session:
            if await session.get(Account, account_id) is None:
                return
        await asyncio.sleep(0.1)


async def test_the_worker_purges_accounts_past_their_retention_and_keeps_the_others(
    service: Service,
) -> None:
    # given the purge worker running every second
    worker = asyncio.create_task(
        run_purge_worker(service, settings=IdentitySettings(purge_interval_seconds=1))
    )
    try:
        # and, after it started, one account deleted with no retention and one with 30 days
        async with service.database.transaction() as session:
            college = await make_college(session)
            leaving = await make_account(session, college=college)
            kept = await make_account(session, college=college)
            admin = college_admin(college)
            await accounts.delete_account(
                session, actor=admin, account_id=leaving.id, retention=timedelta(0)
            )
            await accounts.delete_account(
                session, actor=admin, account_id=kept.id, retention=timedelta(days=30)
            )
        # when the worker's next round comes, nobody calling the purge
        async with asyncio.timeout(15):
            await _gone(service, leaving.id)
    finally:
        worker.cancel()
        with pytest.raises(asyncio.CancelledError):
            await worker
    # then the account past its retention is gone, announced as user.purged by the job
    async with service.database.session() as session:
        assert await session.get(Account, leaving.id) is None
        (purged,) = await outbox_events(session, "user.purged")
        # and the account within its retention stays, deleted but restorable
        still = await session.get(Account, kept.id)
    assert (purged.subject, purged.tenant) == (leaving.id, college.id)
    assert purged.data["actor_id"] == PURGE_PRINCIPAL.user_id
    assert still is not None
    assert still.deleted_at is not None


def test_the_service_runs_the_worker_on_the_configured_interval() -> None:
    # given the identity service's declared tasks
    tasks = {task.name: task.run for task in SERVICE.tasks}
    # then the purge worker is one of them
    assert tasks["account-purge"] is run_purge_worker
    # when the interval is read from the environment
    settings = Settings.load(
        {"LMS_IDENTITY_PURGE_INTERVAL_SECONDS": "120"}, sections=(IdentitySettings,)
    )
    # then the worker's interval is that value, an hour by default, and never below a second
    assert settings.section(IdentitySettings).purge_interval_seconds == 120
    assert IdentitySettings().purge_interval_seconds == 3600
    with pytest.raises(SettingsError, match="LMS_IDENTITY_PURGE_INTERVAL_SECONDS"):
        Settings.load({"LMS_IDENTITY_PURGE_INTERVAL_SECONDS": "0"}, sections=(IdentitySettings,))
