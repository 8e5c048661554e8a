"""Bulk enrolment by CSV, by the domain function: each section the file names is locked once."""

from __future__ import annotations

import csv
import io
import re
import uuid
from pathlib import Path

from shared.config import Settings
from shared.db import Database
from shared.storage import create_object_store
from subgraphs.courses import enrollment_imports
from subgraphs.courses.enrollment_imports import Outcome
from subgraphs.courses.models import new_id
from subgraphs.courses.settings import CoursesSettings
from tests.factories.courses import make_section, staff
from tests.fixtures.statements import statements_on

READS_SECTIONS = re.compile(r"\bFROM section\b")


async def test_an_import_locks_each_section_it_names_once_up_front(
    courses_db: Database, tmp_path: Path
) -> None:
    # given three sections of a college (one with a single seat), and a file of
    # fifteen rows: enrolments into each, a repeated person, a drop, a full
    # section's waitlist and a section of no college
    college = new_id()
    async with courses_db.transaction() as session:
        sections = [
            await make_section(session, college_id=college, capacity=capacity)
            for capacity in (30, 30, 1)
        ]
    ids = [section.id for section in sections]
    repeated = new_id()
    rows = [[new_id(), ids[n % 3], "enrol"] for n in range(10)]
    rows += [
        [repeated, ids[0], "enrol"],
        [repeated, ids[0], "enrol"],
        [repeated, ids[0], "drop"],
        [new_id(), ids[2], "enrol"],
        [new_id(), str(uuid.uuid4()), "enrol"],
    ]
    out = io.StringIO()
    csv.writer(out).writerows([["user_id", "section_id", "action"], *rows])
    store = create_object_store(Settings.load({}, data_dir=tmp_path / "store"))
    await store.start()
    key = f"{enrollment_imports.uploads_prefix(college)}{new_id()}.csv"
    await store.put(key, out.getvalue().encode(), content_type="text/csv")
    # when the file is imported
    try:
        with statements_on(courses_db) as statements:
            report = await enrollment_imports.run_import(
                courses_db,
                actor=staff(college, "enrollment:manage"),
                store=store,
                settings=CoursesSettings(),
                object_key=key,
            )
    finally:
        await store.close()
    # then every row has its usual outcome
    assert [row.outcome for row in report.rows] == [
        *[Outcome.ENROLLED] * 3,
        *[Outcome.ENROLLED, Outcome.ENROLLED, Outcome.WAITLISTED] * 2,
        Outcome.ENROLLED,
        Outcome.ENROLLED,
        Outcome.SKIPPED,
        Outcome.DROPPED,
        Outcome.WAITLISTED,
        Outcome.FAILED,
    ]
    # and the sections were read once: the three locked in one statement, in id order
    # (FOR UPDATE on PostgreSQL; SQLite holds its write lock from the start)
    [lock] = [sql for sql in statements if READS_SECTIONS.search(sql)]
    assert "ORDER BY section.id" in lock
    assert ("FOR UPDATE" in lock) is (courses_db.dialect == "postgresql")
