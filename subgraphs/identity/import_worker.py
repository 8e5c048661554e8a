"""The background worker that runs CSV imports, and the progress it publishes.

:func:`run_import_worker` is the identity service's ``user-import`` task
(:class:`~shared.service.TaskSpec`): it loops over
:func:`~subgraphs.identity.import_runner.run_pending_imports`, sleeping
``LMS_IDENTITY_IMPORT_POLL_INTERVAL_SECONDS`` between rounds, and wakes at
once when ``userImportStart`` announces a job on :data:`WAKE_CHANNEL` (the
platform's pub/sub, so a job started on one instance wakes the workers of
every instance). Claiming is a guarded UPDATE, so any number of workers can
run side by side.

After each committed batch, and when a job finishes, the worker publishes
the job's :class:`~shared.graphql.Progress` on ``user-import:<job id>``
(:func:`progress_channel`) as :func:`progress_message` encodes it, for
subscriptions to follow. Pub/sub is best effort: a message that cannot be
published is logged and the import goes on; the job row stays the truth.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from shared.graphql import JobState, Progress, to_global_id
from shared.pubsub import PubSub
from subgraphs.identity.csv_import import ImportProgress
from subgraphs.identity.import_runner import run_pending_imports
from subgraphs.identity.settings import IdentitySettings

if TYPE_CHECKING:
    from shared.service import Service

__all__ = [
    "JOB_TYPE",
    "WAKE_CHANNEL",
    "progress_channel",
    "progress_message",
    "publish_progress",
    "run_import_worker",
    "to_progress",
    "wake_workers",
]

logger = logging.getLogger(__name__)

JOB_TYPE = "UserImportJob"
"""The GraphQL type of an import job (its global ids name it)."""

WAKE_CHANNEL = "user-import:wake"
"""Where ``userImportStart`` tells the workers that a job waits."""

_JOBS_PER_ROUND = 10
_RESUBSCRIBE_DELAY = 1.0


def progress_channel(job_id: str) -> str:
    """The pub/sub channel of the job ``job_id`` (its local id)."""
    return f"user-import:{job_id}"


def to_progress(progress: ImportProgress) -> Progress:
    """A job's snapshot as the platform's :class:`~shared.graphql.Progress`."""
    return Progress(
        id=to_global_id(JOB_TYPE, progress.job_id),  # type: ignore[arg-type]
        state=JobState(progress.state.value),
        processed=progress.processed,
        total=progress.total,
        succeeded=progress.created,
        failed=progress.failed,
        message=progress.message,
        started_at=progress.started_at,
        finished_at=progress.finished_at,
    )


def progress_message(progress: Progress) -> dict[str, Any]:
    """The JSON message published for ``progress``, with the GraphQL field names.

    ``created`` repeats ``succeeded`` (rows that became accounts), as the
    ``UserImportJob`` type names it; ``percent`` is computed by the type.
    """
    return {
        "id": str(progress.id),
        "state": progress.state.name,
        "total": progress.total,
        "processed": progress.processed,
        "created": progress.succeeded,
        "succeeded": progress.succeeded,
        "failed": progress.failed,
        "message": progress.message,
        "startedAt": progress.started_at.isoformat() if progress.started_at else None,
        "finishedAt": progress.finished_at.isoformat() if progress.finished_at else None,
    }


async def publish_progress(pubsub: PubSub, progress: ImportProgress) -> None:
    """Publish ``progress`` on its job's channel; a failure is logged, never raised."""
    try:
        await pubsub.publish(
            progress_channel(progress.job_id), progress_message(to_progress(progress))
        )
    except Exception:
        logger.warning("could not publish the progress of import job %s", progress.job_id)


async def wake_workers(pubsub: PubSub, job_id: str) -> None:
    """Tell every worker that ``job_id`` waits; a failure is logged (they poll anyway)."""
    try:
        await pubsub.publish(WAKE_CHANNEL, {"id": job_id})
    except Exception:
        logger.warning("could not wake the import workers for job %s", job_id)


async def run_import_worker(service: Service, *, settings: IdentitySettings | None = None) -> None:
    """Run waiting imports of ``service`` until cancelled (the ``user-import`` task)."""
    settings = settings if settings is not None else service.settings_of(IdentitySettings)
    platform = service.platform
    wake = asyncio.Event()
    listener = asyncio.create_task(
        _listen(platform.pubsub, wake), name=f"{service.name}-user-import-wake"
    )

    async def on_progress(progress: ImportProgress) -> None:
        await publish_progress(platform.pubsub, progress)

    try:
        while True:
            wake.clear()
            done = await run_pending_imports(
                service.database,
                store=platform.storage,
                settings=settings,
                limit=_JOBS_PER_ROUND,
                on_progress=on_progress,
                on_commit=service.notify_outbox,
            )
            if len(done) == _JOBS_PER_ROUND:
                continue  # more may wait
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), settings.import_poll_interval_seconds)
    finally:
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listener


async def _listen(pubsub: PubSub, wake: asyncio.Event) -> None:
    """Set ``wake`` on every message of :data:`WAKE_CHANNEL`; resubscribe after failures."""
    while True:
        try:
            async with pubsub.subscribe(WAKE_CHANNEL) as messages:
                async for _ in messages:
                    wake.set()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.warning("import workers' wake-up channel failed; polling meanwhile")
        await asyncio.sleep(_RESUBSCRIBE_DELAY)
