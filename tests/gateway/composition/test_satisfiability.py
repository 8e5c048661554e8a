"""Satisfiability: sets whose every API field can be reached compose (and Apollo composes
them too); sets where some API query cannot be planned fail with SATISFIABILITY_ERROR,
with Apollo's message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway.composition import SubgraphSource, compose
from tests.gateway.composition.oracle import apollo_compose

HEAD = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", '
    '"@shareable", "@external", "@requires", "@provides", "@override", "@interfaceObject"])\n'
)
REJECTED = Path(__file__).parent / "rejected"

ACCEPTED: dict[str, dict[str, str]] = {
    "shareable value type resolved everywhere": {
        "league": "type Query { standings: Standing } "
        "type Standing { points: Int @shareable rank: Int @shareable }",
        "media": "type Query { highlights: Standing } "
        "type Standing { points: Int @shareable rank: Int @shareable }",
    },
    "jump by key": {
        "accounts": 'type Query { user: User } type User @key(fields: "id") { id: ID! }',
        "billing": 'type User @key(fields: "id") { id: ID! balance: Int }',
    },
    "jump by a key whose fields come from a third subgraph": {
        "catalog": 'type Query { product: Product } type Product @key(fields: "id") { id: ID! }',
        "skus": 'type Product @key(fields: "id") @key(fields: "sku") { id: ID! sku: String! }',
        "stock": 'type Product @key(fields: "sku") { sku: String! quantity: Int }',
    },
    "requires reachable": {
        "products": 'type Query { product: Product } type Product @key(fields: "id") '
        "{ id: ID! weight: Int }",
        "shipping": 'type Product @key(fields: "id") { id: ID! weight: Int @external '
        'cost: Int @requires(fields: "weight") }',
    },
    "provides makes an external field reachable": {
        "reviews": "type Query { review: Review } "
        'type Review { body: String author: User @provides(fields: "name") } '
        'type User @key(fields: "id", resolvable: false) { id: ID! name: String @external }',
        "people": "type Query { users: [User] } "
        'type User @key(fields: "id", resolvable: false) { id: ID! name: String @shareable }',
    },
    "interface object adds a field to every implementation": {
        "media": 'type Query { media: [Media] } interface Media @key(fields: "id") '
        '{ id: ID! title: String } type Book implements Media @key(fields: "id") '
        "{ id: ID! title: String }",
        "ratings": 'type Media @key(fields: "id") @interfaceObject { id: ID! stars: Int }',
    },
    "override moves a field": {
        "legacy": 'type Query { course: Course } type Course @key(fields: "id") '
        "{ id: ID! title: String }",
        "courses": 'type Course @key(fields: "id") '
        '{ id: ID! title: String @override(from: "legacy") }',
    },
    "progressive override keeps both subgraphs serving": {
        "legacy": 'type Query { course: Course } type Course @key(fields: "id") '
        "{ id: ID! title: String }",
        "courses": 'type Course @key(fields: "id") '
        '{ id: ID! title: String @override(from: "legacy", label: "percent(20)") }',
    },
    "shareable root field enters either subgraph": {
        "a": "type Query { shop: Shop @shareable } type Shop { name: String @shareable }",
        "b": "type Query { shop: Shop @shareable } "
        "type Shop { name: String @shareable city: String }",
    },
}


def _sources(subgraphs: dict[str, str]) -> list[SubgraphSource]:
    return [SubgraphSource(name=n, url=f"http://{n}", sdl=HEAD + s) for n, s in subgraphs.items()]


@pytest.mark.parametrize("subgraphs", list(ACCEPTED.values()), ids=list(ACCEPTED))
def test_reachable_fields_compose(subgraphs: dict[str, str], tmp_path: Path) -> None:
    # given subgraphs where every API field can be reached from a root
    files = []
    for name, sdl in subgraphs.items():
        (tmp_path / f"{name}.graphql").write_text(HEAD + sdl)
        files.append((name, f"http://{name}", tmp_path / f"{name}.graphql"))
    # when both compositions run
    ours = compose(_sources(subgraphs))
    apollo, apollo_errors = apollo_compose(files)
    # then both compose
    assert apollo is not None, apollo_errors
    assert ours.supergraph_sdl is not None, ours.errors


UNSATISFIABLE = sorted(
    {
        REJECTED / name
        for name in (
            "external_without_owner",
            "field_without_key",
            "interface_field_one_implementation",
            "key_not_resolvable",
            "override_to_unreachable",
            "requires_unfetchable",
            "value_type_unreachable",
        )
    }
)


@pytest.mark.parametrize("folder", UNSATISFIABLE, ids=[d.name for d in UNSATISFIABLE])
def test_unreachable_fields_fail_with_apollos_message(folder: Path) -> None:
    # given a set where some API field cannot be reached through the subgraphs
    files = sorted(folder.glob("*.graphql"))
    subgraphs = [(p.stem, f"http://{p.stem}", p) for p in files]
    # when both compositions run
    apollo, apollo_errors = apollo_compose(subgraphs)
    ours = compose([SubgraphSource(name=n, url=u, sdl=p.read_text()) for n, u, p in subgraphs])
    # then both fail with the same SATISFIABILITY_ERROR messages
    assert apollo is None
    expected = [
        m.strip() for m in re.split(r"^SATISFIABILITY_ERROR: ", apollo_errors, flags=re.M)[1:]
    ]
    assert expected
    assert ours.supergraph_sdl is None
    assert [e.code for e in ours.errors] == ["SATISFIABILITY_ERROR"] * len(ours.errors)
    assert [e.message for e in ours.errors] == expected


def test_message_names_the_query_and_each_subgraphs_reason() -> None:
    # given a field only in a subgraph where its type has no key
    subgraphs = {
        "a": "type Query { t: T } type T { a: Int @shareable }",
        "b": "type T { a: Int @shareable b: Int }",
    }
    # when composed
    result = compose(_sources(subgraphs))
    # then the error shows the API query that cannot be planned and why, per subgraph
    assert result.supergraph_sdl is None
    assert [str(e) for e in result.errors] == [
        "SATISFIABILITY_ERROR: The following supergraph API query:\n"
        "{\n  t {\n    b\n  }\n}\n"
        "cannot be satisfied by the subgraphs because:\n"
        '- from subgraph "a":\n'
        '  - cannot find field "T.b".\n'
        '  - cannot move to subgraph "b", which has field "T.b", because type "T" has no '
        '@key defined in subgraph "b".'
    ]


def test_witness_query_fills_required_arguments_and_elides_composite_selections() -> None:
    # given an unreachable field with arguments, returning an object
    subgraphs = {
        "a": "type Query { t: T } type T { a: Int @shareable }",
        "b": "type T { a: Int @shareable list(first: Int!, order: Order, in: In!): [U] } "
        "type U { x: Int } enum Order { ASC DESC } input In { id: ID! note: String }",
    }
    # when composed
    result = compose(_sources(subgraphs))
    # then the query gives each argument a value and stands "..." for the selections
    assert result.supergraph_sdl is None
    assert result.errors[0].message.startswith(
        "The following supergraph API query:\n{\n  t {\n"
        '    list(first: 0, order: ASC, in: {id: "<any id>"}) {\n      ...\n    }\n  }\n}\n'
    )
