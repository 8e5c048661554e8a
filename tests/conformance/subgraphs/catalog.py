"""The ``catalog`` subgraph of the campus fixture set (Strawberry federation).

Owns ``Course`` (two keys: ``id`` and ``code``), its ``Content`` (an
interface implemented by the ``Page`` and ``Video`` entities), the
``SearchResult`` union and ``Level``; extends ``User`` with the courses a
person teaches. ``Course.enrollmentLimit`` is taken over by ``workload``
(``@override``): the value here is deliberately wrong, so a gateway that
still asks this subgraph shows it.

Mutations work on drafts, which ``Query.courses`` never lists, so the
read-only cases give the same answer whatever ran before them. A draft is
keyed by its code and ``courseCreate`` replaces it, so a mutation case
starting with ``courseCreate`` is repeatable.

Serve: ``uvicorn tests.conformance.subgraphs.catalog:app --port N``.
"""

from __future__ import annotations

import enum
from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry.asgi import GraphQL

__all__ = ["app", "schema"]

WRONG_ENROLLMENT_LIMIT = -1


@strawberry.enum(description="How far into a programme a course sits.")
class Level(enum.Enum):
    INTRO = "INTRO"
    INTERMEDIATE = "INTERMEDIATE"
    ADVANCED = "ADVANCED"


