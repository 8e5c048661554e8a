"""Enrolment over HTTP: seats, the waitlist, SECTION_FULL, drops, and a person's memberships."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from subgraphs.courses.models import SectionMember, WaitlistEntry, new_id
from tests.factories.courses import make_section, make_term, outbox_events
from tests.integration.courses.graphql_app import (
    Campus,
    CoursesApp,
    campus,
    courses_app,
    error_codes,
    gid,
)

__all__ = ["campus", "courses_app"]

ENROL = """
mutation($input: EnrollmentCreateInput!) {
  enrollmentCreate(input: $input) {
    result {
      placement waitlistPosition
      enrollment { id role user { id } section { code } }
      section { seatsTaken seatsLeft }
    }
    errors { field code }
  }
}
"""
DROP = """
mutation($input: EnrollmentDropInput!) {
  enrollmentDrop(input: $input) {
    result { left promoted { id } section { seatsTaken } }
    errors { field code }
  }
}
"""
MEMBERSHIPS = """
query($reps: [_Any!]!, $termId: ID) {
  _entities(representations: $reps) {
    ... on User {
      enrollments(termId: $termId) { role section { code } }
      teaching { code }
    }
  }
}
"""


async def _enrol(
    app: CoursesApp, campus: Campus, section_id: str, user_id: str, **extra: Any
) -> dict[str, Any]:
    body = await app.data(
        ENROL,
        {
            "input": {"sectionId": gid("Section", section_id), "userId": gid("User", user_id)}
            | extra
        },
        as_=campus.admin_a,
    )
    payload: dict[str, Any] = body["enrollmentCreate"]
    return payload


async def _counts(app: CoursesApp) -> tuple[int, int]:
    async with app.service.database.session() as session:
        seated = await session.scalar(select(func.count()).select_from(SectionMember))
        waiting = await session.scalar(select(func.count()).select_from(WaitlistEntry))
    return int(seated or 0), int(waiting or 0)


async def test_seat_then_waitlist_then_section_full(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given a section of one seat
    async with courses_app.service.database.transaction() as session:
        section = await make_section(session, college_id=campus.college_a, capacity=1, code="A")
    first, second, third = new_id(), new_id(), new_id()
    # when three students are enrolled, the third refusing the waitlist
    seated = await _enrol(courses_app, campus, section.id, first)
    waiting = await _enrol(courses_app, campus, section.id, second)
    full = await _enrol(courses_app, campus, section.id, third, allowWaitlist=False)
    # then the first has the seat, the second waits first in line
    assert seated["result"]["placement"] == "ENROLLED"
    assert seated["result"]["enrollment"]["role"] == "STUDENT"
    assert seated["result"]["enrollment"]["user"] == {"id": gid("User", first)}
    assert seated["result"]["section"] == {"seatsTaken": 1, "seatsLeft": 0}
    assert waiting["result"] | {"section": None} == {
        "placement": "WAITLISTED",
        "waitlistPosition": 1,
        "enrollment": None,
        "section": None,
    }
    # and the third is refused with SECTION_FULL, writing nothing
    assert full == {"result": None, "errors": [{"field": "sectionId", "code": "SECTION_FULL"}]}
    assert await _counts(courses_app) == (1, 1)
    # and enrolling the first again is ALREADY_ENROLLED
    again = await _enrol(courses_app, campus, section.id, first)
    assert again["errors"] == [{"field": "userId", "code": "ALREADY_ENROLLED"}]


async def test_a_drop_promotes_the_first_in_line(courses_app: CoursesApp, campus: Campus) -> None:
    # given a full section with one student waiting
    async with courses_app.service.database.transaction() as session:
        section = await make_section(session, college_id=campus.college_a, capacity=1)
    seated, waiting = new_id(), new_id()
    await _enrol(courses_app, campus, section.id, seated)
    await _enrol(courses_app, campus, section.id, waiting)
    # when the seated student is dropped
    body = await courses_app.data(
        DROP,
        {"input": {"sectionId": gid("Section", section.id), "userId": gid("User", seated)}},
        as_=campus.admin_a,
    )
    # then the waiting student takes the seat
    assert body["enrollmentDrop"]["result"] == {
        "left": "ENROLLED",
        "promoted": [{"id": gid("User", waiting)}],
        "section": {"seatsTaken": 1},
    }
    async with courses_app.service.database.session() as session:
        types = [e.type for e in await outbox_events(session)]
    assert types[-2:] == ["enrollment.dropped", "enrollment.promoted"]
    # and dropping them again is NOT_ENROLLED
    again = await courses_app.data(
        DROP,
        {"input": {"sectionId": gid("Section", section.id), "userId": gid("User", seated)}},
        as_=campus.admin_a,
    )
    assert again["enrollmentDrop"]["errors"] == [{"field": "userId", "code": "NOT_ENROLLED"}]


async def test_enrolment_is_managed_only_in_ones_own_college(
    courses_app: CoursesApp, campus: Campus
) -> None:
    async with courses_app.service.database.transaction() as session:
        section = await make_section(session, college_id=campus.college_a)
    variables = {
        "input": {"sectionId": gid("Section", section.id), "userId": gid("User", new_id())}
    }
    # when a teacher (no enrollment:manage) and college B's admin enrol someone
    teacher = await courses_app.post(ENROL, variables, as_=campus.teacher_a)
    other = await courses_app.post(ENROL, variables, as_=campus.admin_b)
    unknown = await courses_app.post(
        ENROL,
        {"input": {"sectionId": gid("Section", new_id()), "userId": gid("User", new_id())}},
        as_=campus.admin_a,
    )
    # then FORBIDDEN, and NOT_FOUND as for a section that does not exist; nothing written
    assert error_codes(teacher) == ["FORBIDDEN"]
    assert error_codes(other) == ["NOT_FOUND"]
    assert error_codes(unknown) == ["NOT_FOUND"]
    assert await _counts(courses_app) == (0, 0)


async def test_a_person_sees_their_enrolments_and_teaching_others_do_not(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given a student in two sections of two terms, and a teacher of one of them
    async with courses_app.service.database.transaction() as session:
        fall = await make_section(session, college_id=campus.college_a, code="F1")
        spring = await make_section(session, college_id=campus.college_a, code="S1")
        spring_term = await make_term(session, college_id=campus.college_a, name="x")
        spring.term_id = spring_term.id
    student = str(campus.student_a.user_id)
    for section in (fall, spring):
        await _enrol(courses_app, campus, section.id, student)
    await courses_app.data(
        """mutation($input: SectionStaffAssignInput!) {
             sectionStaffAssign(input: $input) { errors { code } } }""",
        {
            "input": {"sectionId": gid("Section", fall.id), "role": "INSTRUCTOR"}
            | {"userId": gid("User", str(campus.teacher_a.user_id))}
        },
        as_=campus.admin_a,
    )
    reps = [
        {"__typename": "User", "id": gid("User", student)},
        {"__typename": "User", "id": gid("User", str(campus.teacher_a.user_id))},
    ]

    async def memberships(viewer: Any, term: str | None = None) -> list[dict[str, Any]]:
        body = await courses_app.data(MEMBERSHIPS, {"reps": reps, "termId": term}, as_=viewer)
        entities: list[dict[str, Any]] = body["_entities"]
        return entities

    # when the student, a classmate, the teacher and another college look
    own = await memberships(campus.student_a)
    classmate = await memberships(campus.student_a2)
    teacher = await memberships(campus.teacher_a)
    other = await memberships(campus.admin_b)
    in_spring = await memberships(campus.student_a, gid("Term", spring_term.id))
    # then the student sees their own seats, the teacher (enrollment:read) sees both people
    assert sorted(e["section"]["code"] for e in own[0]["enrollments"]) == ["F1", "S1"]
    assert {e["role"] for e in own[0]["enrollments"]} == {"STUDENT"}
    assert own[1] == {"enrollments": [], "teaching": []}
    assert classmate == [
        {"enrollments": [], "teaching": []},
        {"enrollments": [], "teaching": []},
    ]
    assert len(teacher[0]["enrollments"]) == 2
    assert teacher[1]["teaching"] == [{"code": "F1"}]
    # and another college sees nothing, and the term filter narrows
    assert other == classmate
    assert [e["section"]["code"] for e in in_spring[0]["enrollments"]] == ["S1"]
