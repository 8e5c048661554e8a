"""``node(id:)`` and ``nodes(ids:)`` through the gateway, over two in-process subgraphs."""

from __future__ import annotations

from typing import Any

from shared.graphql.relay import to_global_id
from tests.gateway.node.conftest import Query
from tests.gateway.node.subgraphs import BOOKS, HIDDEN_BOOK, PEOPLE, VAULT

DUNE, EMMA = BOOKS
ADA, EMMY = PEOPLE

FRAGMENTS = """
query Both($book: ID!, $person: ID!) {
  book: node(id: $book) { __typename id ... on Book { title reader { name } } }
  person: node(id: $person) { __typename ... on Person { name } ... on Book { title } }
}
"""


def _codes(body: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    return [(e["extensions"]["code"], e["path"]) for e in body.get("errors", [])]


async def test_nodes_of_two_subgraphs_in_one_request(query: Query) -> None:
    # Given a book (library) and a person (people), fetched by global id in one request
    # When both are asked for through node(id:), with fragments on several types
    body = await query(FRAGMENTS, book=DUNE, person=ADA)

    # Then each comes from its own subgraph, the book's reader from the other
    assert body == {
        "data": {
            "book": {"__typename": "Book", "id": DUNE, "title": "Dune", "reader": {"name": "Ada"}},
            "person": {"__typename": "Person", "name": "Ada"},
        }
    }


async def test_typename_only_still_asks_the_owner(query: Query) -> None:
    # Given a book id the library does not return (another college's, say)
    # When only __typename and id are selected
    body = await query("query($id: ID!) { node(id: $id) { __typename id } }", id=HIDDEN_BOOK)

    # Then the owner was asked all the same: the node is null, NOT_FOUND at ["node"]
    assert body["data"] == {"node": None}
    assert _codes(body) == [("NOT_FOUND", ["node"])]
    assert HIDDEN_BOOK in body["errors"][0]["message"]


async def test_unknown_type_and_malformed_ids_are_not_found(query: Query) -> None:
    # Given an id of a type that is not a Node type, and a string that is no id at all
    unknown = to_global_id("Shelf", "A")
    malformed = "not an id!"

    # When each is asked for
    first = await query("query($id: ID!) { node(id: $id) { id } }", id=unknown)
    second = await query("query($id: ID!) { node(id: $id) { id } }", id=malformed)

    # Then both are null with NOT_FOUND at ["node"]
    for body in (first, second):
        assert body["data"] == {"node": None}
        assert _codes(body) == [("NOT_FOUND", ["node"])]


async def test_nodes_mixes_found_and_not_found(query: Query) -> None:
    # Given ids of a book, a hidden book, a person, a malformed id and a second book
    ids = [DUNE, HIDDEN_BOOK, EMMY, "%%%", EMMA]

    # When they are asked for with nodes(ids:)
    body = await query(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Book { title } "
        "... on Person { name } } }",
        ids=ids,
    )

    # Then found ones come in order, the others are null with NOT_FOUND at their index
    assert body["data"] == {
        "nodes": [
            {"id": DUNE, "title": "Dune"},
            None,
            {"id": EMMY, "name": "Emmy"},
            None,
            {"id": EMMA, "title": "Emma"},
        ]
    }
    assert sorted(_codes(body)) == [("NOT_FOUND", ["nodes", 1]), ("NOT_FOUND", ["nodes", 3])]


async def test_a_permission_error_of_the_owner_keeps_its_code(query: Query) -> None:
    # Given a vault, whose subgraph refuses every caller with FORBIDDEN
    # When it is asked for through node(id:)
    body = await query("query($id: ID!) { node(id: $id) { id } }", id=VAULT)

    # Then the node is null with the subgraph's FORBIDDEN, and no NOT_FOUND besides
    assert body["data"] == {"node": None}
    assert _codes(body) == [("FORBIDDEN", ["node"])]
    assert body["errors"][0]["extensions"]["serviceName"] == "library"


async def test_aliases_and_the_same_id_twice(query: Query) -> None:
    # Given the same hidden id under two aliases, and a found one whose alias is `id`
    body = await query(
        "query($hidden: ID!, $dune: ID!) { a: node(id: $hidden) { id } "
        "b: node(id: $hidden) { id } c: node(id: $dune) { id: __typename } }",
        hidden=HIDDEN_BOOK,
        dune=DUNE,
    )

    # Then each alias gets its own null and error, and the found one its __typename
    assert body["data"] == {"a": None, "b": None, "c": {"id": "Book"}}
    assert sorted(_codes(body)) == [("NOT_FOUND", ["a"]), ("NOT_FOUND", ["b"])]


async def test_too_many_ids_are_refused(query: Query) -> None:
    # Given 101 ids
    ids = [DUNE] * 101

    # When they are asked for with nodes(ids:)
    body = await query("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", ids=ids)

    # Then the request is refused with BAD_USER_INPUT, saying the limit
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    assert "at most 100" in body["errors"][0]["message"]
