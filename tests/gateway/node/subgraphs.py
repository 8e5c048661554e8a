"""Two small federation subgraphs whose entities carry Relay global ids.

- ``library``: ``Book @key(id)`` (title; ``HIDDEN_BOOK`` exists but is never
  returned, as another college's object would not be), ``Vault @key(id)``
  (its reference resolver refuses everyone with ``FORBIDDEN``), ``books``.
- ``people``: ``Person @key(id)`` (name), and ``Book.reader`` (a person), so a
  node can lead on into another subgraph.

``Shelf`` (``@key(fields: "code")``) and ``Label`` (``id: String!``) are
entities that are not Node types.
"""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from shared.graphql.relay import to_global_id

__all__ = [
    "BOOKS",
    "HIDDEN_BOOK",
    "PEOPLE",
    "VAULT",
    "library_schema",
    "people_schema",
]

BOOKS = {to_global_id("Book", n): title for n, title in ((1, "Dune"), (2, "Emma"))}
HIDDEN_BOOK = to_global_id("Book", 3)
PEOPLE = {to_global_id("Person", n): name for n, name in ((1, "Ada"), (2, "Emmy"))}
VAULT = to_global_id("Vault", 1)
READERS = dict(zip(BOOKS, PEOPLE, strict=True))


# -- library -----------------------------------------------------------------------
@strawberry.federation.type(keys=["id"])
class Book:
    id: strawberry.ID
    title: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Book | None:
        title = BOOKS.get(id)
        return None if title is None else Book(id=id, title=title)


@strawberry.federation.type(keys=["id"])
class Vault:
    id: strawberry.ID
    secret: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Vault:
        raise GraphQLError(
            "You may not open vaults: ask for permission `vault:open`.",
            extensions={"code": "FORBIDDEN"},
        )


@strawberry.federation.type(keys=["code"])
class Shelf:
    code: str
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, code: str) -> Shelf:
        return Shelf(code=code, id=strawberry.ID(code))


@strawberry.federation.type(keys=["id"])
class Label:
    id: str
    text: str

    @classmethod
    def resolve_reference(cls, id: str) -> Label:
        return Label(id=id, text=id)


@strawberry.type
class LibraryQuery:
    @strawberry.field
    def books(self) -> list[Book]:
        return [Book(id=strawberry.ID(id), title=title) for id, title in BOOKS.items()]

    @strawberry.field
    def shelf(self) -> Shelf:
        return Shelf(code="A", id=strawberry.ID("A"))

    @strawberry.field
    def label(self) -> Label:
        return Label(id="l1", text="new")


library_schema = strawberry.federation.Schema(query=LibraryQuery, types=[Book, Vault])


# -- people ------------------------------------------------------------------------
@strawberry.federation.type(keys=["id"])
class Person:
    id: strawberry.ID
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Person | None:
        name = PEOPLE.get(id)
        return None if name is None else Person(id=id, name=name)


@strawberry.federation.type(keys=["id"], name="Book")
class ReadBook:
    id: strawberry.ID

    @strawberry.field
    def reader(self) -> Person | None:
        person = READERS.get(self.id)
        return None if person is None else Person(id=strawberry.ID(person), name=PEOPLE[person])

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> ReadBook:
        return ReadBook(id=id)


@strawberry.type
class PeopleQuery:
    @strawberry.field
    def people(self) -> list[Person]:
        return [Person(id=strawberry.ID(id), name=name) for id, name in PEOPLE.items()]


people_schema = strawberry.federation.Schema(query=PeopleQuery, types=[Person, ReadBook])
