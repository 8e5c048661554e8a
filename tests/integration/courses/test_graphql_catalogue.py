"""Courses' catalogue queries over HTTP with real tokens, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from shared.auth.principal import Principal
from subgraphs.courses.models import Batch, Course, CourseStatus, MemberRole, SectionMember
from tests.factories.courses import make_course, make_department, make_section, make_term
from tests.fixtures.statements import statements_on
from tests.integration.courses.graphql_app import (
    Campus,
    CoursesApp,
    campus,
    courses_app,
    error_codes,
    gid,
)

__all__ = ["campus", "courses_app"]

COURSES = """
query($filter: CourseFilter, $orderBy: CourseOrder, $first: Int, $after: String) {
  courses(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id code title status department { code } }
  }
}
"""
COURSE = "query($id: ID!) { course(id: $id) { code sections { code } } }"
DEPARTMENTS = "{ departments { code name } }"


async def _catalogue(app: CoursesApp, college: str) -> dict[str, str]:
    """A department CSE with three courses (one a draft) and a section of CS101."""
    async with app.service.database.transaction() as session:
        cse = await make_department(session, college_id=college, code="CSE", name="Computing")
        maths = await make_department(session, college_id=college, code="MAT", name="Maths")
        cs101 = await make_course(
            session, college_id=college, department=cse, code="CS101", title="Programming"
        )
        await make_course(
            session, college_id=college, department=cse, code="CS201", title="Data structures"
        )
        await make_course(
            session,
            college_id=college,
            department=maths,
            code="MA101",
            title="Calculus",
            status=CourseStatus.DRAFT,
        )
        term = await make_term(session, college_id=college)
    return {"cse": cse.id, "cs101": cs101.id, "term": term.id}


async def test_a_student_catalogue_leaves_out_the_drafts(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given a college's catalogue with a draft course (MA101)
    await _catalogue(courses_app, campus.college_a)
    # when a student lists the courses, and asks for the drafts
    listed = await courses_app.data(COURSES, {}, as_=campus.student_a)
    drafts = await courses_app.data(COURSES, {"filter": {"status": "DRAFT"}}, as_=campus.student_a)
    # then the published ones are listed, and no draft
    assert [n["code"] for n in listed["courses"]["nodes"]] == ["CS101", "CS201"]
    assert drafts["courses"] == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "nodes": [],
    }


async def test_a_teacher_lists_filters_and_pages_the_catalogue(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given a college's catalogue
    ids = await _catalogue(courses_app, campus.college_a)
    student = campus.teacher_a
    # when a teacher (who makes courses, so sees the drafts) lists them two at a time
    first = (await courses_app.data(COURSES, {"first": 2}, as_=student))["courses"]
    rest = (
        await courses_app.data(
            COURSES, {"first": 2, "after": first["pageInfo"]["endCursor"]}, as_=student
        )
    )["courses"]
    # then every course comes back once, by code
    assert first["totalCount"] == 3
    codes = [n["code"] for n in first["nodes"]] + [n["code"] for n in rest["nodes"]]
    assert codes == ["CS101", "CS201", "MA101"]
    assert first["pageInfo"]["hasNextPage"]
    assert not rest["pageInfo"]["hasNextPage"]
    # and paging backward from the end gives the last two
    backward = await courses_app.data(
        "query($last: Int) { courses(last: $last) { nodes { code } pageInfo { hasPreviousPage } }}",
        {"last": 2},
        as_=student,
    )
    assert [n["code"] for n in backward["courses"]["nodes"]] == ["CS201", "MA101"]
    assert backward["courses"]["pageInfo"]["hasPreviousPage"]
    # and filters by department, status and text narrow the list
    by_department = await courses_app.data(
        COURSES, {"filter": {"departmentId": gid("Department", ids["cse"])}}, as_=student
    )
    assert [n["code"] for n in by_department["courses"]["nodes"]] == ["CS101", "CS201"]
    drafts = await courses_app.data(COURSES, {"filter": {"status": "DRAFT"}}, as_=student)
    assert [n["code"] for n in drafts["courses"]["nodes"]] == ["MA101"]
    search = await courses_app.data(COURSES, {"filter": {"search": "struct"}}, as_=student)
    assert [n["title"] for n in search["courses"]["nodes"]] == ["Data structures"]
    # and the order can be by title, descending
    ordered = await courses_app.data(
        COURSES, {"orderBy": {"field": "TITLE", "direction": "DESC"}}, as_=student
    )
    assert [n["title"] for n in ordered["courses"]["nodes"]] == [
        "Programming",
        "Data structures",
        "Calculus",
    ]


async def test_another_college_sees_none_of_the_catalogue(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given college A's catalogue
    ids = await _catalogue(courses_app, campus.college_a)
    # when college B's admin lists and reads
    listed = await courses_app.data(COURSES, as_=campus.admin_b)
    departments = await courses_app.data(DEPARTMENTS, as_=campus.admin_b)
    body = await courses_app.post(COURSE, {"id": gid("Course", ids["cs101"])}, as_=campus.admin_b)
    # then nothing of A shows, and A's course is NOT_FOUND as if it did not exist
    assert listed["courses"]["totalCount"] == 0
    assert departments["departments"] == []
    assert error_codes(body) == ["NOT_FOUND"]


async def test_anonymous_callers_are_unauthenticated(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given no token
    for query in (DEPARTMENTS, COURSES, "{ terms { name } }"):
        # when a query is sent
        body = await courses_app.post(query)
        # then it is refused
        assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_course_shows_its_sections_and_departments_are_listed(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given a course with a section
    async with courses_app.service.database.transaction() as session:
        section = await make_section(session, college_id=campus.college_a, code="A")
        await make_department(session, college_id=campus.college_a, code="PHY", name="Physics")
    reader: Principal = campus.student_a
    # when a student reads the course and the departments
    course = await courses_app.data(COURSE, {"id": gid("Course", section.course_id)}, as_=reader)
    departments = await courses_app.data(DEPARTMENTS, as_=reader)
    # then the section is there, and departments come by code
    assert course["course"]["sections"] == [{"code": "A"}]
    codes = [d["code"] for d in departments["departments"]]
    assert "PHY" in codes
    assert codes == sorted(codes)


async def test_only_a_super_admin_names_another_college(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given college A's catalogue
    await _catalogue(courses_app, campus.college_a)
    query = """
    query($c: ID) { courses(collegeId: $c) { totalCount } departments(collegeId: $c) { code } }
    """
    college_a = gid("College", campus.college_a)
    # when the platform's super-admin names college A, and college B's admin does too
    root = await courses_app.data(query, {"c": college_a}, as_=campus.root)
    other = await courses_app.post(query, {"c": college_a}, as_=campus.admin_b)
    unnamed = await courses_app.post(query, as_=campus.root)
    # then the super-admin reads it, B's admin is FORBIDDEN, and no college at all is bad input
    assert root["courses"]["totalCount"] == 3
    assert [d["code"] for d in root["departments"]] == ["CSE", "MAT"]
    assert set(error_codes(other)) == {"FORBIDDEN"}
    assert set(error_codes(unnamed)) == {"BAD_USER_INPUT"}


async def test_department_terms_and_batches_are_read(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given two departments, two terms and a batch of each department
    async with courses_app.service.database.transaction() as session:
        cse = await make_department(session, college_id=campus.college_a, code="CSE")
        mat = await make_department(session, college_id=campus.college_a, code="MAT")
        await make_term(session, college_id=campus.college_a, name="Fall 2026")
        await make_term(
            session,
            college_id=campus.college_a,
            name="Spring 2027",
            starts_on=date(2027, 1, 10),
            ends_on=date(2027, 5, 1),
        )
        for department, year in ((cse, 2025), (mat, 2026)):
            session.add(
                Batch(
                    college_id=campus.college_a,
                    department_id=department.id,
                    name=f"{department.code} {year}",
                    intake_year=year,
                )
            )
    query = """
    query($id: ID!, $dep: ID) {
      department(id: $id) { code name }
      terms { name startsOn }
      all: batches { name intakeYear department { code } }
      cse: batches(departmentId: $dep) { name }
    }
    """
    # when a student reads them
    data = await courses_app.data(
        query,
        {"id": gid("Department", cse.id), "dep": gid("Department", cse.id)},
        as_=campus.student_a,
    )
    # then terms come latest first, batches newest intake first, filtered by department
    assert data["department"] == {"code": "CSE", "name": "Sciences"}
    assert [t["name"] for t in data["terms"]] == ["Spring 2027", "Fall 2026"]
    assert data["all"] == [
        {"name": "MAT 2026", "intakeYear": 2026, "department": {"code": "MAT"}},
        {"name": "CSE 2025", "intakeYear": 2025, "department": {"code": "CSE"}},
    ]
    assert data["cse"] == [{"name": "CSE 2025"}]
    # and another college's admin sees no term and no batch of it
    other = await courses_app.data("{ terms { name } batches { name } }", as_=campus.admin_b)
    assert other == {"terms": [], "batches": []}


async def test_a_draft_read_by_its_id_is_shown_only_to_its_makers_and_its_sections(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given a draft course with a section, one student in it and another not
    async with courses_app.service.database.transaction() as session:
        section = await make_section(session, college_id=campus.college_a)
        course = await session.get(Course, section.course_id)
        assert course is not None
        course.status = CourseStatus.DRAFT
        session.add(
            SectionMember(
                section_id=section.id, user_id=campus.student_a.user_id, role=MemberRole.STUDENT
            )
        )
    course_id = gid("Course", section.course_id)
    entity = """query($reps: [_Any!]!) { _entities(representations: $reps) {
      ... on Course { code } } }"""
    reps = {"reps": [{"__typename": "Course", "id": course_id}]}
    # when the student outside its sections reads it by id, or as an entity
    outside = await courses_app.post(COURSE, {"id": course_id}, as_=campus.student_a2)
    outside_entity = await courses_app.data(entity, reps, as_=campus.student_a2)
    # then it is not found, as if it did not exist
    assert error_codes(outside) == ["NOT_FOUND"]
    assert outside_entity["_entities"] == [None]
    # and its own student, a teacher, and the college's admin read it
    for reader in (campus.student_a, campus.teacher_a, campus.admin_a):
        read = await courses_app.data(COURSE, {"id": course_id}, as_=reader)
        assert read["course"]["sections"] == [{"code": section.code}]
        as_entity = await courses_app.data(entity, reps, as_=reader)
        assert as_entity["_entities"] == [{"code": read["course"]["code"]}]


async def test_draft_references_cost_the_same_statements_however_many(
    courses_app: CoursesApp, campus: Campus
) -> None:
    # given four draft courses, each with a section, and a student in the first one's
    async with courses_app.service.database.transaction() as session:
        sections = [await make_section(session, college_id=campus.college_a) for _ in range(4)]
        for section in sections:
            course = await session.get(Course, section.course_id)
            assert course is not None
            course.status = CourseStatus.DRAFT
        session.add(
            SectionMember(
                section_id=sections[0].id,
                user_id=campus.student_a.user_id,
                role=MemberRole.STUDENT,
            )
        )
    entity = """query($reps: [_Any!]!) { _entities(representations: $reps) {
      ... on Course { code } } }"""
    counted: dict[int, int] = {}
    for size in (2, 4):
        reps = [{"__typename": "Course", "id": gid("Course", s.course_id)} for s in sections[:size]]
        # when the student asks for 2, then 4 of them as entities
        with statements_on(courses_app.service.database) as statements:
            found = await courses_app.data(entity, {"reps": reps}, as_=campus.student_a)
        counted[size] = len(statements)
        # then only the course of their own section is shown
        assert [e is not None for e in found["_entities"]] == [True] + [False] * (size - 1)
    # and the check costs the same statements for 4 drafts as for 2
    assert counted[2] == counted[4]
