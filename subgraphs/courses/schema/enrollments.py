"""Mutations of enrolment: ``enrollmentCreate`` and ``enrollmentDrop`` (``enrollment:manage``).

A full section waitlists the student unless ``allowWaitlist`` is false
(``SECTION_FULL``); dropping a seated student promotes the first in line.
"""

from __future__ import annotations

from enum import Enum

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from shared.graphql import HasPermission, permission_field_description, require_principal
from subgraphs.courses import batch_members, enrollment, models
from subgraphs.courses.schema._api import api_of
from subgraphs.courses.schema._mutation import run
from subgraphs.courses.schema.types import CoursesError, Enrollment, Section, local_id
from subgraphs.courses.schema.user import User

__all__ = ["Mutation", "Placement"]

MANAGE = enrollment.MANAGE


@strawberry.enum(description="Where an enrolment put the student.")
class Placement(Enum):
    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"


@strawberry.input(description="A student to enrol in a section.")
class EnrollmentCreateInput:
    section_id: strawberry.ID = strawberry.field(description="The section (open).")
    user_id: strawberry.ID = strawberry.field(description="The student (`User` id).")
    allow_waitlist: bool = strawberry.field(
        default=True,
        description="When the section is full: true (the default) puts the student on the "
        "waitlist, false refuses with SECTION_FULL.",
    )


@strawberry.type(description="Where the student went: a seat, or the waitlist.")
class EnrollmentPlacement:
    placement: Placement = strawberry.field(description="ENROLLED or WAITLISTED.")
    enrollment: Enrollment | None = strawberry.field(description="The seat; null when waitlisted.")
    waitlist_position: int | None = strawberry.field(
        description="Place on the waitlist; null when enrolled."
    )
    section: Section = strawberry.field(description="The section.")


@strawberry.type(description="The placement, or why not.")
class EnrollmentCreatePayload:
    result: EnrollmentPlacement | None = strawberry.field(description="Null on errors.")
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix (SECTION_FULL, SECTION_NOT_OPEN, ALREADY_ENROLLED, "
        "ALREADY_WAITLISTED, INVALID_USER_ID)."
    )


@strawberry.input(description="A student to take out of a section's seats or waitlist.")
class EnrollmentDropInput:
    section_id: strawberry.ID = strawberry.field(description="The section.")
    user_id: strawberry.ID = strawberry.field(description="The student (`User` id).")


@strawberry.type(description="What a drop did.")
class EnrollmentDropResult:
    left: Placement = strawberry.field(description="ENROLLED (a seat) or WAITLISTED.")
    promoted: list[User] = strawberry.field(
        description="Students moved from the waitlist into the freed seat, in order."
    )
    section: Section = strawberry.field(description="The section.")


@strawberry.type(description="What the drop did, or why not.")
class EnrollmentDropPayload:
    result: EnrollmentDropResult | None = strawberry.field(description="Null on errors.")
    errors: list[CoursesError] = strawberry.field(  # type: ignore[valid-type]
        description="What to fix (NOT_ENROLLED)."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=permission_field_description(
            "Enrol a student: a seat when one is free, else the waitlist (or SECTION_FULL "
            "with `allowWaitlist: false`). Another college's section is NOT_FOUND.",
            MANAGE,
        ),
    )
    async def enrollment_create(
        self, info: Info, input: EnrollmentCreateInput
    ) -> EnrollmentCreatePayload:
        principal, api = require_principal(info), api_of(info)
        section_id = local_id(input.section_id, "Section", "sectionId")
        user_id = local_id(input.user_id, "User", "userId")

        async def work(session: AsyncSession) -> EnrollmentPlacement:
            result = await enrollment.enrol_student(
                session,
                actor=principal,
                section_id=section_id,
                user_id=batch_members.check_user_id(user_id),
                allow_waitlist=input.allow_waitlist,
                on_commit=api.notify_outbox,
            )
            member = await session.scalar(
                select(models.SectionMember).where(
                    models.SectionMember.section_id == section_id,
                    models.SectionMember.user_id == user_id,
                )
            )
            return EnrollmentPlacement(
                placement=Placement(result.placement.value),
                enrollment=Enrollment.from_model(member) if member is not None else None,
                waitlist_position=result.position,
                section=Section.from_model(result.section),
            )

        return await run(EnrollmentCreatePayload, lambda: api.in_transaction(work))

    @strawberry.mutation(  # type: ignore[untyped-decorator]
        permission_classes=[HasPermission(MANAGE)],
        description=permission_field_description(
            "Take a student out of a section's seats or waitlist; a freed seat goes to the "
            "first in line.",
            MANAGE,
        ),
    )
    async def enrollment_drop(
        self, info: Info, input: EnrollmentDropInput
    ) -> EnrollmentDropPayload:
        principal, api = require_principal(info), api_of(info)
        section_id = local_id(input.section_id, "Section", "sectionId")
        user_id = local_id(input.user_id, "User", "userId")

        async def work(session: AsyncSession) -> EnrollmentDropResult:
            result = await enrollment.drop_student(
                session,
                actor=principal,
                section_id=section_id,
                user_id=user_id,
                on_commit=api.notify_outbox,
            )
            return EnrollmentDropResult(
                left=Placement(result.left.value),
                promoted=[User.of(promoted) for promoted in result.promoted],
                section=Section.from_model(result.section),
            )

        return await run(EnrollmentDropPayload, lambda: api.in_transaction(work))
