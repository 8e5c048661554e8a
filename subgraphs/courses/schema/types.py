"""GraphQL types of courses: the catalogue entities, sections and their memberships.

``Department``, ``Term``, ``Batch``, ``Course``, ``Section`` and
``Enrollment`` are entities (``@key(fields: "id")``, Relay global ids of
those type names). ``User`` (identity's entity, extended here) lives in
:mod:`subgraphs.courses.schema.user`. Each reference resolves through a
loader of :mod:`subgraphs.courses.schema.loaders`, checks the caller's
college and ``course:read``, and is null otherwise (another college's row
looks exactly like a missing one).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from shared.auth.principal import Principal
from shared.auth.tenancy import can_see
from shared.errors import PermissionDenied
from shared.graphql import (
    AfterCursor,
    Connection,
    PageSize,
    from_global_id,
    paginate,
    require_principal,
    to_global_id,
    user_error_type,
)
from subgraphs.courses import courses, models
from subgraphs.courses.errors import CoursesErrorCode
from subgraphs.courses.schema._access import may_read_class_list, may_read_memberships
from subgraphs.courses.schema._api import api_of
from subgraphs.courses.schema.content_types import (
    MODULES_DESCRIPTION,
    Module,
    course_modules,
    section_modules,
)
from subgraphs.courses.schema.loaders import (
    batch_by_id,
    course_by_id,
    department_by_id,
    member_by_id,
    members_by_section_id,
    members_by_user_id,
    seats_taken_by_section_id,
    section_by_id,
    sections_by_course_id,
    term_by_id,
    waitlist_by_section_id,
)
from subgraphs.courses.schema.schedules_types import Meeting, section_meetings

if TYPE_CHECKING:
    from subgraphs.courses.schema.user import User

__all__ = [
    "READ",
    "Batch",
    "Course",
    "CourseStatus",
    "CoursesError",
    "Department",
    "Enrollment",
    "EnrollmentAction",
    "EnrollmentHistoryEntry",
    "Section",
    "SectionRole",
    "SectionStatus",
    "Term",
    "WaitlistEntry",
    "local_id",
    "user_ref",
]

READ = "course:read"

UserRef = Annotated["User", strawberry.lazy("subgraphs.courses.schema.user")]

strawberry.enum(
    CoursesErrorCode,
    description="Stable codes of the problems courses reports (never renamed, only added).",
)
CoursesError = user_error_type(
    "CoursesError",
    CoursesErrorCode,
    description="A problem with a mutation's input that the user can fix.",
)


@strawberry.enum(description="Where a course is in its life.")
class CourseStatus(Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


@strawberry.enum(description="Whether a section takes enrolments.")
class SectionStatus(Enum):
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


@strawberry.enum(description="A person's role in a section.")
class SectionRole(Enum):
    STUDENT = "student"
    TEACHING_ASSISTANT = "teaching_assistant"
    INSTRUCTOR = "instructor"


@strawberry.enum(description="A change of a person's place in a section.")
class EnrollmentAction(Enum):
    ENROLLED = "enrolled"
    DROPPED = "dropped"
    WAITLISTED = "waitlisted"
    PROMOTED = "promoted"


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def local_id(value: strawberry.ID, type_name: str, field: str) -> str:
    """The database id inside a global id of ``type_name`` (``NOT_FOUND`` for another type)."""
    return from_global_id(value, expected_type=type_name, field=field)


COLLEGE_ID = (
    "Global id of the college to act in: for platform super-admins, who belong to no "
    "college (FORBIDDEN for another college's people). Default: the caller's college."
)


def named_college(value: strawberry.ID | None) -> str | None:
    """The college a super-admin names in an input's ``collegeId`` (``None``: the caller's)."""
    return local_id(value, "College", "collegeId") if value is not None else None


def user_ref(user_id: str) -> User:
    """The ``User`` entity of an identity account id."""
    from subgraphs.courses.schema.user import User

    return User.of(user_id)


def _readable(actor: Principal, college_id: str) -> bool:
    return actor.has(READ) and can_see(actor, college_id)


@strawberry.federation.type(keys=["id"], description="An academic department of a college.")
class Department:
    id: strawberry.ID = strawberry.field(description="Global id of the department.")
    code: str = strawberry.field(description="Short code, upper-case, unique in the college.")
    name: str = strawberry.field(description="Name of the department.")
    created_at: datetime = strawberry.field(description="When it was created (UTC).")
    row_id: strawberry.Private[str]
    college_id: strawberry.Private[str]

    @classmethod
    def from_model(cls, row: models.Department) -> Department:
        return cls(
            id=strawberry.ID(to_global_id("Department", row.id)),
            code=row.code,
            name=row.name,
            created_at=_utc(row.created_at),
            row_id=row.id,
            college_id=row.college_id,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Department | None:
        """The department, for holders of `course:read` in its college; else null."""
        principal = require_principal(info)
        row = await department_by_id(info).load(local_id(id, "Department", "id"))
        if row is None or not _readable(principal, row.college_id):
            return None
        return cls.from_model(row)


@strawberry.federation.type(keys=["id"], description="A teaching period of a college.")
class Term:
    id: strawberry.ID = strawberry.field(description="Global id of the term.")
    name: str = strawberry.field(description="Name, such as `Fall 2026`.")
    starts_on: date = strawberry.field(description="First day of the term.")
    ends_on: date = strawberry.field(description="Last day of the term.")
    row_id: strawberry.Private[str]
    college_id: strawberry.Private[str]

    @classmethod
    def from_model(cls, row: models.Term) -> Term:
        return cls(
            id=strawberry.ID(to_global_id("Term", row.id)),
            name=row.name,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            row_id=row.id,
            college_id=row.college_id,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Term | None:
        """The term, for holders of `course:read` in its college; else null."""
        principal = require_principal(info)
        row = await term_by_id(info).load(local_id(id, "Term", "id"))
        if row is None or not _readable(principal, row.college_id):
            return None
        return cls.from_model(row)


@strawberry.federation.type(
    keys=["id"], description="Students of a department who started together (a cohort)."
)
class Batch:
    id: strawberry.ID = strawberry.field(description="Global id of the batch.")
    name: str = strawberry.field(description="Name, such as `CSE 2026`.")
    intake_year: int = strawberry.field(description="Year the batch started.")
    row_id: strawberry.Private[str]
    college_id: strawberry.Private[str]
    department_id: strawberry.Private[str]

    @classmethod
    def from_model(cls, row: models.Batch) -> Batch:
        return cls(
            id=strawberry.ID(to_global_id("Batch", row.id)),
            name=row.name,
            intake_year=row.intake_year,
            row_id=row.id,
            college_id=row.college_id,
            department_id=row.department_id,
        )

    @strawberry.field(description="The department the batch belongs to.")  # type: ignore[untyped-decorator]
    async def department(self, info: Info) -> Department:
        row = await department_by_id(info).load(self.department_id)
        assert row is not None  # a foreign key
        return Department.from_model(row)

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Batch | None:
        """The batch, for holders of `course:read` in its college; else null."""
        principal = require_principal(info)
        row = await batch_by_id(info).load(local_id(id, "Batch", "id"))
        if row is None or not _readable(principal, row.college_id):
            return None
        return cls.from_model(row)


@strawberry.federation.type(
    keys=["id"], description="A course of the catalogue, taught in sections."
)
class Course:
    id: strawberry.ID = strawberry.field(description="Global id of the course.")
    code: str = strawberry.field(description="Short code, upper-case, unique in the college.")
    title: str = strawberry.field(description="Title of the course.")
    description: str = strawberry.field(description="What the course is about.")
    credits: Decimal = strawberry.field(description="Credits, 0 to 999.9.")
    status: CourseStatus = strawberry.field(description="Draft, published or archived.")
    created_at: datetime = strawberry.field(description="When it was created (UTC).")
    updated_at: datetime = strawberry.field(description="When it last changed (UTC).")
    row_id: strawberry.Private[str]
    college_id: strawberry.Private[str]
    department_id: strawberry.Private[str]

    @classmethod
    def from_model(cls, row: models.Course) -> Course:
        return cls(
            id=strawberry.ID(to_global_id("Course", row.id)),
            code=row.code,
            title=row.title,
            description=row.description,
            credits=row.credits,
            status=CourseStatus(row.status.value),
            created_at=_utc(row.created_at),
            updated_at=_utc(row.updated_at),
            row_id=row.id,
            college_id=row.college_id,
            department_id=row.department_id,
        )

    @strawberry.field(description="The department offering the course.")  # type: ignore[untyped-decorator]
    async def department(self, info: Info) -> Department:
        row = await department_by_id(info).load(self.department_id)
        assert row is not None  # a foreign key
        return Department.from_model(row)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The course's sections by code, of one term when `termId` is given."
    )
    async def sections(
        self,
        info: Info,
        term_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this `Term`'s sections.")
        ] = None,
    ) -> list[Section]:
        rows = await sections_by_course_id(info).load(self.row_id)
        if term_id is not None:
            term = local_id(term_id, "Term", "termId")
            rows = [row for row in rows if row.term_id == term]
        return [Section.from_model(row) for row in rows]

    modules: list[Module] = strawberry.field(
        resolver=course_modules, description=MODULES_DESCRIPTION
    )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Course | None:
        """The course, for holders of `course:read` in its college (a draft: for those who
        make courses and the people of its sections); else null."""
        principal = require_principal(info)
        row = await course_by_id(info).load(local_id(id, "Course", "id"))
        if row is None or not _readable(principal, row.college_id):
            return None
        if (
            row.status == models.CourseStatus.DRAFT
            and not courses.sees_drafts(principal)
            and not await _in_a_section_of(info, principal, row.id)
        ):
            return None
        return cls.from_model(row)


async def _in_a_section_of(info: Info, principal: Principal, course_id: str) -> bool:
    """Whether the viewer is a member of a section of ``course_id`` (see
    :func:`subgraphs.courses.courses.draft_readable`), through the request's loaders: a
    batch of references costs the viewer's memberships and their sections, once."""
    if principal.user_id is None:
        return False
    memberships = await members_by_user_id(info).load(principal.user_id)
    sections = await section_by_id(info).load_many([m.section_id for m in memberships])
    return any(section is not None and section.course_id == course_id for section in sections)


