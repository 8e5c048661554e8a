"""The DataLoaders of courses' GraphQL API, one of each per request.

Every list or reference field goes through one of these, so a page of N
sections costs the same few statements as a page of 2:

* ``<Row>ByIdLoader`` — a department, term, batch, course, section or
  section member by id (references and ``course``/``term``/``batch`` fields).
* ``MembersBySectionIdLoader`` — each section's members (students and
  teaching staff), oldest first: instructors, teaching assistants, the class
  list and the "is the viewer teaching this section" check.
* ``MembersByUserIdLoader`` — each person's memberships (``User.enrollments``,
  ``User.teaching``).
* ``SeatsTakenBySectionIdLoader`` — students per section, ONE ``GROUP BY``.
* ``WaitlistBySectionIdLoader`` — each section's waitlist, first in line first.
* ``SectionsByCourseIdLoader`` — each course's sections.
* ``BatchMemberByUserIdLoader`` — each student's batch membership.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from shared.graphql import rows_by_column_loader, rows_grouped_by_column_loader
from subgraphs.courses.models import (
    Batch,
    BatchMember,
    Course,
    Department,
    MemberRole,
    Section,
    SectionMember,
    Term,
    WaitlistEntry,
)
from subgraphs.courses.schema._api import api_of

__all__ = [
    "batch_by_id",
    "batch_member_by_user_id",
    "course_by_id",
    "department_by_id",
    "member_by_id",
    "members_by_section_id",
    "members_by_user_id",
    "seats_taken_by_section_id",
    "section_by_id",
    "sections_by_course_id",
    "term_by_id",
    "waitlist_by_section_id",
]


def _by_id(info: Info[Any, Any], name: str, column: Any) -> DataLoader[str, Any]:
    database = api_of(info).database
    loader: DataLoader[str, Any] = info.context.loaders.get(
        name, lambda: rows_by_column_loader(column, sessions=database.session)
    )
    return loader


def _grouped(
    info: Info[Any, Any], name: str, column: Any, order_by: Sequence[Any]
) -> DataLoader[str, list[Any]]:
    database = api_of(info).database
    loader: DataLoader[str, list[Any]] = info.context.loaders.get(
        name,
        lambda: rows_grouped_by_column_loader(column, sessions=database.session, order_by=order_by),
    )
    return loader


def department_by_id(info: Info[Any, Any]) -> DataLoader[str, Department | None]:
    """``DepartmentByIdLoader`` of this request."""
    return _by_id(info, "DepartmentByIdLoader", Department.id)


def term_by_id(info: Info[Any, Any]) -> DataLoader[str, Term | None]:
    """``TermByIdLoader`` of this request."""
    return _by_id(info, "TermByIdLoader", Term.id)


def batch_by_id(info: Info[Any, Any]) -> DataLoader[str, Batch | None]:
    """``BatchByIdLoader`` of this request."""
    return _by_id(info, "BatchByIdLoader", Batch.id)


def course_by_id(info: Info[Any, Any]) -> DataLoader[str, Course | None]:
    """``CourseByIdLoader`` of this request."""
    return _by_id(info, "CourseByIdLoader", Course.id)


def section_by_id(info: Info[Any, Any]) -> DataLoader[str, Section | None]:
    """``SectionByIdLoader`` of this request."""
    return _by_id(info, "SectionByIdLoader", Section.id)


def member_by_id(info: Info[Any, Any]) -> DataLoader[str, SectionMember | None]:
    """``SectionMemberByIdLoader`` of this request (``Enrollment`` references)."""
    return _by_id(info, "SectionMemberByIdLoader", SectionMember.id)


def members_by_section_id(info: Info[Any, Any]) -> DataLoader[str, list[SectionMember]]:
    """``MembersBySectionIdLoader``: every member of each section, oldest first."""
    return _grouped(
        info,
        "MembersBySectionIdLoader",
        SectionMember.section_id,
        (SectionMember.created_at, SectionMember.id),
    )


def members_by_user_id(info: Info[Any, Any]) -> DataLoader[str, list[SectionMember]]:
    """``MembersByUserIdLoader``: every membership of each person, oldest first."""
    return _grouped(
        info,
        "MembersByUserIdLoader",
        SectionMember.user_id,
        (SectionMember.created_at, SectionMember.id),
    )


def waitlist_by_section_id(info: Info[Any, Any]) -> DataLoader[str, list[WaitlistEntry]]:
    """``WaitlistBySectionIdLoader``: each section's waitlist, lowest position first."""
    return _grouped(
        info, "WaitlistBySectionIdLoader", WaitlistEntry.section_id, (WaitlistEntry.position,)
    )


def sections_by_course_id(info: Info[Any, Any]) -> DataLoader[str, list[Section]]:
    """``SectionsByCourseIdLoader``: each course's sections by code."""
    return _grouped(info, "SectionsByCourseIdLoader", Section.course_id, (Section.code, Section.id))


def batch_member_by_user_id(info: Info[Any, Any]) -> DataLoader[str, BatchMember | None]:
    """``BatchMemberByUserIdLoader``: each student's batch membership (at most one)."""
    return _by_id(info, "BatchMemberByUserIdLoader", BatchMember.user_id)


def seats_taken_by_section_id(info: Info[Any, Any]) -> DataLoader[str, int]:
    """``SeatsTakenBySectionIdLoader``: students seated in each section, ONE ``GROUP BY``."""
    database = api_of(info).database

    async def load(keys: list[str]) -> Sequence[int]:
        statement = (
            select(SectionMember.section_id, func.count())
            .where(SectionMember.section_id.in_(keys), SectionMember.role == MemberRole.STUDENT)
            .group_by(SectionMember.section_id)
        )
        async with database.session() as session:
            counts = {section_id: int(n) for section_id, n in (await session.execute(statement))}
        return [counts.get(key, 0) for key in keys]

    loader: DataLoader[str, int] = info.context.loaders.get(
        "SeatsTakenBySectionIdLoader", lambda: DataLoader(load_fn=load, max_batch_size=500)
    )
    return loader
