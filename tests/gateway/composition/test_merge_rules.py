"""A case per merge rule: the API schema and the join metadata composition produces."""

from __future__ import annotations

from graphql import print_schema

from gateway.composition import SubgraphSource, compose
from gateway.supergraph import Supergraph

HEAD = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", '
    '"@shareable", "@external", "@requires", "@provides", "@override", "@inaccessible", '
    '"@tag", "@interfaceObject"])\n'
)


def _compose(**subgraphs: str) -> Supergraph:
    result = compose(
        [SubgraphSource(name=n, url=f"http://{n}", sdl=HEAD + s) for n, s in subgraphs.items()]
    )
    assert result.supergraph_sdl is not None, result.errors
    return Supergraph.parse(result.supergraph_sdl)


def test_entity_fields_merge_with_keys_per_subgraph() -> None:
    supergraph = _compose(
        a='type Query { book: Book } type Book @key(fields: "id") @key(fields: "isbn") '
        "{ id: ID! isbn: String! title: String }",
        # b's resolvable "id" key is what lets a query reach Book.price (satisfiability)
        b='type Book @key(fields: "isbn", resolvable: false) @key(fields: "id") '
        "{ id: ID! isbn: String! price: Int }",
    )
    assert "price: Int" in print_schema(supergraph.api_schema)
    assert [k.fields for k in supergraph.type_in("Book")["a"].keys] == ["id", "isbn"]
    assert supergraph.type_in("Book")["b"].keys[0].resolvable is False
    assert set(supergraph.field_in("Book", "isbn")) == {"a", "b"}
    assert set(supergraph.field_in("Book", "price")) == {"b"}


def test_requires_provides_and_external_are_recorded() -> None:
    supergraph = _compose(
        a='type Query { u: User @provides(fields: "name") } type User @key(fields: "id") '
        '{ id: ID! name: String @external tax: Int @requires(fields: "name") }',
        b='type User @key(fields: "id") { id: ID! name: String @shareable }',
    )
    assert supergraph.field_in("User", "name")["a"].external is True
    assert supergraph.field_in("User", "tax")["a"].requires is not None
    assert supergraph.field_in("Query", "u")["a"].provides is not None


def test_override_moves_the_field_and_label_keeps_both() -> None:
    supergraph = _compose(
        a='type Query { c: C } type C @key(fields: "id") { id: ID! t: String '
        '@override(from: "b") n: Int @override(from: "b", label: "percent(10)") }',
        b='type C @key(fields: "id") { id: ID! t: String n: Int }',
    )
    assert set(supergraph.field_in("C", "t")) == {"a"}
    assert supergraph.field_in("C", "t")["a"].override == "b"
    assert supergraph.field_in("C", "n")["b"].override_label == "percent(10)"


def test_inaccessible_and_tag_leave_the_api_schema() -> None:
    supergraph = _compose(a='type Query { a: Int b: Int @inaccessible @tag(name: "x") }')
    assert print_schema(supergraph.api_schema) == "type Query {\n  a: Int\n}"


def test_interface_object_adds_fields_to_the_interface() -> None:
    supergraph = _compose(
        a='type Query { n: Node } interface Node @key(fields: "id") { id: ID! } '
        'type L implements Node @key(fields: "id") { id: ID! }',
        b='type Node @key(fields: "id") @interfaceObject { id: ID! extra: String }',
    )
    assert supergraph.type_in("Node")["b"].is_interface_object is True
    assert "extra: String" in print_schema(supergraph.api_schema).split("type L")[1]


def test_enums_by_usage_and_input_intersection() -> None:
    supergraph = _compose(
        a="type Query { e(a: In, i: I): Out @shareable } enum In { A B } enum Out { A } "
        "input I { x: Int y: Int }",
        b="type Query { e(a: In, i: I): Out @shareable } enum In { A } enum Out { B } "
        "input I { x: Int }",
    )
    api = print_schema(supergraph.api_schema)
    assert "enum In {\n  A\n}" in api
    assert "enum Out {\n  A\n  B\n}" in api
    assert "input I {\n  x: Int\n}" in api
    assert supergraph.enum_values_in("Out", "b") == frozenset({"B"})


def test_federation1_extension_upgrades() -> None:
    result = compose(
        [
            SubgraphSource(
                name="a",
                url="http://a",
                sdl='type Query { u: U } type U @key(fields: "id") { id: ID! n: String }',
            ),
            SubgraphSource(
                name="b",
                url="http://b",
                sdl='extend type U @key(fields: "id") { id: ID! @external n: String }',
            ),
        ]
    )
    assert result.supergraph_sdl is not None, result.errors
    supergraph = Supergraph.parse(result.supergraph_sdl)
    assert supergraph.type_in("U")["b"].extension is True
    assert supergraph.field_in("U", "id")["b"].external is False


def test_external_key_fields_of_a_federation2_extension_are_its_own() -> None:
    # given a Federation 2 subgraph extending User with an @external key field
    head = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
        'import: ["@key", "@external", "@extends"])\n'
    )
    a = (
        'type Query { me: User } type User @key(fields: "id") @extends '
        "{ id: ID! @external rid: ID }"
    )
    b = 'type Query { user(id: ID!): User } type User @key(fields: "id") { id: ID! name: String }'
    # when composed
    result = compose(
        [
            SubgraphSource(name="a", url="http://a", sdl=head + a),
            SubgraphSource(name="b", url="http://b", sdl=head + b),
        ]
    )
    # then the key field is resolvable in both subgraphs (no @join__field), as Apollo composes it
    assert result.errors == []
    assert result.supergraph_sdl is not None
    user = result.supergraph_sdl.split("type User", 1)[1].split("}", 1)[0]
    assert '@join__type(graph: A, key: "id", extension: true)' in user
    assert "  id: ID!\n" in user
