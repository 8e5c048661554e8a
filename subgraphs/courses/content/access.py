"""Who may manage and who may read a course's content.

* Managing needs ``content:manage``. A holder of ``section:manage`` as well
  (department head, college admin) manages every course of the college; any
  other holder (a teacher) manages the courses they teach — instructor or
  teaching assistant of one of the course's sections — and only the modules
  whose audience lies within the sections they teach. A module's audience is
  every section of the course when it is visible to all, else the sections
  listed for it.
* Reading needs ``content:read`` (or ``content:manage``). The course's
  teaching staff and the college's section managers read everything,
  drafts included; a student reads the published modules visible to a
  section they hold a seat in, and their published items.
* A course of another college is "not found", exactly like one that does
  not exist.

Everything is loaded for many courses at once (two queries), so listing the
content of a page of courses costs the same as listing one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.auth.principal import Principal
from shared.errors import AuthenticationError, PermissionDenied
from subgraphs.courses import tenancy
from subgraphs.courses.content.models import CourseModule
from subgraphs.courses.models import Course, MemberRole, Section, SectionMember

__all__ = [
    "MANAGE",
    "READ",
    "SECTION_MANAGE",
    "CourseAccess",
    "course_access",
    "load_access",
    "not_yours",
    "require_reader",
]

MANAGE = "content:manage"
READ = "content:read"
SECTION_MANAGE = "section:manage"
_STAFF_ROLES = (MemberRole.INSTRUCTOR, MemberRole.TEACHING_ASSISTANT)


@dataclass(frozen=True, kw_only=True)
class CourseAccess:
    """What one actor may do with one course's content."""

    course_id: str
    college_id: str
    sections: frozenset[str]
    """Every section of the course."""
    taught: frozenset[str]
    """Sections the actor teaches (instructor or teaching assistant)."""
    enrolled: frozenset[str]
    """Sections the actor holds a student's seat in."""
    manages_all: bool
    """``content:manage`` with ``section:manage`` (or the super-admin): every module."""
    manages_taught: bool
    """``content:manage`` and teaching a section of the course: the modules of those sections."""
    reads: bool
    """``content:read`` or ``content:manage``."""

    @property
    def is_staff(self) -> bool:
        """Reads every module of the course, drafts included (teaching staff, managers)."""
        return self.manages_all or (self.reads and bool(self.taught))

    @property
    def may_manage_course(self) -> bool:
        """May create modules in the course (some audience is theirs to give)."""
        return self.manages_all or self.manages_taught

    def audience(self, module: CourseModule, listed: Iterable[str]) -> frozenset[str]:
        """The sections that see ``module`` (``listed``: its ``module_section`` rows)."""
        return self.sections if module.visible_to_all else frozenset(listed)

    def may_manage(self, audience: Collection[str]) -> bool:
        """May change a module seen by ``audience`` (or give a module that audience)."""
        if self.manages_all:
            return True
        return self.manages_taught and all(section in self.taught for section in audience)

    def sees_as_student(self, module: CourseModule, audience: Collection[str]) -> bool:
        """Sees ``module`` as a student: published and visible to a section they sit in."""
        return (
            self.reads
            and module.status == "published"
            and any(section in self.enrolled for section in audience)
        )


def require_reader(actor: Principal) -> None:
    """Raise ``UNAUTHENTICATED`` / ``FORBIDDEN`` unless ``actor`` may read course content."""
    if not actor.is_authenticated:
        raise AuthenticationError()
    if not (actor.has(READ) or actor.has(MANAGE)):
        raise PermissionDenied(f"Permission denied: requires {READ!r}.", permission=READ)


async def load_access(
    session: AsyncSession, *, actor: Principal, courses: Collection[Course]
) -> dict[str, CourseAccess]:
    """The actor's access to each of ``courses`` (all of the actor's college), by course id."""
    ids = [course.id for course in courses]
    sections: dict[str, set[str]] = defaultdict(set)
    taught: dict[str, set[str]] = defaultdict(set)
    enrolled: dict[str, set[str]] = defaultdict(set)
    if ids:
        for section_id, course_id in await session.execute(
            select(Section.id, Section.course_id).where(Section.course_id.in_(ids))
        ):
            sections[course_id].add(section_id)
        if actor.user_id is not None:
            rows = await session.execute(
                select(SectionMember.section_id, SectionMember.role, Section.course_id)
                .join(Section, Section.id == SectionMember.section_id)
                .where(SectionMember.user_id == actor.user_id, Section.course_id.in_(ids))
            )
            for section_id, role, course_id in rows:
                (taught if role in _STAFF_ROLES else enrolled)[course_id].add(section_id)
    manager = actor.has(MANAGE)
    manages_all = manager and (actor.has(SECTION_MANAGE) or actor.is_superuser)
    reads = actor.has(READ) or manager
    return {
        course.id: CourseAccess(
            course_id=course.id,
            college_id=course.college_id,
            sections=frozenset(sections[course.id]),
            taught=frozenset(taught[course.id]),
            enrolled=frozenset(enrolled[course.id]),
            manages_all=manages_all,
            manages_taught=manager and bool(taught[course.id]),
            reads=reads,
        )
        for course in courses
    }


async def course_access(session: AsyncSession, *, actor: Principal, course_id: str) -> CourseAccess:
    """The actor's access to the course ``course_id``; ``NOT_FOUND`` for another college's."""
    course = tenancy.visible(actor, await session.get(Course, course_id), "course")
    return (await load_access(session, actor=actor, courses=[course]))[course.id]


def not_yours(what: str) -> PermissionDenied:
    """The refusal for a manager acting on content outside what they manage (``FORBIDDEN``)."""
    return PermissionDenied(
        f"Permission denied: this {what} is not among the content you manage.",
        permission=MANAGE,
    )