@strawberry.enum(description="Where a course is in its life.")
class CourseStatus(enum.Enum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"


@strawberry.federation.interface(description="Something a course is made of.")
class Content:
    id: strawberry.ID
    title: str


@strawberry.federation.type(keys=["id"], description="A page of text.")
class Page(Content):
    body: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Page | None:
        found = CONTENTS.get(str(id))
        return found if isinstance(found, Page) else None


@strawberry.federation.type(keys=["id"], description="A recorded lecture.")
class Video(Content):
    duration_seconds: int

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Video | None:
        found = CONTENTS.get(str(id))
        return found if isinstance(found, Video) else None


@strawberry.federation.type(keys=["id"], description="A person, as far as the catalog knows.")
class User:
    id: strawberry.ID

    @strawberry.field(description="Courses this person teaches, in id order.")
    def taught(self) -> list[Course]:
        return [course for course in COURSES.values() if course.instructor_id == self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        return User(id=id)


@strawberry.federation.type(keys=["id", "code"], description="A course in the catalog.")
class Course:
    id: strawberry.ID
    code: str
    title: str = strawberry.federation.field(shareable=True)
    level: Level
    credits: int
    status: CourseStatus
    tags: list[str]
    instructor_id: strawberry.Private[strawberry.ID]
    content_ids: strawberry.Private[tuple[str, ...]]

    @strawberry.field(description="Who teaches it.")
    def instructor(self) -> User:
        return User(id=self.instructor_id)

    @strawberry.field(description="Its pages and videos, in order.")
    def contents(self) -> list[Content]:
        return [CONTENTS[content_id] for content_id in self.content_ids]

    @strawberry.field(description="Seats; owned by the workload subgraph now.")
    def enrollment_limit(self) -> int | None:
        return WRONG_ENROLLMENT_LIMIT

    @classmethod
    def resolve_reference(
        cls, id: strawberry.ID | None = None, code: str | None = None
    ) -> Course | None:
        if id is not None:
            return _course_by_id(str(id))
        return _course_by_code(str(code))


SearchResult = Annotated[Course | User, strawberry.union("SearchResult")]


@strawberry.input(description="Which courses to list.")
class CourseFilter:
    level: Level | None = None
    title_contains: str | None = None
    min_credits: int = 0
    tags: list[str] | None = None


@strawberry.input(description="A new draft course.")
class CourseCreateInput:
    code: str
    title: str
    instructor_id: strawberry.ID
    level: Level = Level.INTRO
    credits: int = 3
    tags: list[str] = strawberry.field(default_factory=lambda: ["draft"])


CONTENTS: dict[str, Content] = {
    content.id: content
    for content in (
        Page(id=strawberry.ID("p1"), title="Welcome", body="Read this first."),
        Video(id=strawberry.ID("v1"), title="Hello, world", duration_seconds=300),
        Page(id=strawberry.ID("p2"), title="Trees", body="Binary, balanced, B."),
        Video(id=strawberry.ID("v2"), title="Hash tables", duration_seconds=1260),
        Video(id=strawberry.ID("v3"), title="Parsing", duration_seconds=2400),
        Page(id=strawberry.ID("p3"), title="Proofs", body="Induction, then contradiction."),
    )
}  # fmt: skip

COURSES: dict[str, Course] = {
    course.id: course
    for course in (
        Course(id=strawberry.ID("c1"), code="CS101", title="Introduction to Programming",
               level=Level.INTRO, credits=4, status=CourseStatus.PUBLISHED,
               tags=["programming", "python"], instructor_id=strawberry.ID("u1"),
               content_ids=("p1", "v1")),
        Course(id=strawberry.ID("c2"), code="CS201", title="Data Structures",
               level=Level.INTERMEDIATE, credits=5, status=CourseStatus.PUBLISHED,
               tags=["programming", "algorithms"], instructor_id=strawberry.ID("u2"),
               content_ids=("p2", "v2")),
        Course(id=strawberry.ID("c3"), code="CS301", title="Compilers",
               level=Level.ADVANCED, credits=6, status=CourseStatus.PUBLISHED,
               tags=["languages"], instructor_id=strawberry.ID("u3"), content_ids=("v3",)),
        Course(id=strawberry.ID("c4"), code="MA101", title="Discrete Mathematics",
               level=Level.INTRO, credits=3, status=CourseStatus.PUBLISHED,
               tags=["mathematics"], instructor_id=strawberry.ID("u1"), content_ids=("p3",)),
        Course(id=strawberry.ID("c5"), code="CS350", title="Distributed Systems",
               level=Level.ADVANCED, credits=6, status=CourseStatus.PUBLISHED,
               tags=["systems", "algorithms"], instructor_id=strawberry.ID("u2"),
               content_ids=()),
    )
}  # fmt: skip

DRAFTS: dict[str, Course] = {}


def _course_by_id(course_id: str) -> Course | None:
    found = COURSES.get(course_id)
    if found is None:
        found = next((c for c in DRAFTS.values() if c.id == course_id), None)
    return found


def _course_by_code(code: str) -> Course | None:
    found = next((c for c in COURSES.values() if c.code == code), None)
    return found if found is not None else DRAFTS.get(code)


def _matches(course: Course, where: CourseFilter) -> bool:
    return (
        (where.level is None or course.level == where.level)
        and (where.title_contains is None or where.title_contains.lower() in course.title.lower())
        and course.credits >= where.min_credits
        and (where.tags is None or any(tag in course.tags for tag in where.tags))
    )


def _draft(code: str) -> Course:
    draft = DRAFTS.get(code)
    if draft is None:
        raise GraphQLError(f"No draft course {code}", extensions={"code": "COURSE_NOT_FOUND"})
    return draft


@strawberry.type
class Query:
    @strawberry.field(
        description="Published courses in id order, at most `first` of them (all if null)."
    )
    def courses(self, first: int | None = 10, filter: CourseFilter | None = None) -> list[Course]:
        where = filter if filter is not None else CourseFilter()
        found = [course for course in COURSES.values() if _matches(course, where)]
        return found if first is None else found[:first]

    @strawberry.field(description="One course (published or draft) by id.")
    def course(self, id: strawberry.ID) -> Course | None:
        return _course_by_id(str(id))

    @strawberry.field(description="One course by its code.")
    def course_by_code(self, code: str) -> Course | None:
        return _course_by_code(code)

    @strawberry.field(description="Courses whose title has the term, then their instructors.")
    def search(self, term: str) -> list[SearchResult]:
        courses = [c for c in COURSES.values() if term.lower() in c.title.lower()]
        instructors = list(dict.fromkeys(c.instructor_id for c in courses))
        return [*courses, *(User(id=user_id) for user_id in instructors)]

    @strawberry.field(description="One page or video by id.")
    def content(self, id: strawberry.ID) -> Content | None:
        return CONTENTS.get(str(id))


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create (or replace) the draft with this code.")
    def course_create(self, input: CourseCreateInput) -> Course:
        draft = Course(
            id=strawberry.ID(f"draft-{input.code}"),
            code=input.code,
            title=input.title,
            level=input.level,
            credits=input.credits,
            status=CourseStatus.DRAFT,
            tags=list(input.tags),
            instructor_id=input.instructor_id,
            content_ids=(),
        )
        DRAFTS[input.code] = draft
        return draft

    @strawberry.mutation(description="Give a draft a new title.")
    def course_retitle(self, code: str, title: str) -> Course:
        draft = _draft(code)
        draft.title = title
        return draft

    @strawberry.mutation(description="Publish a draft.")
    def course_publish(self, code: str) -> Course:
        draft = _draft(code)
        draft.status = CourseStatus.PUBLISHED
        return draft


schema = strawberry.federation.Schema(
    query=Query, mutation=Mutation, types=[Course, Page, Video, User]
)
app = GraphQL(schema, graphql_ide=None)
