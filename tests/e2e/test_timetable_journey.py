"""A student's week, through the gateway of ``lms dev``: three subgraphs, one request, no N+1.

A college admin sets up a term of eight courses, each with one section, an
instructor and two weekly meetings, and enrols a student
(:mod:`tests.e2e.week`). The student's timetable query asks for their own
account (identity), each class with its section and course (courses) and
the instructors' display names (users): the gateway plans it across the
three subgraphs. The number of SQL statements each subgraph runs for it is
the same for a student of two sections as for one of eight: every list is
loaded in batches.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.e2e.journey import graphql
from tests.e2e.week import DAYS, TIMETABLE, WEEK, enrol, meeting_days, set_up_term
from tests.fixtures.platform import RunningApp
from tests.fixtures.statements import statements_of

SECTIONS = 8


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
    # given a college with two teachers, a student and a term of eight sections, each
    # taught by one of the teachers and meeting twice a week
    term = await set_up_term(app, sections=SECTIONS)

    # when the student, enrolled in two sections, asks for the week
    await enrol(app, term, term.sections[:2])
    two, two_cost = await _week(app, term.student_token)

    # then the answer holds the student's own account, four classes, their courses and the
    # instructors' display names
    assert two["email"] == term.student_email
    assert len(two["timetable"]) == 4
    assert {e["section"]["course"]["code"] for e in two["timetable"]} == {"CS101", "CS102"}
    names = {
        i["profile"]["displayName"] for e in two["timetable"] for i in e["section"]["instructors"]
    }
    assert names == {"Teacher 1", "Teacher 2"}

    # when the student is enrolled in all eight and asks again
    await enrol(app, term, term.sections[2:])
    eight, eight_cost = await _week(app, term.student_token)

    # then the week has sixteen classes in time order, each on its section's weekday
    entries = eight["timetable"]
    assert len(entries) == 2 * SECTIONS
    assert [e["startsAt"] for e in entries] == sorted(e["startsAt"] for e in entries)
    for entry in entries:
        n = int(entry["section"]["course"]["code"][2:]) - 101
        assert entry["room"] == f"R{n}"
        assert entry["status"] == "SCHEDULED"
        assert DAYS[date.fromisoformat(entry["date"]).weekday()] in meeting_days(n)
        (instructor,) = entry["section"]["instructors"]
        assert instructor["id"] == term.teacher_ids[n % 2]
        assert instructor["profile"]["displayName"] == f"Teacher {n % 2 + 1}"
    # and no subgraph ran more SQL statements for eight sections than for two
    assert eight_cost == two_cost, (two_cost, eight_cost)
    assert all(count > 0 for count in eight_cost.values()), eight_cost
