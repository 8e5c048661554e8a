"""Bulk enrolment throughput: a CSV file of 1,000 rows into 10 sections, 5 % bad rows.

Run: ``.venv/bin/python -m pytest tests/load/test_enrollment_import.py -s``.
On SQLite and on PostgreSQL, the file is stored in the object store and
imported by :func:`subgraphs.courses.enrollment_imports.run_import` (what
``enrollmentImport`` runs), each row in its own savepoint. It prints rows/s
and keeps it as the test's ``rows_per_second`` property (``--junitxml``);
it asserts the report, never speed. Figures are in ``docs/courses.md``.
"""

from __future__ import annotations

import csv
import io
import time
import uuid
from collections.abc import Callable

import pytest

from shared.config import Settings
from shared.db import create_database
from shared.storage import create_object_store
from subgraphs.courses import enrollment_imports
from subgraphs.courses.enrollment_imports import Outcome
from subgraphs.courses.settings import CoursesSettings
from tests.factories.courses import make_section, staff
from tests.integration.courses.conftest import courses_migrations

ROWS = 1_000
SECTIONS = 10
BAD_EVERY = 20  # 5 %: a row naming no section of the college

pytestmark = pytest.mark.integration


def _csv(sections: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["user_id", "section_id"])
    for n in range(ROWS):
        section = str(uuid.uuid4()) if n % BAD_EVERY == 0 else sections[n % SECTIONS]
        writer.writerow([str(uuid.uuid4()), section])
    return out.getvalue().encode()


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
async def test_enrollment_import_throughput(
    database: str,
    request: pytest.FixtureRequest,
    record_property: Callable[[str, object], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings: Settings = request.getfixturevalue(f"{database}_settings")
    db = create_database(settings, "courses")
    store = create_object_store(settings)
    await store.start()
    try:
        # given a term's 10 sections of 120 seats and a file of 1,000 rows, 50 of them bad
        await courses_migrations(db).upgrade()
        college = str(uuid.uuid4())
        async with db.transaction() as session:
            sections = [
                await make_section(session, college_id=college, capacity=120)
                for _ in range(SECTIONS)
            ]
        admin = staff(college, "enrollment:manage")
        key = f"{enrollment_imports.uploads_prefix(college)}{uuid.uuid4()}.csv"
        await store.put(key, _csv([s.id for s in sections]), content_type="text/csv")
        # when the file is imported
        started = time.perf_counter()
        report = await enrollment_imports.run_import(
            db,
            actor=admin,
            store=store,
            settings=CoursesSettings(import_max_rows=ROWS),
            object_key=key,
        )
        seconds = time.perf_counter() - started
    finally:
        await store.close()
        await db.drop()
    # then every good row enrolled its student and every bad one is reported
    bad = ROWS // BAD_EVERY
    assert report.count(Outcome.ENROLLED) == ROWS - bad
    assert report.count(Outcome.FAILED) == bad
    rate = ROWS / seconds
    record_property("rows_per_second", round(rate))
    with capsys.disabled():
        print(
            f"\nenrollment import, {database}: {ROWS} rows in {seconds:.2f} s = {rate:.0f} rows/s"
        )
