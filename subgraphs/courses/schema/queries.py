"""Courses' catalogue queries: departments, terms, batches, courses and sections.

Every query reads the caller's college with ``course:read``; a row of
another college is ``NOT_FOUND``, exactly like an id that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any, TypeVar, cast

import strawberry
from sqlalchemy import Select, func, or_, select
from strawberry.types import Info

from shared.auth.principal import Principal
from shared.graphql import (
    Connection,
    HasPermission,
    OrderDirection,
    PageSize,
    ordered,
    paginate,
    permission_field_description,
    require_principal,
)
from subgraphs.courses import courses, departments, models, sections, tenancy
from subgraphs.courses.schema._api import api_of
from subgraphs.courses.schema.types import (
    READ,
    Batch,
    Course,
    CourseStatus,
    Department,
    Section,
    SectionStatus,
    Term,
    local_id,
)

__all__ = ["CourseFilter", "CourseOrder", "CourseOrderField", "Query", "SectionFilter"]

MAX_SEARCH = 200
F = TypeVar("F", bound=Callable[..., Any])


@strawberry.input(description="Which courses to list; every given condition must hold.")
class CourseFilter:
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only courses of this `Department`."
    )
    status: CourseStatus | None = strawberry.field(default=None, description="Only this status.")
    search: str | None = strawberry.field(
        default=None,
        description="Only courses whose code or title contains this text (case-insensitive).",
    )

    def apply(self, statement: Select[Any]) -> Select[Any]:
        if self.department_id is not None:
            department = local_id(self.department_id, "Department", "departmentId")
            statement = statement.where(models.Course.department_id == department)
        if self.status is not None:
            statement = statement.where(
                models.Course.status == models.CourseStatus(self.status.value)
            )
        text = (self.search or "").strip().lower()[:MAX_SEARCH]
        if text:
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            statement = statement.where(
                or_(
                    func.lower(models.Course.code).like(pattern, escape="\\"),
                    func.lower(models.Course.title).like(pattern, escape="\\"),
                )
            )
        return statement


@strawberry.enum(description="What courses can be ordered by.")
class CourseOrderField(Enum):
    CODE = "code"
    TITLE = "title"
    CREATED_AT = "created_at"


@strawberry.input(description="Order of a list of courses.")
class CourseOrder:
    field: CourseOrderField = strawberry.field(description="What to order by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="Ascending (the default) or descending."
    )


_COURSE_ORDER = {
    CourseOrderField.CODE: models.Course.code,
    CourseOrderField.TITLE: models.Course.title,
    CourseOrderField.CREATED_AT: models.Course.created_at,
}


@strawberry.input(description="Which sections to list; every given condition must hold.")
class SectionFilter:
    term_id: strawberry.ID | None = strawberry.field(default=None, description="Only this `Term`.")
    course_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this `Course`."
    )
    batch_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this `Batch`."
    )
    status: SectionStatus | None = strawberry.field(default=None, description="Only this status.")

    def apply(self, statement: Select[Any]) -> Select[Any]:
        if self.term_id is not None:
            term = local_id(self.term_id, "Term", "termId")
            statement = statement.where(models.Section.term_id == term)
        if self.course_id is not None:
            course = local_id(self.course_id, "Course", "courseId")
            statement = statement.where(models.Section.course_id == course)
        if self.batch_id is not None:
            batch = local_id(self.batch_id, "Batch", "batchId")
            statement = statement.where(models.Section.batch_id == batch)
        if self.status is not None:
            statement = statement.where(
                models.Section.status == models.SectionStatus(self.status.value)
            )
        return statement


def _college(principal: Principal, college_id: strawberry.ID | None) -> str:
    """The college a list reads: the caller's, or the one a super-admin names."""
    named = local_id(college_id, "College", "collegeId") if college_id is not None else None
    target = tenancy.target_college(principal, named, field="collegeId")
    tenancy.require_permission(principal, READ)
    return target


CollegeIdArgument = Annotated[
    strawberry.ID | None,
    strawberry.argument(
        description="Global id of another college: platform super-admins only "
        "(FORBIDDEN for others). Default: the caller's college."
    ),
]


Cursor = Annotated[str | None, strawberry.argument(description="A cursor of this connection.")]


def _read_field(description: str) -> Callable[[F], F]:
    """A root field needing ``course:read``, its description naming the permission."""
    return cast(
        "Callable[[F], F]",
        strawberry.field(
            permission_classes=[HasPermission(READ)],
            description=permission_field_description(description, READ),
        ),
    )


