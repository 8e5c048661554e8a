"""A student's week, through the gateway of ``lms dev``: three subgraphs, one request, no N+1.

A college admin sets up a term of eight courses, each with one section, an
instructor and two weekly meetings, and enrols a student. The student's
timetable query asks for their own account (identity), each class with its
section and course (courses) and the instructors' display names (users):
the gateway plans it across the three subgraphs. The number of SQL
statements each subgraph runs for it is the same for a student of two
sections as for one of eight: every list is loaded in batches.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from tests.e2e.journey import College, accept_invitation, graphql, mutate, new_college
from tests.fixtures.platform import RunningApp
from tests.fixtures.statements import statements_of

SECTIONS = 8
TERM = {"name": "Spring 2027", "startsOn": "2027-01-04", "endsOn": "2027-05-28"}
WEEK = {"from": "2027-01-11", "to": "2027-01-17"}
"""A whole teaching week (Monday to Sunday) inside the term."""
DAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"]

TIMETABLE = """
query Week($from: Date!, $to: Date!) {
  me {
    email
    displayName
    timetable(from: $from, to: $to) {
      date startsAt endsAt room status
      section {
        code
        course { code title }
        instructors { id profile { displayName } }
      }
    }
  }
}
"""

INVITE = """mutation ($input: UserInviteInput!) {
  userInvite(input: $input) { user { id } errors { field code message } }
}"""


async def _invite(app: RunningApp, college: College, name: str, kind: str, role: str) -> str:
    """Invite a person, who accepts; their access token."""
    email = f"{name.lower().replace(' ', '.')}@{college.domain}"
    await mutate(
        app,
        "userInvite",
        INVITE,
        {"input": {"email": email, "displayName": name, "kind": kind, "roleKeys": [role]}},
        college.admin_token,
    )
    session = await accept_invitation(app, email)
    token: str = session["accessToken"]
    return token


async def _user_id(app: RunningApp, token: str) -> str:
    body = await graphql(app, "{ me { id } }", token=token)
    user_id: str = body["data"]["me"]["id"]
    return user_id


async def _create(app: RunningApp, college: College, field: str, result: str, **input: Any) -> str:
    """Run mutation ``field`` as the admin; the id of the ``result`` it made."""
    mutation = (
        f"mutation ($input: {field[0].upper()}{field[1:]}Input!) {{ {field}(input: $input) "
        f"{{ {result} {{ id }} errors {{ field code message }} }} }}"
    )
    payload = await mutate(app, field, mutation, {"input": input}, college.admin_token)
    made: str = payload[result]["id"]
    return made


async def _profiles_ready(app: RunningApp, college: College, count: int) -> None:
    """Wait (bounded) until the users subgraph follows identity's events for ``count`` people."""
    async with asyncio.timeout(60):
        while True:
            body = await graphql(
                app, "{ people(first: 50) { totalCount } }", token=college.admin_token
            )
            assert "errors" not in body, body["errors"]
            if body["data"]["people"]["totalCount"] >= count:
                return
            await asyncio.sleep(0.1)


async def _week(app: RunningApp, token: str) -> tuple[dict[str, Any], dict[str, int]]:
    """The student's week through the gateway, and the SQL statements each subgraph ran."""
    databases = {
        name: app.platform.services[name].database for name in ("identity", "courses", "users")
    }
    with statements_of(databases) as statements:
        body = await graphql(app, TIMETABLE, WEEK, token)
    assert "errors" not in body, body["errors"]
    return body["data"]["me"], {name: len(run) for name, run in statements.items()}


async def test_a_students_week_spans_three_subgraphs_in_one_request(
    running_app: RunningApp,
) -> None:
    app = running_app
    # given a college with two teachers and a student, each of whom accepted the invitation
    college = await new_college(app)
    teachers = [await _invite(app, college, f"Teacher {n}", "STAFF", "teacher") for n in (1, 2)]
    teacher_ids = [await _user_id(app, token) for token in teachers]
    student = await _invite(app, college, "Sam Student", "STUDENT", "student")
    student_id = await _user_id(app, student)
    await _profiles_ready(app, college, 4)

    # and a term of eight published courses, each with one section taught by one teacher,
    # meeting twice a week
    department = await _create(
        app, college, "departmentCreate", "department", code="CSE", name="Computing"
    )
    term = await _create(app, college, "termCreate", "term", **TERM)
    sections: list[str] = []
    for n in range(SECTIONS):
        course = await _create(
            app,
            college,
            "courseCreate",
            "course",
            departmentId=department,
            code=f"CS{101 + n}",
            title=f"Course {n}",
            credits="3",
            status="PUBLISHED",
        )
        section = await _create(
            app,
            college,
            "sectionCreate",
            "section",
            courseId=course,
            termId=term,
            code="A",
            capacity=30,
        )
        await _create(
            app,
            college,
            "sectionStaffAssign",
            "section",
            sectionId=section,
            userId=teacher_ids[n % 2],
            role="INSTRUCTOR",
        )
        for day in (DAYS[n % 5], DAYS[(n + 2) % 5]):
            await _create(
                app,
                college,
                "meetingCreate",
                "meeting",
                sectionId=section,
                weekday=day,
                startsAt=f"{8 + n:02d}:00:00",
                endsAt=f"{8 + n:02d}:50:00",
                room=f"R{n}",
            )
        sections.append(section)

    # when the student, enrolled in two sections, asks for the week
    async def enrol(section: str) -> None:
        payload = await mutate(
            app,
            "enrollmentCreate",
            """mutation ($input: EnrollmentCreateInput!) {
              enrollmentCreate(input: $input) { result { placement } errors { field code message } }
            }""",
            {"input": {"sectionId": section, "userId": student_id}},
            college.admin_token,
        )
        assert payload["result"]["placement"] == "ENROLLED"

    for section in sections[:2]:
        await enrol(section)
    two, two_cost = await _week(app, student)

    # then the answer holds the student's own account, four classes, their courses and the
    # instructors' display names
    assert two["email"] == f"sam.student@{college.domain}"
    assert len(two["timetable"]) == 4
    assert {e["section"]["course"]["code"] for e in two["timetable"]} == {"CS101", "CS102"}
    names = {
        i["profile"]["displayName"] for e in two["timetable"] for i in e["section"]["instructors"]
    }
    assert names == {"Teacher 1", "Teacher 2"}

    # when the student is enrolled in all eight and asks again
    for section in sections[2:]:
        await enrol(section)
    eight, eight_cost = await _week(app, student)

    # then the week has sixteen classes in time order, each on its section's weekday
    entries = eight["timetable"]
    assert len(entries) == 2 * SECTIONS
    assert [e["startsAt"] for e in entries] == sorted(e["startsAt"] for e in entries)
    for entry in entries:
        n = int(entry["section"]["course"]["code"][2:]) - 101
        assert entry["room"] == f"R{n}"
        assert entry["status"] == "SCHEDULED"
        weekday = DAYS[date.fromisoformat(entry["date"]).weekday()]
        assert weekday in (DAYS[n % 5], DAYS[(n + 2) % 5])
        (instructor,) = entry["section"]["instructors"]
        assert instructor["id"] == teacher_ids[n % 2]
        assert instructor["profile"]["displayName"] == f"Teacher {n % 2 + 1}"
    # and no subgraph ran more SQL statements for eight sections than for two
    assert eight_cost == two_cost, (two_cost, eight_cost)
    assert all(count > 0 for count in eight_cost.values()), eight_cost
