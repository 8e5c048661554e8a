"""Departments: created, renamed and listed within one college; codes unique per college."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shared.db import Database
from shared.errors import DomainError, NotFoundError, PermissionDenied
from subgraphs.courses import departments
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.models import Department, new_id
from tests.factories.courses import make_department, outbox_events, staff


async def test_create_department_upper_cases_the_code_and_announces_it(
    courses_db: Database,
) -> None:
    # given a college's staff member allowed to manage departments
    college = new_id()
    actor = staff(college, "department:manage")
    # when a department is created with a lower-case code
    async with courses_db.transaction() as session:
        department = await departments.create_department(
            session, actor=actor, code=" cse ", name="  Computer   Science "
        )
    # then it is stored in the actor's college, normalised, and announced
    async with courses_db.session() as session:
        stored = await session.get(Department, department.id)
        assert stored is not None
        assert (stored.college_id, stored.code, stored.name) == (college, "CSE", "Computer Science")
        [event] = await outbox_events(session)
    assert event.type == "course.department_created"
    assert (event.tenant, event.subject) == (college, department.id)
    assert event.data == {"code": "CSE", "name": "Computer Science", "actor_id": actor.user_id}


async def test_duplicate_department_code_is_refused_and_nothing_is_written(
    courses_db: Database,
) -> None:
    # given a college that already has a department CSE
    college = new_id()
    async with courses_db.transaction() as session:
        await make_department(session, college_id=college, code="CSE")
    # when another department with the same code (any case) is created
    with pytest.raises(DomainError) as raised:
        async with courses_db.transaction() as session:
            await departments.create_department(
                session, actor=staff(college), code="cse", name="Other"
            )
    # then the code is refused, and there is still one department and no event
    assert raised.value.error_code is CoursesErrorCode.DUPLICATE_DEPARTMENT_CODE
    assert raised.value.field == "code"
    async with courses_db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Department)) == 1
        assert await outbox_events(session) == []


async def test_the_same_code_is_free_in_another_college(courses_db: Database) -> None:
    # given college A with a department CSE
    async with courses_db.transaction() as session:
        await make_department(session, college_id=new_id(), code="CSE")
    # when college B creates its own CSE
    other = new_id()
    async with courses_db.transaction() as session:
        created = await departments.create_department(
            session, actor=staff(other), code="CSE", name="Computing"
        )
    # then it exists in college B
    assert created.college_id == other


async def test_update_department_renames_and_lists_the_changed_fields(
    courses_db: Database,
) -> None:
    # given a department
    college = new_id()
    async with courses_db.transaction() as session:
        department = await make_department(session, college_id=college, code="ME", name="Mech")
    # when its name changes and its code is given unchanged
    actor = staff(college, "department:manage")
    async with courses_db.transaction() as session:
        updated = await departments.update_department(
            session, actor=actor, department_id=department.id, code="me", name="Mechanical"
        )
    # then only the name changed, and the event says so
    assert (updated.code, updated.name) == ("ME", "Mechanical")
    async with courses_db.session() as session:
        [event] = await outbox_events(session, "course.department_updated")
    assert event.data["changed"] == ["name"]


async def test_update_to_a_taken_code_is_refused(courses_db: Database) -> None:
    # given two departments of one college
    college = new_id()
    async with courses_db.transaction() as session:
        await make_department(session, college_id=college, code="EE")
        second = await make_department(session, college_id=college, code="EC")
    # when the second takes the first one's code
    with pytest.raises(DomainError) as raised:
        async with courses_db.transaction() as session:
            await departments.update_department(
                session, actor=staff(college), department_id=second.id, code="ee"
            )
    # then it is refused and the code is unchanged
    assert raised.value.error_code is CoursesErrorCode.DUPLICATE_DEPARTMENT_CODE
    async with courses_db.session() as session:
        stored = await session.get(Department, second.id)
        assert stored is not None
        assert stored.code == "EC"


async def test_list_departments_shows_only_the_actors_college_by_code(
    courses_db: Database,
) -> None:
    # given departments in two colleges
    college = new_id()
    async with courses_db.transaction() as session:
        await make_department(session, college_id=college, code="PHY")
        await make_department(session, college_id=college, code="CHE")
        await make_department(session, college_id=new_id(), code="BIO")
    # when a reader of the first college lists departments
    async with courses_db.session() as session:
        found = await departments.list_departments(session, actor=staff(college, "course:read"))
    # then only its own appear, ordered by code
    assert [department.code for department in found] == ["CHE", "PHY"]


async def test_another_colleges_department_is_not_found(courses_db: Database) -> None:
    # given a department of another college
    async with courses_db.transaction() as session:
        foreign = await make_department(session, college_id=new_id(), code="LAW")
    actor = staff(new_id())
    # when an admin of this college reads or changes it
    # then it does not exist for them
    async with courses_db.transaction() as session:
        with pytest.raises(NotFoundError):
            await departments.get_department(session, actor=actor, department_id=foreign.id)
        with pytest.raises(NotFoundError):
            await departments.update_department(
                session, actor=actor, department_id=foreign.id, name="Taken over"
            )


async def test_creating_without_the_permission_or_in_another_college_is_forbidden(
    courses_db: Database,
) -> None:
    # given a reader without department:manage, and an admin of one college
    college = new_id()
    reader = staff(college, "course:read")
    # when either tries to create a department (the admin naming another college)
    async with courses_db.transaction() as session:
        with pytest.raises(PermissionDenied) as missing:
            await departments.create_department(session, actor=reader, code="X", name="X")
        with pytest.raises(PermissionDenied):
            await departments.create_department(
                session, actor=staff(college), code="X", name="X", college_id=new_id()
            )
    # then both are refused, naming the missing permission for the reader
    assert missing.value.permission == "department:manage"
    async with courses_db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Department)) == 0
