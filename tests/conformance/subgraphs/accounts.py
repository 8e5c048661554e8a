"""The ``accounts`` subgraph of the campus fixture set (Strawberry federation).

Owns ``User``. ``Query.me`` reads the caller from ``Authorization: Bearer
<user id>``, so it proves the gateway forwards the header. Three fields fail
on purpose: ``Query.announcement`` (a plain exception, no code),
``User.nickname`` (nullable, fails for Grace) and ``User.legalName``
(non-null, fails for Grace, so the null propagates to the parent).

Serve: ``uvicorn tests.conformance.subgraphs.accounts:app --port N``.
"""

from __future__ import annotations

import enum

import strawberry
from graphql import GraphQLError
from strawberry.asgi import GraphQL
from strawberry.types import Info

__all__ = ["app", "schema"]

LOCKED_USER = "u3"


@strawberry.enum(description="What a person does on campus.")
class Role(enum.Enum):
    STUDENT = "STUDENT"
    INSTRUCTOR = "INSTRUCTOR"
    ADMIN = "ADMIN"


@strawberry.federation.type(keys=["id"], description="A person with an account.")
class User:
    id: strawberry.ID
    name: str = strawberry.federation.field(shareable=True)
    email: str
    role: Role
    nickname_value: strawberry.Private[str | None]
    legal_name_value: strawberry.Private[str]

    @strawberry.field(description="What friends call them; fails for a locked profile.")
    def nickname(self) -> str | None:
        if self.id == LOCKED_USER:
            raise GraphQLError("Profile is locked", extensions={"code": "PROFILE_LOCKED"})
        return self.nickname_value

    @strawberry.field(description="Name on official documents; fails for a locked profile.")
    def legal_name(self) -> str:
        if self.id == LOCKED_USER:
            raise GraphQLError("Legal name is sealed", extensions={"code": "PROFILE_LOCKED"})
        return self.legal_name_value

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User | None:
        return USERS.get(str(id))


USERS: dict[str, User] = {
    user.id: user
    for user in (
        User(id=strawberry.ID("u1"), name="Ada Lovelace", email="ada@campus.test",
             role=Role.INSTRUCTOR, nickname_value="Countess", legal_name_value="Augusta Ada King"),
        User(id=strawberry.ID("u2"), name="Alan Turing", email="alan@campus.test",
             role=Role.INSTRUCTOR, nickname_value=None, legal_name_value="Alan Mathison Turing"),
        User(id=strawberry.ID("u3"), name="Grace Hopper", email="grace@campus.test",
             role=Role.INSTRUCTOR, nickname_value="Amazing Grace",
             legal_name_value="Grace Brewster Hopper"),
        User(id=strawberry.ID("u4"), name="Edsger Dijkstra", email="edsger@campus.test",
             role=Role.STUDENT, nickname_value="EWD", legal_name_value="Edsger Wybe Dijkstra"),
        User(id=strawberry.ID("u5"), name="Barbara Liskov", email="barbara@campus.test",
             role=Role.ADMIN, nickname_value=None, legal_name_value="Barbara Jane Liskov"),
    )
}  # fmt: skip


def _caller(info: Info) -> User | None:
    header = info.context["request"].headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return USERS.get(token.strip())


@strawberry.type
class Query:
    @strawberry.field(description="The caller, from `Authorization: Bearer <user id>`.")
    def me(self, info: Info) -> User | None:
        return _caller(info)

    @strawberry.field(description="Every account, in id order.")
    def users(self) -> list[User]:
        return list(USERS.values())

    @strawberry.field(description="One account by id.")
    def user(self, id: strawberry.ID) -> User | None:
        return USERS.get(str(id))

    @strawberry.field(description="The campus announcement; its service is always down.")
    def announcement(self) -> str | None:
        raise RuntimeError("Announcement service unavailable")


schema = strawberry.federation.Schema(query=Query, types=[User])
app = GraphQL(schema, graphql_ide=None)