@strawberry.type(description="A student waiting for a seat.")
class WaitlistEntry:
    position: int = strawberry.field(
        description="Place in line (1 is first; gaps are left by promotions and drops)."
    )
    user: UserRef = strawberry.field(description="The student waiting.")
    created_at: datetime = strawberry.field(description="When the student joined the line.")


@strawberry.type(description="One change of a person's place in a section (never edited).")
class EnrollmentHistoryEntry:
    id: strawberry.ID = strawberry.field(description="Global id of the entry.")
    action: EnrollmentAction = strawberry.field(description="What happened.")
    user: UserRef = strawberry.field(description="Whose place changed.")
    actor: UserRef | None = strawberry.field(
        description="Who made the change; null when nobody did directly."
    )
    at: datetime = strawberry.field(description="When it happened (UTC).")

    @classmethod
    def from_model(cls, row: models.EnrollmentHistory) -> EnrollmentHistoryEntry:
        return cls(
            id=strawberry.ID(to_global_id("EnrollmentHistoryEntry", row.id)),
            action=EnrollmentAction(row.action.value),
            user=user_ref(row.user_id),
            actor=user_ref(row.actor_id) if row.actor_id else None,
            at=_utc(row.at),
        )


CLASS_LIST_RULE = (
    "Readable by holders of `section:manage` in the college, and by the section's "
    "instructors and teaching assistants holding `enrollment:read`; FORBIDDEN for others."
)


