"""Two small federation subgraphs the edge tests put the gateway in front of.

``courses`` owns ``Course`` (and the ``courseRename`` mutation); ``people``
owns ``Person`` and adds ``Course.teacher``, so a query for courses with
their teachers needs an entity fetch from one subgraph to the other.
``people.whoami`` answers with the headers the subgraph received.
"""

from __future__ import annotations

import enum

import strawberry
from strawberry.types import Info

__all__ = ["COURSES", "PEOPLE", "courses_schema", "people_schema"]

COURSES = {"c1": ("Algebra", "INTRO", "p1"), "c2": ("Topology", "ADVANCED", "p2")}
PEOPLE = {"p1": "Ada", "p2": "Emmy"}


@strawberry.enum
class Level(enum.Enum):
    INTRO = "INTRO"
    ADVANCED = "ADVANCED"


@strawberry.federation.type(keys=["id"])
class Course:
    id: strawberry.ID
    title: str
    level: Level

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Course | None:
        return _course(id)


def _course(id: str) -> Course | None:
    found = COURSES.get(id)
    if found is None:
        return None
    return Course(id=strawberry.ID(id), title=found[0], level=Level(found[1]))


@strawberry.type
class CoursesQuery:
    @strawberry.field
    def courses(self, level: Level | None = None) -> list[Course]:
        everything = [_course(id) for id in COURSES]
        return [c for c in everything if c is not None and (level is None or c.level == level)]

    @strawberry.field
    def course(self, id: strawberry.ID) -> Course | None:
        return _course(id)


@strawberry.type(name="Mutation")
class CoursesMutation:
    @strawberry.mutation
    def course_rename(self, id: strawberry.ID, title: str) -> Course | None:
        found = _course(id)
        if found is None:
            return None
        return Course(id=found.id, title=title, level=found.level)


@strawberry.federation.type(keys=["id"])
class Person:
    id: strawberry.ID
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Person | None:
        name = PEOPLE.get(id)
        return None if name is None else Person(id=id, name=name)


@strawberry.federation.type(name="Course", keys=["id"])
class CourseTeacher:
    id: strawberry.ID

    @strawberry.field
    def teacher(self) -> Person:
        teacher_id = COURSES[self.id][2]
        return Person(id=strawberry.ID(teacher_id), name=PEOPLE[teacher_id])

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> CourseTeacher:
        return CourseTeacher(id=id)


@strawberry.type
class SeenHeaders:
    authorization: str | None
    traceparent: str | None
    request_id: str | None


@strawberry.type
class PeopleQuery:
    @strawberry.field
    def people(self) -> list[Person]:
        return [Person(id=strawberry.ID(id), name=name) for id, name in PEOPLE.items()]

    @strawberry.field
    def whoami(self, info: Info) -> SeenHeaders:
        headers = info.context["request"].headers
        return SeenHeaders(
            authorization=headers.get("authorization"),
            traceparent=headers.get("traceparent"),
            request_id=headers.get("x-request-id"),
        )


courses_schema = strawberry.federation.Schema(query=CoursesQuery, mutation=CoursesMutation)
people_schema = strawberry.federation.Schema(query=PeopleQuery, types=[CourseTeacher])
