"""Terms and batches: dates in order, batches in the college's own departments."""

from __future__ import annotations

from datetime import date

import pytest

from shared.db import Database
from shared.errors import DomainError, PermissionDenied
from subgraphs.courses import terms
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.models import new_id
from tests.factories.courses import make_department, outbox_events, staff


async def test_create_term_stores_and_announces_it(courses_db: Database) -> None:
    # given a staff member of a college
    college = new_id()
    # when a term is created
    async with courses_db.transaction() as session:
        term = await terms.create_term(
            session,
            actor=staff(college, "course:update"),
            name="Spring 2027",
            starts_on=date(2027, 1, 10),
            ends_on=date(2027, 5, 30),
        )
    # then it belongs to the college and its event carries the dates
    assert term.college_id == college
    async with courses_db.session() as session:
        [event] = await outbox_events(session, "course.term_created")
    assert event.data["starts_on"] == "2027-01-10"
    assert event.data["ends_on"] == "2027-05-30"


async def test_a_term_ending_before_it_starts_is_refused(courses_db: Database) -> None:
    # given a staff member
    actor = staff(new_id())
    # when a term ends before it starts
    # then the range is refused and no event is written
    async with courses_db.transaction() as session:
        with pytest.raises(DomainError) as raised:
            await terms.create_term(
                session,
                actor=actor,
                name="Backwards",
                starts_on=date(2027, 5, 1),
                ends_on=date(2027, 4, 30),
            )
        assert await outbox_events(session) == []
    assert raised.value.error_code is CoursesErrorCode.INVALID_DATE_RANGE


async def test_create_batch_in_a_department_of_the_college(courses_db: Database) -> None:
    # given a department of the college and one of another college
    college = new_id()
    async with courses_db.transaction() as session:
        own = await make_department(session, college_id=college)
        foreign = await make_department(session, college_id=new_id())
    actor = staff(college)
    # when batches are created in each
    async with courses_db.transaction() as session:
        batch = await terms.create_batch(
            session, actor=actor, department_id=own.id, name="CSE 2026", intake_year=2026
        )
        with pytest.raises(DomainError) as raised:
            await terms.create_batch(
                session, actor=actor, department_id=foreign.id, name="X", intake_year=2026
            )
    # then the own one exists and the foreign department is unknown
    assert (batch.department_id, batch.intake_year) == (own.id, 2026)
    assert raised.value.error_code is CoursesErrorCode.UNKNOWN_DEPARTMENT


async def test_terms_need_course_update(courses_db: Database) -> None:
    # given a reader
    reader = staff(new_id(), "course:read")
    # when the reader creates a term
    # then it is forbidden
    async with courses_db.transaction() as session:
        with pytest.raises(PermissionDenied):
            await terms.create_term(
                session,
                actor=reader,
                name="T",
                starts_on=date(2027, 1, 1),
                ends_on=date(2027, 2, 1),
            )
