"""Mutations of sections: create, change (capacity, status, code) and teaching staff.

All need ``section:manage``. ``sectionUpdate`` raising the capacity promotes
waiting students in waitlist order; lowering it below the seats taken is
``CAPACITY_BELOW_SEATS_TAKEN``; ``status`` closes, reopens or cancels.
"""

from __future__ import annotations

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from shared.graphql import HasPermission, permission_field_description, require_principal
from subgraphs.courses import batch_members, models, sections
from subgraphs.courses.schema._api import api_of
from subgraphs.courses.schema._mutation import run
from subgraphs.courses.schema.types import (
    COLLEGE_ID,
    CoursesError,
    Section,
    SectionRole,
    SectionStatus,
    local_id,
    named_college,
)

__all__ = ["Mutation"]

MANAGE = sections.MANAGE


@strawberry.input(description="A new open section of a course in a term.")
class SectionCreateInput:
    course_id: strawberry.ID = strawberry.field(description="The `Course` (not archived).")
    term_id: strawberry.ID = strawberry.field(description="The `Term`.")
    code: str = strawberry.field(description="`A`, `B` ...: new for the course and term.")
    capacity: int = strawberry.field(description="Seats for students, 0 to 10000.")
    batch_id: strawberry.ID | None = strawberry.field(
        default=None, description="The `Batch` it is planned for, if any."
    )
    college_id: strawberry.ID | None = strawberry.field(default=None, description=COLLEGE_ID)


@strawberry.input(description="Changes to a section; omitted fields stay as they are.")
class SectionUpdateInput:
    id: strawberry.ID = strawberry.field(description="The section.")
    code: str | None = strawberry.field(default=None, description="A new code.")
    capacity: int | None = strawberry.field(
        default=None,
        description="New seat count: raising it promotes from the waitlist; it cannot go "
        "below the seats taken (CAPACITY_BELOW_SEATS_TAKEN).",
    )
    status: SectionStatus | None = strawberry.field(
        default=None,
        description="CLOSED (no new enrolments), OPEN (reopen: free seats go to the "
        "waitlist) or CANCELLED (final).",
    )


@strawberry.input(description="A person to put on a section's teaching staff.")
class SectionStaffAssignInput:
    section_id: strawberry.ID = strawberry.field(description="The section.")
    user_id: strawberry.ID = strawberry.field(description="The person (`User` id).")
    role: SectionRole = strawberry.field(
        description="INSTRUCTOR or TEACHING_ASSISTANT (STUDENT is INVALID_ROLE: enrol instead)."
    )


@strawberry.input(description="A person to take off a section's teaching staff.")
class SectionStaffRemoveInput:
    section_id: strawberry.ID = strawberry.field(description="The section.")
    user_id: strawberry.ID = strawberry.field(description="The person (`User` id).")


@strawberry.type(description="The section, or why not.")
class SectionPayload:
    section: Section | None = strawberry.field(description="Null on errors.")
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix (UNKNOWN_COURSE, UNKNOWN_TERM, DUPLICATE_SECTION_CODE, "
        "INVALID_CAPACITY, CAPACITY_BELOW_SEATS_TAKEN, SECTION_CANCELLED, INVALID_ROLE, "
        "NOT_STAFF ...)."
    )


def _description(text: str) -> str:
    return permission_field_description(text, MANAGE)


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=_description("Create an open section of a course in a term."),
    )
    async def section_create(self, info: Info, input: SectionCreateInput) -> SectionPayload:
        principal, api = require_principal(info), api_of(info)
        course_id = local_id(input.course_id, "Course", "courseId")
        term_id = local_id(input.term_id, "Term", "termId")
        batch_id = local_id(input.batch_id, "Batch", "batchId") if input.batch_id else None

        async def work(session: AsyncSession) -> Section:
            row = await sections.create_section(
                session,
                actor=principal,
                course_id=course_id,
                term_id=term_id,
                code=input.code,
                capacity=input.capacity,
                batch_id=batch_id,
                college_id=named_college(input.college_id),
                on_commit=api.notify_outbox,
            )
            return Section.from_model(row)

        return await run(SectionPayload, lambda: api.in_transaction(work))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=_description(
            "Change a section's capacity, status or code; another college's is NOT_FOUND."
        ),
    )
    async def section_update(self, info: Info, input: SectionUpdateInput) -> SectionPayload:
        principal, api = require_principal(info), api_of(info)
        section_id = local_id(input.id, "Section", "id")
        status = models.SectionStatus(input.status.value) if input.status is not None else None

        async def work(session: AsyncSession) -> Section:
            row = await sections.update_section(
                session,
                actor=principal,
                section_id=section_id,
                code=input.code,
                capacity=input.capacity,
                status=status,
                on_commit=api.notify_outbox,
            )
            return Section.from_model(row)

        return await run(SectionPayload, lambda: api.in_transaction(work))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=_description(
            "Make a person an instructor or teaching assistant of a section (a new role "
            "replaces their old one)."
        ),
    )
    async def section_staff_assign(
        self, info: Info, input: SectionStaffAssignInput
    ) -> SectionPayload:
        principal, api = require_principal(info), api_of(info)
        section_id = local_id(input.section_id, "Section", "sectionId")
        user_id = local_id(input.user_id, "User", "userId")

        async def work(session: AsyncSession) -> Section:
            member = await sections.assign_staff(
                session,
                actor=principal,
                section_id=section_id,
                user_id=batch_members.check_user_id(user_id),
                role=models.MemberRole(input.role.value),
                on_commit=api.notify_outbox,
            )
            row = await session.get(models.Section, member.section_id)
            assert row is not None
            return Section.from_model(row)

        return await run(SectionPayload, lambda: api.in_transaction(work))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=_description("Take a person off a section's teaching staff."),
    )
    async def section_staff_remove(
        self, info: Info, input: SectionStaffRemoveInput
    ) -> SectionPayload:
        principal, api = require_principal(info), api_of(info)
        section_id = local_id(input.section_id, "Section", "sectionId")
        user_id = local_id(input.user_id, "User", "userId")

        async def work(session: AsyncSession) -> Section:
            row = await sections.remove_staff(
                session,
                actor=principal,
                section_id=section_id,
                user_id=user_id,
                on_commit=api.notify_outbox,
            )
            return Section.from_model(row)

        return await run(SectionPayload, lambda: api.in_transaction(work))
