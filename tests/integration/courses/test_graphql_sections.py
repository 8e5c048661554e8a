"""Sections over HTTP: creation, capacity and waitlist promotion, status, staff, class lists."""

from __future__ import annotations

from typing import Any

from shared.auth.principal import Principal
from subgraphs.courses import enrollment
from subgraphs.courses.models import Section, new_id
from tests.factories.courses import make_course, make_section, make_term, outbox_events, staff
from tests.integration.courses.graphql_app import (
    Campus,
    CoursesApp,
    campus,
    courses_app,
    error_codes,
    gid,
)

__all__ = ["campus", "courses_app"]

SECTION_CREATE = """
mutation($input: SectionCreateInput!) {
  sectionCreate(input: $input) {
    section { id code capacity status seatsTaken seatsLeft course { code } term { name } }
    errors { field code }
  }
}
"""
SECTION_UPDATE = """
mutation($input: SectionUpdateInput!) {
  sectionUpdate(input: $input) {
    section { capacity status seatsTaken seatsLeft }
    errors { field code message }
  }
}
"""
STAFF_ASSIGN = """
mutation($input: SectionStaffAssignInput!) {
  sectionStaffAssign(input: $input) {
    section { instructors { id } teachingAssistants { id } }
    errors { field code }
  }
}
"""
STAFF_REMOVE = """
mutation($input: SectionStaffRemoveInput!) {
  sectionStaffRemove(input: $input) { section { instructors { id } } errors { field code } }
}
"""
CLASS_LIST = """
query($id: ID!) {
  section(id: $id) {
    code
    students { role user { id } }
    waitlist { position user { id } }
    enrollmentHistory(first: 10) { totalCount nodes { action user { id } } }
  }
}
"""
SECTIONS = """
query($filter: SectionFilter) { sections(filter: $filter) { totalCount nodes { code } } }
"""


async def _section(app: CoursesApp, college: str, capacity: int = 2) -> Section:
    async with app.service.database.transaction() as session:
        return await make_section(session, college_id=college, capacity=capacity, code="A")


async def _enrol(app: CoursesApp, section: Section, count: int) -> list[str]:
    """``count`` new students enrolled in order (seats first, then the waitlist)."""
    actor = staff(section.college_id, "enrollment:manage")
    students = [new_id() for _ in range(count)]
    async with app.service.database.transaction() as session:
        for student in students:
            await enrollment.enrol_student(
                session, actor=actor, section_id=section.id, user_id=student
            )
    return students


def _ids(users: list[dict[str, Any]]) -> list[str]:
    return [user["user"]["id"] if "user" in user else user["id"] for user in users]


