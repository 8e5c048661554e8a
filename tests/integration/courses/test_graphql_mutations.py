"""Catalogue mutations over HTTP: departments, courses, terms, batches and batch students."""

from __future__ import annotations

from sqlalchemy import func, select

from shared.events import Event
from subgraphs.courses.models import BatchMember, Course
from tests.factories.courses import make_department, outbox_events
from tests.factories.identity import super_admin
from tests.integration.courses.graphql_app import (
    Campus,
    CoursesApp,
    campus,
    courses_app,
    error_codes,
    gid,
)

__all__ = ["campus", "courses_app"]

DEPARTMENT_CREATE = """
mutation($input: DepartmentCreateInput!) {
  departmentCreate(input: $input) { department { id code name } errors { field code } }
}
"""
DEPARTMENT_UPDATE = """
mutation($input: DepartmentUpdateInput!) {
  departmentUpdate(input: $input) { department { code name } errors { field code } }
}
"""
COURSE_CREATE = """
mutation($input: CourseCreateInput!) {
  courseCreate(input: $input) {
    course { id code title credits status department { code } }
    errors { field code message }
  }
}
"""
COURSE_UPDATE = """
mutation($input: CourseUpdateInput!) {
  courseUpdate(input: $input) { course { code status title } errors { field code } }
}
"""
TERM_CREATE = """
mutation($input: TermCreateInput!) {
  termCreate(input: $input) { term { id name startsOn endsOn } errors { field code } }
}
"""
BATCH_CREATE = """
mutation($input: BatchCreateInput!) {
  batchCreate(input: $input) { batch { id name intakeYear department { code } } errors { code } }
}
"""
BATCH_ASSIGN = """
mutation($input: BatchStudentsAssignInput!) {
  batchStudentsAssign(input: $input) { changed { id } errors { field code } }
}
"""
USER_BATCH = """
query($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id batch { name } } } }
"""


async def _course_count(app: CoursesApp) -> int:
    async with app.service.database.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Course)) or 0)


async def test_an_admin_builds_the_catalogue(courses_app: CoursesApp, campus: Campus) -> None:
    admin = campus.admin_a
    # when an admin creates a department, a course, a term and a batch
    department = (
        await courses_app.data(
            DEPARTMENT_CREATE, {"input": {"code": "cse", "name": "Computing"}}, as_=admin
        )
    )["departmentCreate"]
    assert department["errors"] == []
    department_id = department["department"]["id"]
    course = (
        await courses_app.data(
            COURSE_CREATE,
            {
                "input": {
                    "departmentId": department_id,
                    "code": "cs101",
                    "title": "Programming",
                    "credits": "4.5",
                    "status": "PUBLISHED",
                }
            },
            as_=admin,
        )
    )["courseCreate"]
    term = (
        await courses_app.data(
            TERM_CREATE,
            {"input": {"name": "Fall 2026", "startsOn": "2026-09-01", "endsOn": "2026-12-20"}},
            as_=admin,
        )
    )["termCreate"]
    batch = (
        await courses_app.data(
            BATCH_CREATE,
            {"input": {"departmentId": department_id, "name": "CSE 2026", "intakeYear": 2026}},
            as_=admin,
        )
    )["batchCreate"]
    # then each exists as given, codes upper-cased
    assert department["department"]["code"] == "CSE"
    assert course["course"] == {
        "id": course["course"]["id"],
        "code": "CS101",
        "title": "Programming",
        "credits": "4.5",
        "status": "PUBLISHED",
        "department": {"code": "CSE"},
    }
    assert term["term"]["startsOn"] == "2026-09-01"
    assert term["errors"] == []
    assert batch["batch"]["department"] == {"code": "CSE"}
    # and the events went to the outbox in the same transactions
    async with courses_app.service.database.session() as session:
        types = [event.type for event in await outbox_events(session)]
    assert types == [
        "course.department_created",
        "course.created",
        "course.term_created",
        "course.batch_created",
    ]


