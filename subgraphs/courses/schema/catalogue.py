"""Mutations of the catalogue: departments, courses, terms, batches and batch students.

``departmentCreate``/``departmentUpdate`` (``department:manage``),
``courseCreate`` (``course:create``), ``courseUpdate`` (``course:update``),
``termCreate``/``batchCreate`` (``course:update``) and
``batchStudentsAssign`` (``enrollment:manage``). Each returns a payload
with ``errors``; a refused call writes nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from shared.graphql import (
    HasPermission,
    check_list_size,
    permission_field_description,
    require_principal,
)
from subgraphs.courses import batch_members, courses, departments, models, terms
from subgraphs.courses.schema._api import api_of
from subgraphs.courses.schema._mutation import run
from subgraphs.courses.schema.types import (
    COLLEGE_ID,
    Batch,
    Course,
    CoursesError,
    CourseStatus,
    Department,
    Term,
    local_id,
    named_college,
)
from subgraphs.courses.schema.user import User

__all__ = ["Mutation"]

MAX_BATCH_STUDENTS = batch_members.MAX_STUDENTS


def _status(value: CourseStatus | None) -> models.CourseStatus | None:
    return models.CourseStatus(value.value) if value is not None else None


@strawberry.input(description="A new department.")
class DepartmentCreateInput:
    code: str = strawberry.field(description="Short code (upper-cased), new in the college.")
    name: str = strawberry.field(description="Name, 1 to 200 characters.")
    college_id: strawberry.ID | None = strawberry.field(default=None, description=COLLEGE_ID)


@strawberry.input(description="Changes to a department; omitted fields stay as they are.")
class DepartmentUpdateInput:
    id: strawberry.ID = strawberry.field(description="The department.")
    code: str | None = strawberry.field(default=None, description="A new code.")
    name: str | None = strawberry.field(default=None, description="A new name.")


@strawberry.type(description="The department, or why not.")
class DepartmentPayload:
    department: Department | None = strawberry.field(description="Null on errors.")
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix (INVALID_CODE, INVALID_NAME, DUPLICATE_DEPARTMENT_CODE)."
    )


@strawberry.input(description="A new course of one of the college's departments.")
class CourseCreateInput:
    department_id: strawberry.ID = strawberry.field(description="The `Department` offering it.")
    code: str = strawberry.field(description="Short code (upper-cased), new in the college.")
    title: str = strawberry.field(description="Title, 1 to 200 characters.")
    credits: Decimal = strawberry.field(description="Credits, 0 to 999.9 (one decimal).")
    description: str = strawberry.field(default="", description="What the course is about.")
    status: CourseStatus = strawberry.field(
        default=CourseStatus.DRAFT, description="DRAFT (the default), PUBLISHED or ARCHIVED."
    )
    college_id: strawberry.ID | None = strawberry.field(default=None, description=COLLEGE_ID)


@strawberry.input(description="Changes to a course; omitted fields stay as they are.")
class CourseUpdateInput:
    id: strawberry.ID = strawberry.field(description="The course.")
    code: str | None = strawberry.field(default=None, description="A new code.")
    title: str | None = strawberry.field(default=None, description="A new title.")
    description: str | None = strawberry.field(default=None, description="A new description.")
    credits: Decimal | None = strawberry.field(default=None, description="New credits.")
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="Another `Department` of the college."
    )
    status: CourseStatus | None = strawberry.field(
        default=None, description="DRAFT, PUBLISHED or ARCHIVED."
    )


@strawberry.type(description="The course, or why not.")
class CoursePayload:
    course: Course | None = strawberry.field(description="Null on errors.")
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix (DUPLICATE_COURSE_CODE, UNKNOWN_DEPARTMENT, INVALID_CREDITS ...)."
    )


@strawberry.input(description="A new term of the college.")
class TermCreateInput:
    name: str = strawberry.field(description="Name, such as `Fall 2026`.")
    starts_on: date = strawberry.field(description="First day.")
    ends_on: date = strawberry.field(description="Last day, not before the first.")
    college_id: strawberry.ID | None = strawberry.field(default=None, description=COLLEGE_ID)


@strawberry.type(description="The term, or why not.")
class TermCreatePayload:
    term: Term | None = strawberry.field(description="Null on errors.")
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix (INVALID_NAME, INVALID_DATE_RANGE)."
    )


@strawberry.input(description="A new batch (cohort) of one of the college's departments.")
class BatchCreateInput:
    department_id: strawberry.ID = strawberry.field(description="The `Department`.")
    name: str = strawberry.field(description="Name, such as `CSE 2026`.")
    intake_year: int = strawberry.field(description="Year the batch started (1900 to 2200).")
    college_id: strawberry.ID | None = strawberry.field(default=None, description=COLLEGE_ID)


@strawberry.type(description="The batch, or why not.")
class BatchCreatePayload:
    batch: Batch | None = strawberry.field(description="Null on errors.")
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix (INVALID_NAME, INVALID_INTAKE_YEAR, UNKNOWN_DEPARTMENT)."
    )


@strawberry.input(description="Students to put in one batch (or in none).")
class BatchStudentsAssignInput:
    batch_id: strawberry.ID | None = strawberry.field(
        description="The `Batch`; null takes the students out of any batch."
    )
    user_ids: list[strawberry.ID] = strawberry.field(
        description=f"The students (`User` ids), at most {MAX_BATCH_STUDENTS}."
    )
    college_id: strawberry.ID | None = strawberry.field(default=None, description=COLLEGE_ID)


@strawberry.type(description="The students whose batch changed, or why not.")
class BatchStudentsAssignPayload:
    changed: list[User] | None = strawberry.field(
        description="Students whose batch changed (those already in it are left out); "
        "null on errors."
    )
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix (UNKNOWN_BATCH, INVALID_USER_ID, TOO_MANY_USERS)."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(departments.MANAGE)],
        description=permission_field_description(
            "Create a department of the caller's college (a super-admin names it with "
            "`collegeId`).",
            departments.MANAGE,
        ),
    )
    async def department_create(
        self, info: Info, input: DepartmentCreateInput
    ) -> DepartmentPayload:
        principal, api = require_principal(info), api_of(info)

        async def work(session: AsyncSession) -> Department:
            row = await departments.create_department(
                session,
                actor=principal,
                code=input.code,
                name=input.name,
                college_id=named_college(input.college_id),
                on_commit=api.notify_outbox,
            )
            return Department.from_model(row)

        return await run(DepartmentPayload, lambda: api.in_transaction(work))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(departments.MANAGE)],
        description=permission_field_description(
            "Change a department's code or name; another college's is NOT_FOUND.",
            departments.MANAGE,
        ),
    )
    async def department_update(
        self, info: Info, input: DepartmentUpdateInput
    ) -> DepartmentPayload:
        principal, api = require_principal(info), api_of(info)
        department_id = local_id(input.id, "Department", "id")

        async def work(session: AsyncSession) -> Department:
            row = await departments.update_department(
                session,
                actor=principal,
                department_id=department_id,
                code=input.code,
                name=input.name,
                on_commit=api.notify_outbox,
            )
            return Department.from_model(row)

        return await run(DepartmentPayload, lambda: api.in_transaction(work))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(courses.CREATE)],
        description=permission_field_description(
            "Create a course; its code must be new in the college (DUPLICATE_COURSE_CODE).",
            courses.CREATE,
        ),
    )
    async def course_create(self, info: Info, input: CourseCreateInput) -> CoursePayload:
        principal, api = require_principal(info), api_of(info)
        department_id = local_id(input.department_id, "Department", "departmentId")

        async def work(session: AsyncSession) -> Course:
            row = await courses.create_course(
                session,
                actor=principal,
                department_id=department_id,
                code=input.code,
                title=input.title,
                credits=input.credits,
                description=input.description,
                status=models.CourseStatus(input.status.value),
                college_id=named_college(input.college_id),
                on_commit=api.notify_outbox,
            )
            return Course.from_model(row)

        return await run(CoursePayload, lambda: api.in_transaction(work))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(courses.UPDATE)],
        description=permission_field_description(
            "Change a course (status DRAFT / PUBLISHED / ARCHIVED included); another "
            "college's is NOT_FOUND.",
            courses.UPDATE,
        ),
    )
    async def course_update(self, info: Info, input: CourseUpdateInput) -> CoursePayload:
        principal, api = require_principal(info), api_of(info)
        course_id = local_id(input.id, "Course", "id")
        department_id = (
            local_id(input.department_id, "Department", "departmentId")
            if input.department_id is not None
            else None
        )

        async def work(session: AsyncSession) -> Course:
            row = await courses.update_course(
                session,
                actor=principal,
                course_id=course_id,
                code=input.code,
                title=input.title,
                description=input.description,
                credits=input.credits,
                department_id=department_id,
                status=_status(input.status),
                on_commit=api.notify_outbox,
            )
            return Course.from_model(row)

        return await run(CoursePayload, lambda: api.in_transaction(work))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(terms.UPDATE)],
        description=permission_field_description(
            "Create a term of the caller's college (a super-admin names it with `collegeId`).",
            terms.UPDATE,
        ),
    )
    async def term_create(self, info: Info, input: TermCreateInput) -> TermCreatePayload:
        principal, api = require_principal(info), api_of(info)

        async def work(session: AsyncSession) -> Term:
            row = await terms.create_term(
                session,
                actor=principal,
                name=input.name,
                starts_on=input.starts_on,
                ends_on=input.ends_on,
                college_id=named_college(input.college_id),
                on_commit=api.notify_outbox,
            )
            return Term.from_model(row)

        return await run(TermCreatePayload, lambda: api.in_transaction(work))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(terms.UPDATE)],
        description=permission_field_description(
            "Create a batch (cohort) of one of the college's departments.", terms.UPDATE
        ),
    )
    async def batch_create(self, info: Info, input: BatchCreateInput) -> BatchCreatePayload:
        principal, api = require_principal(info), api_of(info)
        department_id = local_id(input.department_id, "Department", "departmentId")

        async def work(session: AsyncSession) -> Batch:
            row = await terms.create_batch(
                session,
                actor=principal,
                department_id=department_id,
                name=input.name,
                intake_year=input.intake_year,
                college_id=named_college(input.college_id),
                on_commit=api.notify_outbox,
            )
            return Batch.from_model(row)

        return await run(BatchCreatePayload, lambda: api.in_transaction(work))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(batch_members.MANAGE)],
        description=permission_field_description(
            "Put students in a batch (a student is in at most one: they move), or in none "
            "(`batchId: null`). Publishes `course.batch_assigned` for each student whose "
            "batch changed.",
            batch_members.MANAGE,
        ),
    )
    async def batch_students_assign(
        self,
        info: Info,
        input: Annotated[
            BatchStudentsAssignInput, strawberry.argument(description="The batch and students.")
        ],
    ) -> BatchStudentsAssignPayload:
        principal, api = require_principal(info), api_of(info)
        check_list_size(input.user_ids, field="userIds", limit=MAX_BATCH_STUDENTS)
        batch_id = (
            local_id(input.batch_id, "Batch", "batchId") if input.batch_id is not None else None
        )
        user_ids = [local_id(value, "User", "userIds") for value in input.user_ids]

        async def work(session: AsyncSession) -> list[User]:
            changed = await batch_members.assign_batch_students(
                session,
                actor=principal,
                user_ids=user_ids,
                batch_id=batch_id,
                college_id=named_college(input.college_id),
                on_commit=api.notify_outbox,
            )
            return [User.of(user_id) for user_id in changed]

        return await run(BatchStudentsAssignPayload, lambda: api.in_transaction(work))