@strawberry.federation.type(
    keys=["id"], description="One offering of a course in a term, with its own seats."
)
class Section:
    id: strawberry.ID = strawberry.field(description="Global id of the section.")
    code: str = strawberry.field(description="`A`, `B` ...: unique within the course and term.")
    capacity: int = strawberry.field(description="Seats for students.")
    status: SectionStatus = strawberry.field(description="Open, closed or cancelled.")
    created_at: datetime = strawberry.field(description="When it was created (UTC).")
    row_id: strawberry.Private[str]
    college_id: strawberry.Private[str]
    course_id: strawberry.Private[str]
    term_id: strawberry.Private[str]
    batch_id: strawberry.Private[str | None]

    @classmethod
    def from_model(cls, row: models.Section) -> Section:
        return cls(
            id=strawberry.ID(to_global_id("Section", row.id)),
            code=row.code,
            capacity=row.capacity,
            status=SectionStatus(row.status.value),
            created_at=_utc(row.created_at),
            row_id=row.id,
            college_id=row.college_id,
            course_id=row.course_id,
            term_id=row.term_id,
            batch_id=row.batch_id,
        )

    @strawberry.field(description="The course taught.")  # type: ignore[untyped-decorator]
    async def course(self, info: Info) -> Course:
        row = await course_by_id(info).load(self.course_id)
        assert row is not None  # a foreign key
        return Course.from_model(row)

    @strawberry.field(description="The term it is taught in.")  # type: ignore[untyped-decorator]
    async def term(self, info: Info) -> Term:
        row = await term_by_id(info).load(self.term_id)
        assert row is not None  # a foreign key
        return Term.from_model(row)

    @strawberry.field(description="The batch it is planned for, if any.")  # type: ignore[untyped-decorator]
    async def batch(self, info: Info) -> Batch | None:
        if self.batch_id is None:
            return None
        row = await batch_by_id(info).load(self.batch_id)
        return Batch.from_model(row) if row is not None else None

    async def _members(self, info: Info, role: models.MemberRole) -> list[models.SectionMember]:
        members = await members_by_section_id(info).load(self.row_id)
        return [member for member in members if member.role is role]

    @strawberry.field(description="Its instructors, in the order they were assigned.")  # type: ignore[untyped-decorator]
    async def instructors(self, info: Info) -> list[UserRef]:
        members = await self._members(info, models.MemberRole.INSTRUCTOR)
        return [user_ref(member.user_id) for member in members]

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Its teaching assistants, in the order they were assigned."
    )
    async def teaching_assistants(self, info: Info) -> list[UserRef]:
        members = await self._members(info, models.MemberRole.TEACHING_ASSISTANT)
        return [user_ref(member.user_id) for member in members]

    meetings: list[Meeting] = strawberry.field(
        resolver=section_meetings, description="Its weekly meetings, by weekday and start time."
    )

    modules: list[Module] = strawberry.field(
        resolver=section_modules, description=MODULES_DESCRIPTION
    )

    @strawberry.field(description="Students holding a seat.")  # type: ignore[untyped-decorator]
    async def seats_taken(self, info: Info) -> int:
        return await seats_taken_by_section_id(info).load(self.row_id)

    @strawberry.field(description="Seats still free (never below 0).")  # type: ignore[untyped-decorator]
    async def seats_left(self, info: Info) -> int:
        return max(0, self.capacity - await seats_taken_by_section_id(info).load(self.row_id))

    async def _check_class_list(self, info: Info) -> None:
        principal = require_principal(info)
        members = await members_by_section_id(info).load(self.row_id)
        if not may_read_class_list(principal, self.college_id, members):
            raise PermissionDenied(
                "Only the section's teaching staff and section managers read its class list."
            )

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=f"The class list: students holding a seat, first enrolled first. "
        f"{CLASS_LIST_RULE}"
    )
    async def students(self, info: Info) -> list[Enrollment] | None:
        await self._check_class_list(info)
        members = await self._members(info, models.MemberRole.STUDENT)
        return [Enrollment.from_model(member) for member in members]

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=f"Students waiting for a seat, first in line first. {CLASS_LIST_RULE}"
    )
    async def waitlist(self, info: Info) -> list[WaitlistEntry] | None:
        await self._check_class_list(info)
        entries = await waitlist_by_section_id(info).load(self.row_id)
        return [
            WaitlistEntry(
                position=entry.position,
                user=user_ref(entry.user_id),
                created_at=_utc(entry.created_at),
            )
            for entry in entries
        ]

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=f"Every enrolment change of the section, newest first. {CLASS_LIST_RULE}"
    )
    async def enrollment_history(
        self,
        info: Info,
        first: PageSize = None,
        after: AfterCursor = None,
    ) -> Connection[EnrollmentHistoryEntry] | None:
        await self._check_class_list(info)
        history = models.EnrollmentHistory
        statement = select(history).where(history.section_id == self.row_id)
        async with api_of(info).database.session() as session:
            page = await paginate(
                session, statement, order_by=[history.at.desc()], first=first, after=after
            )
        return Connection.from_page(page, EnrollmentHistoryEntry.from_model)

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Section | None:
        """The section, for holders of `course:read` in its college; else null."""
        principal = require_principal(info)
        row = await section_by_id(info).load(local_id(id, "Section", "id"))
        if row is None or not _readable(principal, row.college_id):
            return None
        return cls.from_model(row)


