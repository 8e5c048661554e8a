"""Courses: created in one of the college's departments, changed, listed; codes unique."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from shared.db import Database
from shared.errors import DomainError, NotFoundError, PermissionDenied
from subgraphs.courses import courses
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.models import Course, CourseStatus, new_id
from tests.factories.courses import make_course, make_department, outbox_events, staff


async def test_create_course_in_a_department_of_the_college(courses_db: Database) -> None:
    # given a department of a college and a staff member who may create courses
    college = new_id()
    async with courses_db.transaction() as session:
        department = await make_department(session, college_id=college)
    actor = staff(college, "course:create")
    # when a course is created
    async with courses_db.transaction() as session:
        course = await courses.create_course(
            session,
            actor=actor,
            department_id=department.id,
            code="cs101",
            title="Programming",
            credits="4.5",
            description=" Loops and lists. ",
        )
    # then it is a draft with normalised values, and announced
    async with courses_db.session() as session:
        stored = await session.get(Course, course.id)
        [event] = await outbox_events(session)
    assert stored is not None
    assert (stored.code, stored.title, stored.credits) == ("CS101", "Programming", Decimal("4.5"))
    assert (stored.description, stored.status) == ("Loops and lists.", CourseStatus.DRAFT)
    assert event.type == "course.created"
    assert event.data["code"] == "CS101"
    assert event.data["department_id"] == department.id


async def test_duplicate_course_code_is_refused_and_nothing_is_written(
    courses_db: Database,
) -> None:
    # given a course CS101
    college = new_id()
    async with courses_db.transaction() as session:
        existing = await make_course(session, college_id=college, code="CS101")
    # when another course with that code is created
    with pytest.raises(DomainError) as raised:
        async with courses_db.transaction() as session:
            await courses.create_course(
                session,
                actor=staff(college),
                department_id=existing.department_id,
                code="Cs101",
                title="Again",
                credits=3,
            )
    # then it is refused and nothing was written
    assert raised.value.error_code is CoursesErrorCode.DUPLICATE_COURSE_CODE
    async with courses_db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Course)) == 1
        assert await outbox_events(session) == []


async def test_a_department_of_another_college_is_unknown(courses_db: Database) -> None:
    # given a department of another college
    async with courses_db.transaction() as session:
        foreign = await make_department(session, college_id=new_id())
    # when a course is created in it
    with pytest.raises(DomainError) as raised:
        async with courses_db.transaction() as session:
            await courses.create_course(
                session,
                actor=staff(new_id()),
                department_id=foreign.id,
                code="X1",
                title="X",
                credits=1,
            )
    # then the department is unknown
    assert raised.value.error_code is CoursesErrorCode.UNKNOWN_DEPARTMENT
    assert raised.value.field == "department_id"


@pytest.mark.parametrize("credits", ["-1", "1000", "2.25", "many"])
async def test_invalid_credits_are_refused(courses_db: Database, credits: str) -> None:
    # given a department
    college = new_id()
    async with courses_db.transaction() as session:
        department = await make_department(session, college_id=college)
    # when a course is created with bad credits
    # then the credits are refused
    async with courses_db.transaction() as session:
        with pytest.raises(DomainError) as raised:
            await courses.create_course(
                session,
                actor=staff(college),
                department_id=department.id,
                code="C1",
                title="T",
                credits=credits,
            )
    assert raised.value.error_code is CoursesErrorCode.INVALID_CREDITS


async def test_update_course_changes_fields_and_names_them(courses_db: Database) -> None:
    # given a draft course and another department of the college
    college = new_id()
    async with courses_db.transaction() as session:
        course = await make_course(session, college_id=college, status=CourseStatus.DRAFT)
        other = await make_department(session, college_id=college)
    actor = staff(college, "course:update")
    # when it is published, retitled and moved, with its credits given unchanged
    async with courses_db.transaction() as session:
        updated = await courses.update_course(
            session,
            actor=actor,
            course_id=course.id,
            title="Advanced",
            credits="3.0",
            department_id=other.id,
            status=CourseStatus.PUBLISHED,
        )
    # then the changes are stored and the event names exactly them
    assert (updated.title, updated.department_id) == ("Advanced", other.id)
    async with courses_db.session() as session:
        [event] = await outbox_events(session, "course.updated")
    assert event.data["changed"] == ["title", "department_id", "status"]
    assert event.data["status"] == "published"


async def test_update_course_to_a_taken_code_is_refused(courses_db: Database) -> None:
    # given two courses of one college
    college = new_id()
    async with courses_db.transaction() as session:
        await make_course(session, college_id=college, code="MA1")
        second = await make_course(session, college_id=college, code="MA2")
    # when the second takes the first's code
    with pytest.raises(DomainError) as raised:
        async with courses_db.transaction() as session:
            await courses.update_course(
                session, actor=staff(college), course_id=second.id, code="ma1"
            )
    # then it is refused
    assert raised.value.error_code is CoursesErrorCode.DUPLICATE_COURSE_CODE


async def test_list_courses_filters_by_department_and_status(courses_db: Database) -> None:
    # given courses in two departments of a college, and one of another college
    college = new_id()
    async with courses_db.transaction() as session:
        first = await make_department(session, college_id=college)
        second = await make_department(session, college_id=college)
        await make_course(session, college_id=college, department=first, code="B2")
        await make_course(session, college_id=college, department=first, code="A1")
        await make_course(
            session, college_id=college, department=first, code="C3", status=CourseStatus.DRAFT
        )
        await make_course(session, college_id=college, department=second, code="D4")
        await make_course(session, college_id=new_id(), code="E5")
    maker = staff(college, "course:read", "course:update")
    reader = staff(college, "course:read")
    # when courses are listed, all and filtered, by someone who makes courses and by a reader
    async with courses_db.session() as session:
        everything = await courses.list_courses(session, actor=maker)
        published = await courses.list_courses(
            session, actor=maker, department_id=first.id, status=CourseStatus.PUBLISHED
        )
        read = await courses.list_courses(session, actor=reader)
    # then only the college's appear, by code, and the filters hold
    assert [course.code for course in everything] == ["A1", "B2", "C3", "D4"]
    assert [course.code for course in published] == ["A1", "B2"]
    # and a mere reader's catalogue has no draft
    assert [course.code for course in read] == ["A1", "B2", "D4"]


async def test_another_colleges_course_is_not_found(courses_db: Database) -> None:
    # given a course of another college
    async with courses_db.transaction() as session:
        foreign = await make_course(session, college_id=new_id())
    actor = staff(new_id())
    # when it is read or changed
    # then it does not exist for the actor
    async with courses_db.transaction() as session:
        with pytest.raises(NotFoundError):
            await courses.get_course(session, actor=actor, course_id=foreign.id)
        with pytest.raises(NotFoundError):
            await courses.update_course(session, actor=actor, course_id=foreign.id, title="Mine")


async def test_creating_a_course_needs_the_permission(courses_db: Database) -> None:
    # given a department and a reader without course:create
    college = new_id()
    async with courses_db.transaction() as session:
        department = await make_department(session, college_id=college)
    # when the reader creates a course
    async with courses_db.transaction() as session:
        with pytest.raises(PermissionDenied) as raised:
            await courses.create_course(
                session,
                actor=staff(college, "course:read"),
                department_id=department.id,
                code="C1",
                title="T",
                credits=1,
            )
    # then it is forbidden, naming the permission
    assert raised.value.permission == "course:create"