async def test_an_admin_creates_a_section_and_filters_sections(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given a course and a term
    async with courses_app.service.database.transaction() as session:
        course = await make_course(session, college_id=campus.college_a, code="CS101")
        term = await make_term(session, college_id=campus.college_a, name="Fall 2026")
        other_term = await make_term(session, college_id=campus.college_a, name="Spring 2027")
    variables = {
        "input": {"courseId": gid("Course", course.id), "termId": gid("Term", term.id)}
        | {"code": "a", "capacity": 30}
    }
    # when an admin creates a section, then the same code again
    created = (await courses_app.data(SECTION_CREATE, variables, as_=campus.admin_a))[
        "sectionCreate"
    ]
    duplicate = (await courses_app.data(SECTION_CREATE, variables, as_=campus.admin_a))[
        "sectionCreate"
    ]
    # then the first is open with every seat free, the second a coded error
    assert created["section"] | {"id": None} == {
        "id": None,
        "code": "A",
        "capacity": 30,
        "status": "OPEN",
        "seatsTaken": 0,
        "seatsLeft": 30,
        "course": {"code": "CS101"},
        "term": {"name": "Fall 2026"},
    }
    assert duplicate["errors"] == [{"field": "code", "code": "DUPLICATE_SECTION_CODE"}]
    # and the event is section.created
    async with courses_app.service.database.session() as session:
        assert [e.type for e in await outbox_events(session)] == ["section.created"]
    # and sections filter by term
    in_term = await courses_app.data(
        SECTIONS, {"filter": {"termId": gid("Term", term.id)}}, as_=campus.student_a
    )
    in_other = await courses_app.data(
        SECTIONS, {"filter": {"termId": gid("Term", other_term.id)}}, as_=campus.student_a
    )
    assert in_term["sections"]["totalCount"] == 1
    assert in_other["sections"]["totalCount"] == 0


async def test_unknown_course_and_other_college_term_are_coded(
    courses_app: CoursesApp, campus: Campus
) -> None:
    async with courses_app.service.database.transaction() as session:
        course = await make_course(session, college_id=campus.college_a)
        term_b = await make_term(session, college_id=campus.college_b)
    body = await courses_app.data(
        SECTION_CREATE,
        {
            "input": {"courseId": gid("Course", course.id), "termId": gid("Term", term_b.id)}
            | {"code": "A", "capacity": 3}
        },
        as_=campus.admin_a,
    )
    assert body["sectionCreate"]["errors"] == [{"field": "termId", "code": "UNKNOWN_TERM"}]
    # and a teacher (no section:manage) may not create sections
    refused = await courses_app.post(
        SECTION_CREATE,
        {
            "input": {"courseId": gid("Course", course.id), "termId": gid("Term", term_b.id)}
            | {"code": "A", "capacity": 3}
        },
        as_=campus.teacher_a,
    )
    assert error_codes(refused) == ["FORBIDDEN"]


async def test_raising_the_capacity_promotes_the_waitlist_in_order(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given a full section of 2 seats with 3 students waiting
    section = await _section(courses_app, campus.college_a, capacity=2)
    students = await _enrol(courses_app, section, 5)
    # when its capacity goes to 4
    body = await courses_app.data(
        SECTION_UPDATE,
        {"input": {"id": gid("Section", section.id), "capacity": 4}},
        as_=campus.admin_a,
    )
    # then the first two in line take the new seats, the third still waits
    assert body["sectionUpdate"]["section"] == {
        "capacity": 4,
        "status": "OPEN",
        "seatsTaken": 4,
        "seatsLeft": 0,
    }
    listed = await courses_app.data(
        CLASS_LIST, {"id": gid("Section", section.id)}, as_=campus.admin_a
    )
    seated = _ids(listed["section"]["students"])
    assert seated == [gid("User", s) for s in students[:4]]
    assert listed["section"]["waitlist"] == [
        {"position": 3, "user": {"id": gid("User", students[4])}}
    ]
    # and the events say so, in order
    async with courses_app.service.database.session() as session:
        tail = [(e.type, e.data.get("user_id")) for e in await outbox_events(session)][-3:]
    assert tail == [
        ("section.updated", None),
        ("enrollment.promoted", students[2]),
        ("enrollment.promoted", students[3]),
    ]


async def test_lowering_the_capacity_below_the_seats_taken_is_refused(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given 3 students seated in 5 seats
    section = await _section(courses_app, campus.college_a, capacity=5)
    await _enrol(courses_app, section, 3)
    # when the capacity is set to 2, then to 3
    refused = await courses_app.data(
        SECTION_UPDATE,
        {"input": {"id": gid("Section", section.id), "capacity": 2}},
        as_=campus.admin_a,
    )
    allowed = await courses_app.data(
        SECTION_UPDATE,
        {"input": {"id": gid("Section", section.id), "capacity": 3}},
        as_=campus.admin_a,
    )
    # then 2 is refused with a code and nothing changed; 3 is fine
    payload = refused["sectionUpdate"]
    assert payload["section"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("capacity", "CAPACITY_BELOW_SEATS_TAKEN")
    ]
    assert allowed["sectionUpdate"]["section"]["capacity"] == 3
    async with courses_app.service.database.session() as session:
        updates = await outbox_events(session, "section.updated")
    assert [e.data["capacity"] for e in updates] == [3]


async def test_close_reopen_and_cancel(courses_app: CoursesApp, campus: Campus) -> None:
    section = await _section(courses_app, campus.college_a, capacity=5)
    section_id = gid("Section", section.id)

    async def status(value: str) -> dict[str, Any]:
        body = await courses_app.data(
            SECTION_UPDATE, {"input": {"id": section_id, "status": value}}, as_=campus.admin_a
        )
        payload: dict[str, Any] = body["sectionUpdate"]
        return payload

    # when it is closed, then a student is enrolled
    assert (await status("CLOSED"))["section"]["status"] == "CLOSED"
    enrol = await courses_app.data(
        """mutation($input: EnrollmentCreateInput!) {
             enrollmentCreate(input: $input) { errors { code } } }""",
        {"input": {"sectionId": section_id, "userId": gid("User", new_id())}},
        as_=campus.admin_a,
    )
    # then the enrolment is refused
    assert enrol["enrollmentCreate"]["errors"] == [{"code": "SECTION_NOT_OPEN"}]
    # and it reopens, is cancelled, and a cancelled section changes no more
    assert (await status("OPEN"))["section"]["status"] == "OPEN"
    assert (await status("CANCELLED"))["section"]["status"] == "CANCELLED"
    final = await status("OPEN")
    assert [e["code"] for e in final["errors"]] == ["INVALID_STATUS_CHANGE"]
    capacity = await courses_app.data(
        SECTION_UPDATE, {"input": {"id": section_id, "capacity": 9}}, as_=campus.admin_a
    )
    assert [e["code"] for e in capacity["sectionUpdate"]["errors"]] == ["SECTION_CANCELLED"]


async def test_staff_are_assigned_changed_and_removed(
    courses_app: CoursesApp, campus: Campus
) -> None:
    section = await _section(courses_app, campus.college_a)
    section_id = gid("Section", section.id)
    teacher = gid("User", str(campus.teacher_a.user_id))
    helper = gid("User", new_id())

    async def assign(user: str, role: str) -> dict[str, Any]:
        body = await courses_app.data(
            STAFF_ASSIGN,
            {"input": {"sectionId": section_id, "userId": user, "role": role}},
            as_=campus.admin_a,
        )
        payload: dict[str, Any] = body["sectionStaffAssign"]
        return payload

    # when a teacher becomes instructor and a helper teaching assistant
    await assign(teacher, "INSTRUCTOR")
    both = await assign(helper, "TEACHING_ASSISTANT")
    # then the section lists them by role
    assert both["section"] == {
        "instructors": [{"id": teacher}],
        "teachingAssistants": [{"id": helper}],
    }
    # and a student role is refused, as is removing someone not on the staff
    student = await assign(helper, "STUDENT")
    assert student["errors"] == [{"field": "role", "code": "INVALID_ROLE"}]
    missing = await courses_app.data(
        STAFF_REMOVE,
        {"input": {"sectionId": section_id, "userId": gid("User", new_id())}},
        as_=campus.admin_a,
    )
    assert missing["sectionStaffRemove"]["errors"] == [{"field": "userId", "code": "NOT_STAFF"}]
    # and removing the teacher leaves no instructor
    removed = await courses_app.data(
        STAFF_REMOVE, {"input": {"sectionId": section_id, "userId": teacher}}, as_=campus.admin_a
    )
    assert removed["sectionStaffRemove"]["section"]["instructors"] == []
    async with courses_app.service.database.session() as session:
        types = [e.type for e in await outbox_events(session)]
    assert types == ["section.staff_assigned", "section.staff_assigned", "section.staff_removed"]


async def test_the_class_list_is_for_its_teaching_staff_and_section_managers(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given a section with 2 seats, 3 students and a teacher who teaches it
    section = await _section(courses_app, campus.college_a, capacity=2)
    students = await _enrol(courses_app, section, 3)
    section_id = gid("Section", section.id)
    await courses_app.data(
        STAFF_ASSIGN,
        {
            "input": {"sectionId": section_id, "userId": gid("User", str(campus.teacher_a.user_id))}
            | {"role": "INSTRUCTOR"}
        },
        as_=campus.admin_a,
    )
    other_teacher = Principal(
        user_id=new_id(),
        college_id=campus.college_a,
        permissions=campus.teacher_a.permissions,
    )

    async def class_list(viewer: Principal) -> dict[str, Any]:
        return await courses_app.post(CLASS_LIST, {"id": section_id}, as_=viewer)

    # when its teacher, the admin, another teacher, a student and another college read it
    teacher = await class_list(campus.teacher_a)
    admin = await class_list(campus.admin_a)
    stranger = await class_list(other_teacher)
    student = await class_list(campus.student_a)
    other_college = await class_list(campus.admin_b)
    # then the teacher and the admin see seats, waitlist and history
    for body in (teacher, admin):
        data = body["data"]["section"]
        assert "errors" not in body
        assert _ids(data["students"]) == [gid("User", s) for s in students[:2]]
        assert data["waitlist"] == [{"position": 1, "user": {"id": gid("User", students[2])}}]
        assert data["enrollmentHistory"]["totalCount"] == 3
        assert data["enrollmentHistory"]["nodes"][0]["action"] in {"ENROLLED", "WAITLISTED"}
    # and a teacher of another section and a student read the section but not the list
    for body in (stranger, student):
        assert body["data"]["section"]["code"] == "A"
        assert body["data"]["section"]["students"] is None
        assert set(error_codes(body)) == {"FORBIDDEN"}
    # and another college does not even find the section
    assert error_codes(other_college) == ["NOT_FOUND"]
