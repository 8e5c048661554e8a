"""Who runs CSV imports: claim waiting jobs so that two workers never take the same one.

:func:`claim_import_job` moves one job from ``pending`` (or ``running`` but
silent for longer than ``LMS_IDENTITY_IMPORT_STALE_AFTER_SECONDS``: its
worker died) to ``running`` with a guarded UPDATE; only the worker whose
UPDATE matched runs it. :func:`run_pending_imports` claims and runs jobs
one after another as the admin who started each. Wiring it into the
service's start-up (a loop, or a platform job) is left to the service.
"""

from __future__ import annotations

import logging

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.db import Database, utcnow
from shared.storage import ObjectStore
from subgraphs.identity import events
from subgraphs.identity.accounts import principal_for_account
from subgraphs.identity.csv_import import ImportProgress, ProgressCallback, run_import_job
from subgraphs.identity.models import Account, AccountStatus, ImportJob, ImportState
from subgraphs.identity.settings import IdentitySettings

__all__ = ["claim_import_job", "job_actor", "run_pending_imports"]

logger = logging.getLogger(__name__)


async def claim_import_job(
    database: Database, *, settings: IdentitySettings, job_id: str | None = None
) -> str | None:
    """Claim the oldest waiting job (or ``job_id``); its id, or ``None`` if none was won."""
    now = utcnow()
    waiting = or_(
        ImportJob.state == ImportState.PENDING,
        and_(
            ImportJob.state == ImportState.RUNNING,
            ImportJob.updated_at < now - settings.import_stale_after,
        ),
    )
    async with database.transaction() as session:
        candidates = select(ImportJob.id).where(waiting).order_by(ImportJob.created_at).limit(5)
        if job_id is not None:
            candidates = candidates.where(ImportJob.id == job_id)
        for candidate in list(await session.scalars(candidates)):
            claimed = await session.execute(
                update(ImportJob)
                .where(ImportJob.id == candidate, waiting)
                .values(state=ImportState.RUNNING, updated_at=now, started_at=now)
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount == 1:  # type: ignore[attr-defined]
                return candidate
    return None


async def job_actor(session: AsyncSession, job: ImportJob) -> Principal | None:
    """The admin who started ``job`` as they are now, or ``None`` if they can no longer act."""
    if job.created_by is None:
        return None
    account = await session.get(Account, job.created_by)
    if account is None or account.deleted_at is not None:
        return None
    if account.status is not AccountStatus.ACTIVE:
        return None
    return await principal_for_account(session, account)


async def run_pending_imports(
    database: Database,
    *,
    store: ObjectStore,
    settings: IdentitySettings,
    limit: int = 10,
    on_progress: ProgressCallback | None = None,
    on_commit: events.OnCommit | None = None,
) -> list[ImportProgress]:
    """Claim and run up to ``limit`` waiting jobs, one at a time; their final progress."""
    done: list[ImportProgress] = []
    for _ in range(limit):
        job_id = await claim_import_job(database, settings=settings)
        if job_id is None:
            break
        async with database.session() as session:
            job = await session.get(ImportJob, job_id)
            actor = await job_actor(session, job) if job is not None else None
        if actor is None:
            done.append(await _fail(database, job_id, "The account that started it cannot act."))
            continue
        try:
            done.append(
                await run_import_job(
                    database,
                    store=store,
                    settings=settings,
                    job_id=job_id,
                    actor=actor,
                    on_progress=on_progress,
                    on_commit=on_commit,
                )
            )
        except Exception:  # left running: a runner takes it over once it is stale
            logger.exception("import job %s stopped; it resumes when taken over", job_id)
    return done


async def _fail(database: Database, job_id: str, message: str) -> ImportProgress:
    async with database.transaction() as session:
        job = await session.get(ImportJob, job_id, with_for_update=True)
        assert job is not None
        job.state = ImportState.FAILED
        job.error_message = message
        job.finished_at = utcnow()
        await session.flush()
        return ImportProgress.of(job)
