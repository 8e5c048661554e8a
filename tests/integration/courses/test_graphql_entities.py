"""Entity resolution (``_entities``) for the gateway: tenancy, permissions and batching.

The statement counter shows that resolving N sections' course, term and
instructors costs the same number of SQL statements for 2 sections as for 8:
every field reads through a per-request DataLoader.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from subgraphs.courses.models import MemberRole, Section, SectionMember, new_id
from tests.factories.courses import make_course, make_term
from tests.fixtures.statements import statements_on
from tests.integration.courses.graphql_app import (
    Campus,
    CoursesApp,
    campus,
    courses_app,
    gid,
)

__all__ = ["campus", "courses_app"]

SECTIONS = """
query($reps: [_Any!]!) {
  _entities(representations: $reps) {
    ... on Section {
      id code seatsTaken
      course { code department { code } }
      term { name }
      instructors { id }
      teachingAssistants { id }
    }
  }
}
"""
COURSES = """
query($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on Course { id code sections { code } } }
}
"""
USERS = """
query($reps: [_Any!]!) {
  _entities(representations: $reps) {
    ... on User { id enrollments { section { code course { code } } } teaching { code } }
  }
}
"""


async def _sections(app: CoursesApp, college: str, count: int) -> list[Section]:
    """``count`` sections, each of its own course, with two instructors, a TA and a student."""
    rows: list[Section] = []
    async with app.service.database.transaction() as session:
        term = await make_term(session, college_id=college)
        for i in range(count):
            course = await make_course(session, college_id=college, code=f"C{i:02d}")
            section = Section(
                college_id=college,
                course_id=course.id,
                term_id=term.id,
                code="A",
                capacity=10,
            )
            session.add(section)
            await session.flush()
            for role in (
                MemberRole.INSTRUCTOR,
                MemberRole.INSTRUCTOR,
                MemberRole.TEACHING_ASSISTANT,
                MemberRole.STUDENT,
            ):
                session.add(SectionMember(section_id=section.id, user_id=new_id(), role=role))
            rows.append(section)
    return rows


def _reps(type_name: str, ids: list[str]) -> dict[str, Any]:
    return {"reps": [{"__typename": type_name, "id": gid(type_name, i)} for i in ids]}


async def test_resolving_sections_costs_the_same_statements_for_2_and_8(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given 8 sections, each with its course, term, staff and a student
    sections = await _sections(courses_app, campus.college_a, 8)
    database = courses_app.service.database
    reader = campus.student_a
    # when the gateway resolves 2 of them, then all 8, counting statements
    with statements_on(database) as two:
        small = await courses_app.data(
            SECTIONS, _reps("Section", [s.id for s in sections[:2]]), as_=reader
        )
    with statements_on(database) as eight:
        large = await courses_app.data(
            SECTIONS, _reps("Section", [s.id for s in sections]), as_=reader
        )
    # then every section comes back whole
    assert [e["course"]["code"] for e in large["_entities"]] == [f"C{i:02d}" for i in range(8)]
    assert all(len(e["instructors"]) == 2 for e in large["_entities"])
    assert all(len(e["teachingAssistants"]) == 1 for e in large["_entities"])
    assert all(e["seatsTaken"] == 1 for e in large["_entities"])
    assert len(small["_entities"]) == 2
    # and the number of statements does not grow with the number of sections
    assert len(two) == len(eight)
    assert len(eight) <= 6, eight  # sections, courses, departments, terms, members, seats


async def test_another_colleges_entities_resolve_to_null(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given a section of college A
    [section] = await _sections(courses_app, campus.college_a, 1)
    # when college B's admin resolves it and its course, and A's student the course
    sections = await courses_app.data(SECTIONS, _reps("Section", [section.id]), as_=campus.admin_b)
    courses = await courses_app.data(
        COURSES, _reps("Course", [section.course_id]), as_=campus.admin_b
    )
    own = await courses_app.data(
        COURSES, _reps("Course", [section.course_id]), as_=campus.student_a
    )
    # then B gets nulls, as for ids that do not exist; A's student gets the course
    assert sections["_entities"] == [None]
    assert courses["_entities"] == [None]
    assert own["_entities"] == [
        {"id": gid("Course", section.course_id), "code": "C00", "sections": [{"code": "A"}]}
    ]


async def test_users_memberships_are_batched_too(courses_app: CoursesApp, campus: Campus) -> None:
    # given 8 sections, each with one student
    sections = await _sections(courses_app, campus.college_a, 8)
    async with courses_app.service.database.session() as session:
        students = list(
            await session.scalars(
                select(SectionMember.user_id).where(SectionMember.role == MemberRole.STUDENT)
            )
        )
    database = courses_app.service.database
    # when a teacher (enrollment:read) resolves 2 students, then 8, with their enrolments
    with statements_on(database) as two:
        await courses_app.data(USERS, _reps("User", students[:2]), as_=campus.teacher_a)
    with statements_on(database) as eight:
        body = await courses_app.data(USERS, _reps("User", students), as_=campus.teacher_a)
    # then each student has their one enrolment, for the same number of statements
    codes = sorted(e["enrollments"][0]["section"]["course"]["code"] for e in body["_entities"])
    assert codes == [f"C{i:02d}" for i in range(len(sections))]
    assert len(two) == len(eight)


async def test_an_enrollment_resolves_for_its_student_and_enrollment_readers(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given student A's seat in a section
    [section] = await _sections(courses_app, campus.college_a, 1)
    async with courses_app.service.database.transaction() as session:
        seat = SectionMember(
            section_id=section.id, user_id=str(campus.student_a.user_id), role=MemberRole.STUDENT
        )
        session.add(seat)
    query = """
    query($reps: [_Any!]!) {
      _entities(representations: $reps) {
        ... on Enrollment { role user { id } section { code course { code } } }
      }
    }
    """
    reps = _reps("Enrollment", [seat.id])
    # when the student, a teacher, a classmate and another college resolve it
    own = await courses_app.data(query, reps, as_=campus.student_a)
    teacher = await courses_app.data(query, reps, as_=campus.teacher_a)
    classmate = await courses_app.data(query, reps, as_=campus.student_a2)
    other = await courses_app.data(query, reps, as_=campus.admin_b)
    # then the student and the teacher (enrollment:read) see it, the others get null
    expected = {
        "role": "STUDENT",
        "user": {"id": gid("User", str(campus.student_a.user_id))},
        "section": {"code": "A", "course": {"code": "C00"}},
    }
    assert own["_entities"] == [expected]
    assert teacher["_entities"] == [expected]
    assert classmate["_entities"] == [None]
    assert other["_entities"] == [None]