async def test_a_duplicate_course_code_is_refused_and_writes_nothing(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given a course CS101
    async with courses_app.service.database.transaction() as session:
        department = await make_department(session, college_id=campus.college_a)
    variables = {
        "input": {"departmentId": gid("Department", department.id), "code": "CS101"}
        | {"title": "Programming", "credits": "3"}
    }
    await courses_app.data(COURSE_CREATE, variables, as_=campus.admin_a)
    # when another course with the same code (other case) is created
    variables["input"]["code"] = "cs101"
    payload = (await courses_app.data(COURSE_CREATE, variables, as_=campus.admin_a))["courseCreate"]
    # then it is refused with a coded error on `code`, and only one course exists
    assert payload["course"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("code", "DUPLICATE_COURSE_CODE")
    ]
    assert await _course_count(courses_app) == 1


async def test_bad_values_get_coded_errors(courses_app: CoursesApp, campus: Campus) -> None:
    async with courses_app.service.database.transaction() as session:
        department = await make_department(session, college_id=campus.college_a)
    admin = campus.admin_a
    # when a course has too many credits, a term ends before it starts, a batch is too old
    course = await courses_app.data(
        COURSE_CREATE,
        {
            "input": {"departmentId": gid("Department", department.id), "code": "X1"}
            | {"title": "X", "credits": "1000"}
        },
        as_=admin,
    )
    term = await courses_app.data(
        TERM_CREATE,
        {"input": {"name": "Odd", "startsOn": "2026-09-01", "endsOn": "2026-08-01"}},
        as_=admin,
    )
    batch = await courses_app.data(
        BATCH_CREATE,
        {
            "input": {"departmentId": gid("Department", department.id), "name": "Old"}
            | {"intakeYear": 1200}
        },
        as_=admin,
    )
    # then each payload names the field and the code
    assert course["courseCreate"]["errors"][0]["code"] == "INVALID_CREDITS"
    assert term["termCreate"]["errors"] == [{"field": "endsOn", "code": "INVALID_DATE_RANGE"}]
    assert batch["batchCreate"]["errors"] == [{"code": "INVALID_INTAKE_YEAR"}]


async def test_a_student_cannot_manage_and_another_college_cannot_touch(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given a department of college A
    async with courses_app.service.database.transaction() as session:
        department = await make_department(session, college_id=campus.college_a, code="CSE")
    update = {"input": {"id": gid("Department", department.id), "name": "Renamed"}}
    # when a student creates and college B's admin renames it
    student = await courses_app.post(
        DEPARTMENT_CREATE, {"input": {"code": "X", "name": "X"}}, as_=campus.student_a
    )
    other = await courses_app.post(DEPARTMENT_UPDATE, update, as_=campus.admin_b)
    # then the student is FORBIDDEN, the other college gets NOT_FOUND
    assert error_codes(student) == ["FORBIDDEN"]
    assert error_codes(other) == ["NOT_FOUND"]
    # and A's admin still can
    renamed = await courses_app.data(DEPARTMENT_UPDATE, update, as_=campus.admin_a)
    assert renamed["departmentUpdate"]["department"] == {"code": "CSE", "name": "Renamed"}


async def test_course_status_moves_through_its_life(
    courses_app: CoursesApp, campus: Campus
) -> None:
    async with courses_app.service.database.transaction() as session:
        department = await make_department(session, college_id=campus.college_a)
    created = await courses_app.data(
        COURSE_CREATE,
        {
            "input": {"departmentId": gid("Department", department.id), "code": "C1"}
            | {"title": "One", "credits": "2"}
        },
        as_=campus.admin_a,
    )
    course_id = created["courseCreate"]["course"]["id"]
    assert created["courseCreate"]["course"]["status"] == "DRAFT"
    # when a teacher (course:update) publishes it, then archives it
    for status in ("PUBLISHED", "ARCHIVED"):
        changed = await courses_app.data(
            COURSE_UPDATE, {"input": {"id": course_id, "status": status}}, as_=campus.teacher_a
        )
        # then the status follows
        assert changed["courseUpdate"]["course"]["status"] == status
    async with courses_app.service.database.session() as session:
        updates = await outbox_events(session, "course.updated")
    assert [e.data["status"] for e in updates] == ["published", "archived"]


async def test_students_are_put_in_one_batch_and_moved(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given two batches
    admin = campus.admin_a
    async with courses_app.service.database.transaction() as session:
        department = await make_department(session, college_id=campus.college_a)
    batches = []
    for name in ("CSE 2025", "CSE 2026"):
        body = await courses_app.data(
            BATCH_CREATE,
            {
                "input": {"departmentId": gid("Department", department.id), "name": name}
                | {"intakeYear": 2025}
            },
            as_=admin,
        )
        batches.append(body["batchCreate"]["batch"]["id"])
    students = [campus.student_a.user_id, campus.student_a2.user_id]
    user_ids = [gid("User", s) for s in students if s]
    # when both go into the first batch, then one of them moves to the second
    first = await courses_app.data(
        BATCH_ASSIGN, {"input": {"batchId": batches[0], "userIds": user_ids}}, as_=admin
    )
    again = await courses_app.data(
        BATCH_ASSIGN, {"input": {"batchId": batches[0], "userIds": user_ids}}, as_=admin
    )
    moved = await courses_app.data(
        BATCH_ASSIGN, {"input": {"batchId": batches[1], "userIds": user_ids[:1]}}, as_=admin
    )
    # then each student has exactly one batch, and repeating changes nothing
    assert [u["id"] for u in first["batchStudentsAssign"]["changed"]] == user_ids
    assert again["batchStudentsAssign"]["changed"] == []
    assert [u["id"] for u in moved["batchStudentsAssign"]["changed"]] == user_ids[:1]
    async with courses_app.service.database.session() as session:
        members = int(await session.scalar(select(func.count()).select_from(BatchMember)) or 0)
        assigned: list[Event] = await outbox_events(session, "course.batch_assigned")
    assert members == 2
    # and one course.batch_assigned per change, keyed by the student, as the contract says
    assert [(e.subject, e.tenant) for e in assigned] == [
        (students[0], campus.college_a),
        (students[1], campus.college_a),
        (students[0], campus.college_a),
    ]
    assert assigned[-1].data == {
        "user_id": students[0],
        "batch_id": assigned[-1].data["batch_id"],
        "actor_id": admin.user_id,
    }
    # and the student sees their own batch, a classmate does not
    reps = {"reps": [{"__typename": "User", "id": user_ids[0]}]}
    own = await courses_app.data(USER_BATCH, reps, as_=campus.student_a)
    other = await courses_app.data(USER_BATCH, reps, as_=campus.student_a2)
    assert own["_entities"][0]["batch"] == {"name": "CSE 2026"}
    assert other["_entities"][0]["batch"] is None
    # and taking a student out of any batch publishes a null batch
    out = await courses_app.data(
        BATCH_ASSIGN, {"input": {"batchId": None, "userIds": user_ids[1:]}}, as_=admin
    )
    assert len(out["batchStudentsAssign"]["changed"]) == 1
    async with courses_app.service.database.session() as session:
        last = (await outbox_events(session, "course.batch_assigned"))[-1]
    assert (last.subject, last.data["batch_id"]) == (students[1], None)


async def test_an_unknown_batch_or_bad_user_id_changes_nothing(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given college B's batch
    async with courses_app.service.database.transaction() as session:
        department = await make_department(session, college_id=campus.college_b)
    body = await courses_app.data(
        BATCH_CREATE,
        {
            "input": {"departmentId": gid("Department", department.id), "name": "B"}
            | {"intakeYear": 2026}
        },
        as_=campus.admin_b,
    )
    batch_b = body["batchCreate"]["batch"]["id"]
    # when college A's admin assigns to it, or names a user id that is no UUID
    unknown = await courses_app.data(
        BATCH_ASSIGN,
        {"input": {"batchId": batch_b, "userIds": [gid("User", str(campus.student_a.user_id))]}},
        as_=campus.admin_a,
    )
    bad = await courses_app.data(
        BATCH_ASSIGN,
        {"input": {"batchId": None, "userIds": [gid("User", "nope")]}},
        as_=campus.admin_a,
    )
    # then both are coded errors and no membership exists
    assert unknown["batchStudentsAssign"]["errors"] == [
        {"field": "batchId", "code": "UNKNOWN_BATCH"}
    ]
    assert bad["batchStudentsAssign"]["errors"] == [{"field": "userIds", "code": "INVALID_USER_ID"}]
    async with courses_app.service.database.session() as session:
        assert await session.scalar(select(func.count()).select_from(BatchMember)) == 0


async def test_a_super_admin_sets_up_a_colleges_catalogue_by_naming_it(
    courses_app: CoursesApp, campus: Campus
) -> None:
    root = super_admin()
    college = gid("College", campus.college_a)
    # when the platform super-admin (of no college) creates a department, a term, a course
    # and a batch, naming college A
    department = await courses_app.data(
        DEPARTMENT_CREATE,
        {"input": {"code": "eee", "name": "Electrical", "collegeId": college}},
        as_=root,
    )
    made = department["departmentCreate"]
    assert made["errors"] == []
    department_id = made["department"]["id"]
    term = await courses_app.data(
        TERM_CREATE,
        {
            "input": {
                "name": "Fall",
                "startsOn": "2027-08-01",
                "endsOn": "2027-12-15",
                "collegeId": college,
            }
        },
        as_=root,
    )
    assert term["termCreate"]["errors"] == []
    course = await courses_app.data(
        COURSE_CREATE,
        {
            "input": {
                "departmentId": department_id,
                "code": "ee101",
                "title": "Circuits",
                "credits": "4",
                "collegeId": college,
            }
        },
        as_=root,
    )
    assert course["courseCreate"]["errors"] == []
    batch = await courses_app.data(
        BATCH_CREATE,
        {
            "input": {
                "departmentId": department_id,
                "name": "EEE 2027",
                "intakeYear": 2027,
                "collegeId": college,
            }
        },
        as_=root,
    )
    assert batch["batchCreate"]["errors"] == []
    # and a section of that course in that term, and a holiday
    section = await courses_app.data(
        """mutation($input: SectionCreateInput!) {
          sectionCreate(input: $input) { section { code course { code } } errors { code } } }""",
        {
            "input": {
                "courseId": course["courseCreate"]["course"]["id"],
                "termId": term["termCreate"]["term"]["id"],
                "code": "A",
                "capacity": 40,
                "collegeId": college,
            }
        },
        as_=root,
    )
    assert section["sectionCreate"] == {
        "section": {"code": "A", "course": {"code": "EE101"}},
        "errors": [],
    }
    holiday = await courses_app.data(
        """mutation($input: HolidayCreateInput!) {
          holidayCreate(input: $input) { errors { code } } }""",
        {"input": {"name": "Founders' day", "startsOn": "2027-09-01", "collegeId": college}},
        as_=root,
    )
    assert holiday["holidayCreate"]["errors"] == []
    # then they are college A's: its admin sees them, in its catalogue
    listed = await courses_app.data(
        "{ departments { code } courses { nodes { code department { code } } } }",
        as_=campus.admin_a,
    )
    assert {"code": "EEE"} in listed["departments"]
    assert {"code": "EE101", "department": {"code": "EEE"}} in listed["courses"]["nodes"]
    async with courses_app.service.database.session() as session:
        stored = await session.scalar(select(Course).where(Course.code == "EE101"))
    assert stored is not None
    assert stored.college_id == campus.college_a
    # and a course in another college's department is refused, as an unknown department
    other = await courses_app.data(
        COURSE_CREATE,
        {
            "input": {
                "departmentId": department_id,
                "code": "EE102",
                "title": "Signals",
                "credits": "4",
                "collegeId": gid("College", campus.college_b),
            }
        },
        as_=root,
    )
    assert [e["code"] for e in other["courseCreate"]["errors"]] == ["UNKNOWN_DEPARTMENT"]


async def test_naming_a_college_is_for_super_admins_and_needed_by_them(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # when college A's admin names college B, or the super-admin names none
    foreign = await courses_app.post(
        DEPARTMENT_CREATE,
        {"input": {"code": "X", "name": "X", "collegeId": gid("College", campus.college_b)}},
        as_=campus.admin_a,
    )
    unnamed = await courses_app.post(
        DEPARTMENT_CREATE, {"input": {"code": "X", "name": "X"}}, as_=super_admin()
    )
    # then the first is forbidden and the second asks for a college; nothing was made
    assert error_codes(foreign) == ["FORBIDDEN"]
    assert error_codes(unnamed) == ["BAD_USER_INPUT"]
    listed = await courses_app.data("{ departments { code } }", as_=campus.admin_b)
    assert {"code": "X"} not in listed["departments"]