@strawberry.type
class Query:
    @_read_field("One department of the caller's college.")
    async def department(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="Its id.")]
    ) -> Department:
        principal = require_principal(info)
        async with api_of(info).database.session() as session:
            row = await departments.get_department(
                session, actor=principal, department_id=local_id(id, "Department", "id")
            )
        return Department.from_model(row)

    @_read_field("The departments of the caller's college, by code.")
    async def departments(
        self, info: Info, college_id: CollegeIdArgument = None
    ) -> list[Department]:
        principal = require_principal(info)
        target = _college(principal, college_id)
        async with api_of(info).database.session() as session:
            rows = await departments.list_departments(session, actor=principal, college_id=target)
        return [Department.from_model(row) for row in rows]

    @_read_field("The terms of the caller's college, latest first.")
    async def terms(self, info: Info, college_id: CollegeIdArgument = None) -> list[Term]:
        target = _college(require_principal(info), college_id)
        statement = (
            select(models.Term)
            .where(models.Term.college_id == target)
            .order_by(models.Term.starts_on.desc(), models.Term.id)
        )
        async with api_of(info).database.session() as session:
            rows = (await session.scalars(statement)).all()
        return [Term.from_model(row) for row in rows]

    @_read_field(
        "The batches of the caller's college (of one department when given), newest intake first."
    )
    async def batches(
        self,
        info: Info,
        department_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this `Department`.")
        ] = None,
        college_id: CollegeIdArgument = None,
    ) -> list[Batch]:
        target = _college(require_principal(info), college_id)
        statement = select(models.Batch).where(models.Batch.college_id == target)
        if department_id is not None:
            department = local_id(department_id, "Department", "departmentId")
            statement = statement.where(models.Batch.department_id == department)
        statement = statement.order_by(
            models.Batch.intake_year.desc(), models.Batch.name, models.Batch.id
        )
        async with api_of(info).database.session() as session:
            rows = (await session.scalars(statement)).all()
        return [Batch.from_model(row) for row in rows]

    @_read_field(
        "One course of the caller's college. A draft is found only by those who make courses "
        "(`course:create` or `course:update`) and by the people of its sections."
    )
    async def course(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="Its id.")]
    ) -> Course:
        principal = require_principal(info)
        async with api_of(info).database.session() as session:
            row = await courses.get_course(
                session, actor=principal, course_id=local_id(id, "Course", "id")
            )
        return Course.from_model(row)

    @_read_field(
        "The courses of the caller's college, by code unless `orderBy` says otherwise. Draft "
        "courses are listed only to those who make courses (`course:create` or `course:update`)."
    )
    async def courses(
        self,
        info: Info,
        filter: CourseFilter | None = None,
        order_by: CourseOrder | None = None,
        first: PageSize = None,
        after: Cursor = None,
        last: PageSize = None,
        before: Cursor = None,
        college_id: CollegeIdArgument = None,
    ) -> Connection[Course]:
        principal = require_principal(info)
        statement = courses.catalogue(principal, _college(principal, college_id))
        if filter is not None:
            statement = filter.apply(statement)
        order = order_by or CourseOrder(field=CourseOrderField.CODE)
        async with api_of(info).database.session() as session:
            page = await paginate(
                session,
                statement,
                order_by=[ordered(_COURSE_ORDER[order.field], order.direction)],
                first=first,
                after=after,
                last=last,
                before=before,
            )
        return Connection.from_page(page, Course.from_model)

    @_read_field("One section of the caller's college.")
    async def section(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="Its id.")]
    ) -> Section:
        principal = require_principal(info)
        async with api_of(info).database.session() as session:
            row = await sections.get_section(
                session, actor=principal, section_id=local_id(id, "Section", "id")
            )
        return Section.from_model(row)

    @_read_field("The sections of the caller's college, by code, newest first among equal codes.")
    async def sections(
        self,
        info: Info,
        filter: SectionFilter | None = None,
        first: PageSize = None,
        after: Cursor = None,
        last: PageSize = None,
        before: Cursor = None,
        college_id: CollegeIdArgument = None,
    ) -> Connection[Section]:
        target = _college(require_principal(info), college_id)
        statement = select(models.Section).where(models.Section.college_id == target)
        if filter is not None:
            statement = filter.apply(statement)
        async with api_of(info).database.session() as session:
            page = await paginate(
                session,
                statement,
                order_by=[models.Section.code, models.Section.created_at.desc()],
                first=first,
                after=after,
                last=last,
                before=before,
            )
        return Connection.from_page(page, Section.from_model)
