"""Sections: a college's course in the college's term, codes unique per course and term."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shared.db import Database
from shared.errors import DomainError, NotFoundError, PermissionDenied
from subgraphs.courses import sections
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.models import CourseStatus, Section, SectionStatus, new_id
from tests.factories.courses import make_course, make_section, make_term, outbox_events, staff


async def test_create_section_opens_it_and_announces_it(courses_db: Database) -> None:
    # given a course and a term of the college
    college = new_id()
    async with courses_db.transaction() as session:
        course = await make_course(session, college_id=college)
        term = await make_term(session, college_id=college)
    actor = staff(college, "section:manage")
    # when a section is created
    async with courses_db.transaction() as session:
        section = await sections.create_section(
            session, actor=actor, course_id=course.id, term_id=term.id, code="a", capacity=40
        )
    # then it is open with its seats, and announced
    assert (section.code, section.capacity, section.status) == ("A", 40, SectionStatus.OPEN)
    async with courses_db.session() as session:
        [event] = await outbox_events(session)
    assert event.type == "section.created"
    assert (event.subject, event.data["course_id"], event.data["capacity"]) == (
        section.id,
        course.id,
        40,
    )


async def test_a_duplicate_section_code_is_refused(courses_db: Database) -> None:
    # given section A of a course in a term
    college = new_id()
    async with courses_db.transaction() as session:
        existing = await make_section(session, college_id=college, code="A")
    # when another section A of the same course and term is created
    with pytest.raises(DomainError) as raised:
        async with courses_db.transaction() as session:
            await sections.create_section(
                session,
                actor=staff(college),
                course_id=existing.course_id,
                term_id=existing.term_id,
                code="A",
                capacity=10,
            )
    # then it is refused and there is still one section
    assert raised.value.error_code is CoursesErrorCode.DUPLICATE_SECTION_CODE
    async with courses_db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Section)) == 1


async def test_course_and_term_of_another_college_are_unknown(courses_db: Database) -> None:
    # given a course and term of this college, and of another
    college, other = new_id(), new_id()
    async with courses_db.transaction() as session:
        course = await make_course(session, college_id=college)
        term = await make_term(session, college_id=college)
        foreign_course = await make_course(session, college_id=other)
        foreign_term = await make_term(session, college_id=other)
    actor = staff(college)
    # when a section mixes in the other college's course or term
    async with courses_db.transaction() as session:
        with pytest.raises(DomainError) as bad_course:
            await sections.create_section(
                session,
                actor=actor,
                course_id=foreign_course.id,
                term_id=term.id,
                code="A",
                capacity=1,
            )
        with pytest.raises(DomainError) as bad_term:
            await sections.create_section(
                session,
                actor=actor,
                course_id=course.id,
                term_id=foreign_term.id,
                code="A",
                capacity=1,
            )
    # then each is unknown, naming its field
    assert (bad_course.value.error_code, bad_course.value.field) == (
        CoursesErrorCode.UNKNOWN_COURSE,
        "course_id",
    )
    assert (bad_term.value.error_code, bad_term.value.field) == (
        CoursesErrorCode.UNKNOWN_TERM,
        "term_id",
    )


async def test_an_archived_course_gets_no_section(courses_db: Database) -> None:
    # given an archived course
    college = new_id()
    async with courses_db.transaction() as session:
        course = await make_course(session, college_id=college, status=CourseStatus.ARCHIVED)
        term = await make_term(session, college_id=college)
    # when a section of it is created
    # then it is refused
    async with courses_db.transaction() as session:
        with pytest.raises(DomainError) as raised:
            await sections.create_section(
                session,
                actor=staff(college),
                course_id=course.id,
                term_id=term.id,
                code="A",
                capacity=5,
            )
    assert raised.value.error_code is CoursesErrorCode.COURSE_ARCHIVED


async def test_sections_need_section_manage_and_hide_other_colleges(
    courses_db: Database,
) -> None:
    # given a course and term, and a section of another college
    college = new_id()
    async with courses_db.transaction() as session:
        course = await make_course(session, college_id=college)
        term = await make_term(session, college_id=college)
        foreign = await make_section(session, college_id=new_id())
    # when a course editor without section:manage creates a section,
    # and a reader of this college reads the other college's section
    async with courses_db.transaction() as session:
        with pytest.raises(PermissionDenied) as raised:
            await sections.create_section(
                session,
                actor=staff(college, "course:update"),
                course_id=course.id,
                term_id=term.id,
                code="A",
                capacity=5,
            )
        with pytest.raises(NotFoundError):
            await sections.get_section(
                session, actor=staff(college, "course:read"), section_id=foreign.id
            )
    # then the first is forbidden and the second not found
    assert raised.value.permission == "section:manage"
