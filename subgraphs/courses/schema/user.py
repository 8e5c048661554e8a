"""``User`` (identity's entity) as courses extends it: enrolments, teaching, batch.

Courses declares ``User @key(fields: "id")`` with only ``id`` and its own
fields; ``resolve_reference`` returns an object for any user id, and each
field checks who may read it (:mod:`subgraphs.courses.schema._access`).

The type is composed of parts: :class:`UserBase` (``id``) and
:class:`UserCourseFields` here; another module adds fields to ``User`` by
defining a ``@strawberry.type`` part class (reading ``self.account_id``) and
adding ONE line to :data:`USER_PARTS`. Other types return ``User`` through
``strawberry.lazy`` (see ``types.user_ref``), so parts may import them.
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from shared.auth.tenancy import can_see
from shared.graphql import require_principal, to_global_id
from subgraphs.courses import models
from subgraphs.courses.schema._access import STAFF_ROLES, may_read_memberships
from subgraphs.courses.schema.loaders import (
    batch_by_id,
    batch_member_by_user_id,
    members_by_user_id,
    section_by_id,
)
from subgraphs.courses.schema.schedules import UserTimetableFields
from subgraphs.courses.schema.types import (
    Batch,
    Enrollment,
    Section,
    SectionStatus,
    local_id,
)

__all__ = ["USER_PARTS", "User", "UserBase", "UserCourseFields"]


@strawberry.type
class UserBase:
    id: strawberry.ID = strawberry.field(description='Global id (`to_global_id("User", ...)`).')
    account_id: strawberry.Private[str]


TermArgument = Annotated[
    strawberry.ID | None, strawberry.argument(description="Only sections of this `Term`.")
]
StatusArgument = Annotated[
    SectionStatus | None, strawberry.argument(description="Only sections of this status.")
]


@strawberry.type
class UserCourseFields(UserBase):
    async def _memberships(
        self,
        info: Info,
        roles: frozenset[models.MemberRole],
        term_id: strawberry.ID | None,
        status: SectionStatus | None,
    ) -> list[tuple[models.SectionMember, models.Section]]:
        principal = require_principal(info)
        if not may_read_memberships(principal, self.account_id):
            return []
        term = local_id(term_id, "Term", "termId") if term_id is not None else None
        members = [
            member
            for member in await members_by_user_id(info).load(self.account_id)
            if member.role in roles
        ]
        sections = await section_by_id(info).load_many([m.section_id for m in members])
        found: list[tuple[models.SectionMember, models.Section]] = []
        for member, section in zip(members, sections, strict=True):
            if section is None or not can_see(principal, section.college_id):
                continue
            if term is not None and section.term_id != term:
                continue
            if status is not None and section.status.value != status.value:
                continue
            found.append((member, section))
        return found

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The person's seats as a student, oldest first. Shown to the person and "
        "to holders of `enrollment:read` (only their college's sections); empty for others."
    )
    async def enrollments(
        self, info: Info, term_id: TermArgument = None, status: StatusArgument = None
    ) -> list[Enrollment]:
        found = await self._memberships(
            info, frozenset({models.MemberRole.STUDENT}), term_id, status
        )
        return [Enrollment.from_model(member) for member, _ in found]

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The sections the person teaches (instructor or teaching assistant). "
        "Shown to the person and to holders of `enrollment:read`; empty for others."
    )
    async def teaching(
        self, info: Info, term_id: TermArgument = None, status: StatusArgument = None
    ) -> list[Section]:
        found = await self._memberships(info, STAFF_ROLES, term_id, status)
        return [Section.from_model(section) for _, section in found]

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The student's batch, if any. Shown to the person and to holders of "
        "`enrollment:read` in the batch's college; null for others."
    )
    async def batch(self, info: Info) -> Batch | None:
        principal = require_principal(info)
        if not may_read_memberships(principal, self.account_id):
            return None
        member = await batch_member_by_user_id(info).load(self.account_id)
        if member is None or not can_see(principal, member.college_id):
            return None
        row = await batch_by_id(info).load(member.batch_id)
        return Batch.from_model(row) if row is not None else None


USER_PARTS: tuple[type, ...] = (UserCourseFields, UserTimetableFields)
"""The parts ``User`` is made of: one line per module adding fields."""


@strawberry.federation.type(
    keys=["id"],
    description="A person (identity's entity): courses adds their enrolments, the sections "
    "they teach and their batch.",
)
class User(*USER_PARTS):  # type: ignore[misc]
    @classmethod
    def of(cls, account_id: str) -> User:
        """The ``User`` of an identity account id."""
        return cls(id=strawberry.ID(to_global_id("User", account_id)), account_id=account_id)

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> User:
        """An object for any user id; each field checks who may read it."""
        require_principal(info)
        return cls.of(local_id(id, "User", "id"))
