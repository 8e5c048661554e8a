"""CSV import throughput on PostgreSQL: 5,000 students with 5 % bad rows.

Run: ``.venv/bin/python -m pytest tests/load/test_identity_import.py -s``
prints rows/s; the figure is also kept as the test's ``rows_per_second``
property (``--junitxml=FILE``). A measurement, not a timing assertion.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from shared.config import Settings
from shared.db import create_database
from shared.storage import create_object_store
from subgraphs.identity import csv_import
from subgraphs.identity.import_runner import claim_import_job
from subgraphs.identity.models import ImportKind, ImportState
from subgraphs.identity.settings import IdentitySettings
from tests.factories.identity import college_admin, make_college
from tests.factories.identity_csv import csv_file, student_rows
from tests.integration.identity.conftest import identity_migrations

ROWS = 5_000
BAD_EVERY = 20  # 5 %

pytestmark = pytest.mark.integration


async def test_csv_import_throughput(
    record_property: Callable[[str, object], None],
    capsys: pytest.CaptureFixture[str],
    postgres_settings: Settings,
) -> None:
    settings = IdentitySettings()
    db = create_database(postgres_settings, "identity")
    store = create_object_store(postgres_settings)
    await store.start()
    try:
        await identity_migrations(db).upgrade()
        async with db.transaction() as session:
            college = await make_college(session)
        admin = college_admin(college)
        rows = student_rows(ROWS)
        for n in range(0, ROWS, BAD_EVERY):
            rows[n][0] = f"bad-address-{n}"
        upload = await csv_import.create_import_upload(actor=admin, store=store, settings=settings)
        await store.put(upload.object_key, csv_file(rows), content_type="text/csv")
        async with db.transaction() as session:
            job = await csv_import.start_import(
                session,
                actor=admin,
                store=store,
                settings=settings,
                object_key=upload.object_key,
                kind=ImportKind.STUDENT,
            )
        assert await claim_import_job(db, settings=settings, job_id=job.id) == job.id
        started = time.perf_counter()
        final = await csv_import.run_import_job(
            db, store=store, settings=settings, job_id=job.id, actor=admin
        )
        elapsed = time.perf_counter() - started
        rate = ROWS / elapsed
        assert final.state is ImportState.SUCCEEDED
        assert (final.created, final.failed) == (ROWS - ROWS // BAD_EVERY, ROWS // BAD_EVERY)
        record_property("rows_per_second", round(rate))
        with capsys.disabled():
            print(f"\ncsv import: {ROWS} rows in {elapsed:.2f}s = {rate:,.0f} rows/s")
    finally:
        await store.close()
        await db.drop()