@strawberry.federation.type(
    keys=["id"],
    description="A person's membership of a section: a student's seat, or a teaching role.",
)
class Enrollment:
    id: strawberry.ID = strawberry.field(description="Global id of the membership.")
    role: SectionRole = strawberry.field(description="Student, teaching assistant or instructor.")
    enrolled_at: datetime = strawberry.field(description="When the person joined (UTC).")
    section_id: strawberry.Private[str]
    user_id: strawberry.Private[str]

    @classmethod
    def from_model(cls, row: models.SectionMember) -> Enrollment:
        return cls(
            id=strawberry.ID(to_global_id("Enrollment", row.id)),
            role=SectionRole(row.role.value),
            enrolled_at=_utc(row.created_at),
            section_id=row.section_id,
            user_id=row.user_id,
        )

    @strawberry.field(description="The section.")  # type: ignore[untyped-decorator]
    async def section(self, info: Info) -> Section:
        row = await section_by_id(info).load(self.section_id)
        assert row is not None  # a foreign key
        return Section.from_model(row)

    @strawberry.field(description="The person.")  # type: ignore[untyped-decorator]
    def user(self) -> UserRef:
        return user_ref(self.user_id)

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Enrollment | None:
        """The membership, for the person and holders of `enrollment:read` in its college."""
        principal = require_principal(info)
        member = await member_by_id(info).load(local_id(id, "Enrollment", "id"))
        if member is None or not may_read_memberships(principal, member.user_id):
            return None
        section = await section_by_id(info).load(member.section_id)
        if section is None or not can_see(principal, section.college_id):
            return None
        return cls.from_model(member)
