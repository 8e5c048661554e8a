"""CSV import: upload, job, batches with counters, error report, races and re-runs."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from shared.config import Settings
from shared.db import Database
from shared.errors import DomainError, NotFoundError
from shared.storage import ObjectStore, create_object_store
from subgraphs.identity import csv_import
from subgraphs.identity.csv_import import ImportProgress
from subgraphs.identity.import_runner import claim_import_job, run_pending_imports
from subgraphs.identity.models import Account, College, ImportJob, ImportKind, ImportState
from subgraphs.identity.permissions import COLLEGE_ADMIN
from subgraphs.identity.settings import IdentitySettings
from tests.factories.identity import actor_for, college_admin, make_account, make_college
from tests.factories.identity_csv import csv_file, student_rows

SETTINGS = IdentitySettings()


@pytest.fixture
async def store(storage_settings: Settings) -> AsyncIterator[ObjectStore]:
    """The object store of each backend (local folder, S3 on moto)."""
    object_store = create_object_store(storage_settings)
    await object_store.start()
    yield object_store
    await object_store.close()


@pytest.fixture
async def local_store(local_storage_settings: Settings) -> AsyncIterator[ObjectStore]:
    object_store = create_object_store(local_storage_settings)
    await object_store.start()
    yield object_store
    await object_store.close()


async def _uploaded_job(db: Database, store: ObjectStore, content: bytes) -> tuple[College, str]:
    """A college, its admin's upload of ``content`` and a started (pending) job."""
    async with db.transaction() as session:
        college = await make_college(session)
    admin = college_admin(college)
    upload = await csv_import.create_import_upload(actor=admin, store=store, settings=SETTINGS)
    await store.put(upload.object_key, content, content_type="text/csv")
    async with db.transaction() as session:
        job = await csv_import.start_import(
            session,
            actor=admin,
            store=store,
            settings=SETTINGS,
            object_key=upload.object_key,
            kind=ImportKind.STUDENT,
        )
    return college, job.id


async def _run(db: Database, store: ObjectStore, college: College, job_id: str) -> ImportProgress:
    assert await claim_import_job(db, settings=SETTINGS, job_id=job_id) == job_id
    return await csv_import.run_import_job(
        db, store=store, settings=SETTINGS, job_id=job_id, actor=college_admin(college)
    )


async def _accounts(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Account)) or 0)


async def test_bad_rows_are_counted_and_reported_good_rows_created(
    identity_db: Database, store: ObjectStore
) -> None:
    # given a 250-row file (3 batches) with a bad email, a missing name and a repeated email
    rows = student_rows(250)
    rows[9][0] = "not-an-email"  # line 11
    rows[120][1] = ""  # line 122
    rows[200][0] = "student1@example.edu"  # line 202, repeats line 2
    rows[30][2] = "teacher;wizard"  # line 32, unknown role
    college, job_id = await _uploaded_job(identity_db, store, csv_file(rows))
    seen: list[ImportProgress] = []

    async def record(progress: ImportProgress) -> None:
        seen.append(progress)

    # when the job runs
    assert await claim_import_job(identity_db, settings=SETTINGS) == job_id
    final = await csv_import.run_import_job(
        identity_db,
        store=store,
        settings=SETTINGS,
        job_id=job_id,
        actor=college_admin(college),
        on_progress=record,
    )
    # then the good rows exist, the counters add up and progress was published per batch
    assert (final.state, final.total, final.processed) == (ImportState.SUCCEEDED, 250, 250)
    assert (final.created, final.failed) == (246, 4)
    assert await _accounts(identity_db) == 246
    assert [p.processed for p in seen] == [100, 200, 250, 250]
    # and the error report lists each bad row by line number
    assert final.error_report_key is not None
    report = list(csv.reader(io.StringIO((await store.get(final.error_report_key)).decode())))
    assert report[0] == ["row", "email", "field", "code", "message"]
    assert [(r[0], r[1], r[2], r[3]) for r in report[1:]] == [
        ("11", "not-an-email", "email", "INVALID_EMAIL"),
        ("32", "student31@example.edu", "roles", "UNKNOWN_ROLE"),
        ("122", "student121@example.edu", "display_name", "REQUIRED_FIELD"),
        ("202", "student1@example.edu", "email", "DUPLICATE_EMAIL"),
    ]


async def test_missing_required_column_fails_the_job(
    identity_db: Database, local_store: ObjectStore
) -> None:
    # given a file without a display_name column (header names in any case)
    content = csv_file([["a@example.edu"]], header=["EMAIL"])
    college, job_id = await _uploaded_job(identity_db, local_store, content)
    # when it runs
    final = await _run(identity_db, local_store, college, job_id)
    # then the job failed saying which column is missing, and nothing was created
    assert final.state is ImportState.FAILED
    assert final.message is not None
    assert "'display_name'" in final.message
    assert await _accounts(identity_db) == 0


async def test_file_that_is_not_utf8_fails_the_job(
    identity_db: Database, local_store: ObjectStore
) -> None:
    # given a Latin-1 file
    content = "email,display_name\nzoe@example.edu,Zoë\n".encode("latin-1")
    college, job_id = await _uploaded_job(identity_db, local_store, content)
    # when it runs
    final = await _run(identity_db, local_store, college, job_id)
    # then it failed with a message saying how to save the file
    assert final.state is ImportState.FAILED
    assert "UTF-8" in (final.message or "")


