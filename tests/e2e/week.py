"""A college's term set up through the gateway, for a student's week: the timetable scenario.

A college admin invites two teachers and a student (each accepts), and makes
a term of published courses, each with one section taught by one teacher
and meeting twice a week. :func:`enrol` then places the student. Used by
the end-to-end test and by the timetable load scenario.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from tests.e2e.journey import College, Reachable, accept_invitation, graphql, mutate, new_college

__all__ = ["DAYS", "TIMETABLE", "WEEK", "Term", "enrol", "meeting_days", "set_up_term"]

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
"""The student's own account (identity), each class with its section and course
(courses), and the instructors' display names (users)."""

INVITE = """mutation ($input: UserInviteInput!) {
  userInvite(input: $input) { user { id } errors { field code message } }
}"""

ENROL = """mutation ($input: EnrollmentCreateInput!) {
  enrollmentCreate(input: $input) { result { placement } errors { field code message } }
}"""


@dataclass
class Term:
    """What :func:`set_up_term` made."""

    college: College
    teacher_ids: list[str]
    student_id: str
    student_token: str
    student_email: str
    sections: list[str] = field(default_factory=list)
    """Section ids; section ``n`` is of course ``CS{101 + n}``, taught by teacher ``n % 2``."""


def meeting_days(n: int) -> tuple[str, str]:
    """The two weekdays section ``n`` meets on."""
    return DAYS[n % 5], DAYS[(n + 2) % 5]


async def _invite(app: Reachable, college: College, name: str, kind: str, role: str) -> str:
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


async def _user_id(app: Reachable, token: str) -> str:
    body = await graphql(app, "{ me { id } }", token=token)
    user_id: str = body["data"]["me"]["id"]
    return user_id


async def _create(app: Reachable, college: College, field: str, result: str, **input: Any) -> str:
    """Run mutation ``field`` as the admin; the id of the ``result`` it made."""
    mutation = (
        f"mutation ($input: {field[0].upper()}{field[1:]}Input!) {{ {field}(input: $input) "
        f"{{ {result} {{ id }} errors {{ field code message }} }} }}"
    )
    payload = await mutate(app, field, mutation, {"input": input}, college.admin_token)
    made: str = payload[result]["id"]
    return made


async def _profiles_ready(app: Reachable, college: College, count: int) -> None:
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


async def set_up_term(app: Reachable, *, sections: int) -> Term:
    """A new college with two teachers, a student and ``sections`` sections (none enrolled)."""
    college = await new_college(app)
    teachers = [await _invite(app, college, f"Teacher {n}", "STAFF", "teacher") for n in (1, 2)]
    teacher_ids = [await _user_id(app, token) for token in teachers]
    student_token = await _invite(app, college, "Sam Student", "STUDENT", "student")
    term = Term(
        college=college,
        teacher_ids=teacher_ids,
        student_id=await _user_id(app, student_token),
        student_token=student_token,
        student_email=f"sam.student@{college.domain}",
    )
    await _profiles_ready(app, college, 4)
    department = await _create(
        app, college, "departmentCreate", "department", code="CSE", name="Computing"
    )
    term_id = await _create(app, college, "termCreate", "term", **TERM)
    for n in range(sections):
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
            termId=term_id,
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
        for day in meeting_days(n):
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
        term.sections.append(section)
    return term


async def enrol(app: Reachable, term: Term, sections: list[str]) -> None:
    """The admin enrols the student in ``sections``; each gets a seat."""
    for section in sections:
        payload = await mutate(
            app,
            "enrollmentCreate",
            ENROL,
            {"input": {"sectionId": section, "userId": term.student_id}},
            term.college.admin_token,
        )
        assert payload["result"]["placement"] == "ENROLLED"
