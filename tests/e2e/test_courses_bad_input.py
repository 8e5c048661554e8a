"""Bad input to the courses subgraph, through the gateway: a coded error, and nothing changed.

A duplicate course code, enrolling beyond a full section's capacity and a
meeting that ends before it starts each get an error a person can act on in
the mutation's payload (``errors { field code message }``); an unknown
section is a NOT_FOUND error, exactly like another college's. A second look
shows nothing was written.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any

from tests.e2e.journey import graphql
from tests.e2e.week import Term, set_up_term
from tests.fixtures.platform import RunningApp

SECTION = """query ($id: ID!) {
  section(id: $id) { seatsTaken seatsLeft waitlist { position } meetings { id } }
}"""


async def _errors(
    app: RunningApp, term: Term, mutation: str, input: dict[str, Any]
) -> list[tuple[str | None, str]]:
    """The payload errors of ``mutation`` run by the college admin, as (field, code)."""
    field = mutation.split("{", 1)[1].split("(", 1)[0].strip()
    body = await graphql(app, mutation, {"input": input}, term.college.admin_token)
    assert "errors" not in body, body["errors"]
    payload = body["data"][field]
    assert all(error["message"] for error in payload["errors"])
    return [(error["field"], error["code"]) for error in payload["errors"]]


async def _section(app: RunningApp, term: Term, section: str) -> dict[str, Any]:
    body = await graphql(app, SECTION, {"id": section}, term.college.admin_token)
    assert "errors" not in body, body["errors"]
    found: dict[str, Any] = body["data"]["section"]
    return found


async def test_bad_input_gets_coded_errors_and_changes_nothing(running_app: RunningApp) -> None:
    app = running_app
    # given a college with one course (CS101) whose section A meets once a week
    term = await set_up_term(app, sections=1)
    (section,) = term.sections
    before = await _section(app, term, section)
    courses = "{ courses(first: 10) { totalCount nodes { code title } } }"
    catalogue = (await graphql(app, courses, token=term.college.admin_token))["data"]

    # when a second course is created with the same code, in other case
    department = (await graphql(app, "{ departments { id } }", token=term.college.admin_token))[
        "data"
    ]["departments"][0]["id"]
    duplicate = await _errors(
        app,
        term,
        """mutation ($input: CourseCreateInput!) {
          courseCreate(input: $input) { course { id } errors { field code message } }
        }""",
        {"departmentId": department, "code": "cs101", "title": "Again", "credits": "3"},
    )
    # then it is refused on `code`, and the catalogue is as it was
    assert duplicate == [("code", "DUPLICATE_COURSE_CODE")]
    assert (await graphql(app, courses, token=term.college.admin_token))["data"] == catalogue

    # when the student is enrolled in a full section, without the waitlist
    await _errors(
        app,
        term,
        """mutation ($input: SectionUpdateInput!) {
          sectionUpdate(input: $input) { section { id } errors { field code message } }
        }""",
        {"id": section, "capacity": 0},
    )
    enrol = """mutation ($input: EnrollmentCreateInput!) {
      enrollmentCreate(input: $input) { result { placement } errors { field code message } }
    }"""
    full = await _errors(
        app, term, enrol, {"sectionId": section, "userId": term.student_id, "allowWaitlist": False}
    )
    # then SECTION_FULL, with no seat taken and nobody waiting
    assert [code for _, code in full] == ["SECTION_FULL"]
    after = await _section(app, term, section)
    assert (after["seatsTaken"], after["waitlist"]) == (0, [])

    # when a section that does not exist is named (the object acted on)
    unknown_id = base64.urlsafe_b64encode(f"Section:{uuid.uuid4()}".encode()).decode()
    unknown = await graphql(
        app,
        enrol,
        {"input": {"sectionId": unknown_id, "userId": term.student_id}},
        term.college.admin_token,
    )
    # then it is NOT_FOUND, as another college's section would be
    assert unknown["data"] is None
    assert [e["extensions"]["code"] for e in unknown["errors"]] == ["NOT_FOUND"]

    # when a meeting is added that ends before it starts
    backwards = await _errors(
        app,
        term,
        """mutation ($input: MeetingCreateInput!) {
          meetingCreate(input: $input) { meeting { id } errors { field code message } }
        }""",
        {"sectionId": section, "weekday": "MONDAY", "startsAt": "10:00:00", "endsAt": "09:00:00"},
    )
    # then INVALID_TIME_RANGE, and the section's meetings are the ones it had
    assert [code for _, code in backwards] == ["INVALID_TIME_RANGE"]
    assert (await _section(app, term, section))["meetings"] == before["meetings"]