async def test_two_runners_racing_claim_the_job_once(
    identity_db: Database, local_store: ObjectStore
) -> None:
    # given one pending job
    _, job_id = await _uploaded_job(identity_db, local_store, csv_file(student_rows(3)))
    # when two runners try to claim at the same time
    won = await asyncio.gather(
        claim_import_job(identity_db, settings=SETTINGS),
        claim_import_job(identity_db, settings=SETTINGS),
    )
    # then exactly one got it
    assert sorted(won, key=str) == sorted([job_id, None], key=str)


async def test_running_a_job_again_creates_no_duplicates(
    identity_db: Database, local_store: ObjectStore
) -> None:
    # given a job that already ran to the end
    college, job_id = await _uploaded_job(identity_db, local_store, csv_file(student_rows(120)))
    first = await _run(identity_db, local_store, college, job_id)
    # when it is run again, and the same file is started again
    again = await csv_import.run_import_job(
        identity_db,
        store=local_store,
        settings=SETTINGS,
        job_id=job_id,
        actor=college_admin(college),
    )
    async with identity_db.transaction() as session:
        job = await session.get(ImportJob, job_id)
        assert job is not None
        restarted = await csv_import.start_import(
            session,
            actor=college_admin(college),
            store=local_store,
            settings=SETTINGS,
            object_key=job.object_key,
            kind=ImportKind.STUDENT,
        )
    # then nothing changed: same counters, same job, no new accounts
    assert again == first
    assert restarted.id == job_id
    assert await _accounts(identity_db) == 120


class _WorkerDied(Exception):
    pass


async def test_interrupted_job_is_taken_over_and_resumes_after_its_last_batch(
    identity_db: Database, local_store: ObjectStore
) -> None:
    # given a job whose worker died right after its first batch committed
    college, job_id = await _uploaded_job(identity_db, local_store, csv_file(student_rows(150)))

    async def die(progress: ImportProgress) -> None:
        raise _WorkerDied

    assert await claim_import_job(identity_db, settings=SETTINGS, job_id=job_id) == job_id
    with pytest.raises(_WorkerDied):
        await csv_import.run_import_job(
            identity_db,
            store=local_store,
            settings=SETTINGS,
            job_id=job_id,
            actor=college_admin(college),
            on_progress=die,
        )
    # when it is not stale yet, no runner takes it; once stale, a runner takes it over
    assert await claim_import_job(identity_db, settings=SETTINGS) is None
    stale = IdentitySettings(import_stale_after_seconds=1)
    async with identity_db.transaction() as session:
        job = await session.get(ImportJob, job_id)
        assert job is not None
        assert job.processed == 100
        job.updated_at = job.updated_at - stale.import_stale_after * 5
    final = await _run_with(identity_db, local_store, college, job_id, stale)
    # then the rest was imported once: 150 accounts, counters exact
    assert (final.state, final.processed, final.created) == (ImportState.SUCCEEDED, 150, 150)
    assert await _accounts(identity_db) == 150


async def _run_with(
    db: Database, store: ObjectStore, college: College, job_id: str, settings: IdentitySettings
) -> ImportProgress:
    assert await claim_import_job(db, settings=settings) == job_id
    return await csv_import.run_import_job(
        db, store=store, settings=settings, job_id=job_id, actor=college_admin(college)
    )


async def test_runner_runs_jobs_as_the_admin_who_started_them(
    identity_db: Database, local_store: ObjectStore
) -> None:
    # given a job started by a real admin account
    async with identity_db.transaction() as session:
        college = await make_college(session)
        admin_account = await make_account(session, college=college, roles=[COLLEGE_ADMIN])
    admin = actor_for(admin_account, "user:import")
    upload = await csv_import.create_import_upload(
        actor=admin, store=local_store, settings=SETTINGS
    )
    await local_store.put(upload.object_key, csv_file(student_rows(5)), content_type="text/csv")
    async with identity_db.transaction() as session:
        job = await csv_import.start_import(
            session,
            actor=admin,
            store=local_store,
            settings=SETTINGS,
            object_key=upload.object_key,
            kind=ImportKind.STUDENT,
        )
    # when the runner runs pending jobs
    done = await run_pending_imports(identity_db, store=local_store, settings=SETTINGS)
    # then it ran this one with the admin's roles, and the job is readable by the admin only
    assert [(p.job_id, p.state, p.created) for p in done] == [(job.id, ImportState.SUCCEEDED, 5)]
    async with identity_db.session() as session:
        read = await csv_import.get_import_job(session, actor=admin, job_id=job.id)
        assert read.created_count == 5
        with pytest.raises(NotFoundError):
            await csv_import.get_import_job(
                session, actor=college_admin("another-college"), job_id=job.id
            )


async def test_start_refuses_a_missing_or_foreign_file(
    identity_db: Database, local_store: ObjectStore
) -> None:
    # given a college and its admin, and nothing uploaded
    async with identity_db.transaction() as session:
        college = await make_college(session)
    admin = college_admin(college)
    # when a job is started for a key never uploaded, or of another college
    # then IMPORT_FILE_NOT_FOUND
    for key in (f"imports/{college.id}/nothing.csv", "imports/other/file.csv"):
        async with identity_db.transaction() as session:
            with pytest.raises(DomainError) as caught:
                await csv_import.start_import(
                    session,
                    actor=admin,
                    store=local_store,
                    settings=SETTINGS,
                    object_key=key,
                    kind=ImportKind.STUDENT,
                )
        assert caught.value.code_name == "IMPORT_FILE_NOT_FOUND"
