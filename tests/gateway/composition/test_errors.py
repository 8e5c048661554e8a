"""A case per composition error: its code and a message naming subgraph, type and field."""

from __future__ import annotations

import pytest

from gateway.composition import ERROR_CODES, SubgraphSource, compose

HEAD = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", '
    '"@shareable", "@external", "@requires", "@provides", "@override"])\n'
)
CASES = {
    "INVALID_FIELD_SHARING": (
        "type Query { a: Int }",
        "type Query { a: Int }",
        'Non-shareable field "Query.a" is resolved from multiple subgraphs',
    ),
    "EXTERNAL_MISSING_ON_BASE": (
        'type Query { u: U } type U @key(fields: "id") { id: ID! n: Int @external }',
        'type U @key(fields: "id") { id: ID! }',
        'Field "U.n" is marked @external on all the subgraphs',
    ),
    "FIELD_TYPE_MISMATCH": (
        "type Query { a: Int @shareable }",
        "type Query { a: String @shareable }",
        'Type of field "Query.a" is incompatible',
    ),
    "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH": (
        "type Query { a(i: I): Int @shareable } input I { x: Int! y: Int }",
        "type Query { a(i: I): Int @shareable } input I { y: Int }",
        'Input object field "I.x" is required in some subgraphs',
    ),
    "ENUM_VALUE_MISMATCH": (
        "type Query { a(e: E): E @shareable } enum E { A B }",
        "type Query { a(e: E): E @shareable } enum E { A }",
        'value "B" is not defined in all the subgraphs',
    ),
    "KEY_FIELDS_SELECT_INVALID_TYPE": (
        'type Query { u: U } type U @key(fields: "i { id }") { i: I } '
        "interface I { id: ID } type X implements I { id: ID }",
        "type Query { b: Int }",
        'field "U.i" is a Interface type which is not allowed in @key',
    ),
    "KEY_INVALID_FIELDS": (
        'type Query { u: U } type U @key(fields: "nope") { id: ID }',
        "type Query { b: Int }",
        'Cannot query field "nope" on type "U"',
    ),
    "INVALID_GRAPHQL": (
        "type Query { a: Missing }",
        "type Query { b: Int }",
        'Unknown type "Missing"',
    ),
    "TYPE_KIND_MISMATCH": (
        "type Query { a: T @shareable } type T { x: Int }",
        "type Query { a: T @shareable } interface T { x: Int }",
        'Type "T" has mismatched kind',
    ),
}


@pytest.mark.parametrize("code", list(CASES))
def test_error_code_and_message(code: str) -> None:
    a, b, message = CASES[code]
    result = compose(
        [
            SubgraphSource(name="a", url="http://a", sdl=HEAD + a),
            SubgraphSource(name="b", url="http://b", sdl=HEAD + b),
        ]
    )
    assert result.supergraph_sdl is None
    assert code in ERROR_CODES
    assert any(e.code == code and message in e.message for e in result.errors), result.errors


@pytest.mark.parametrize(
    ("imported", "applied"),
    [
        ("@context", 'type Query { a: T } type T @context(name: "c") { id: ID }'),
        ("@fromContext", 'type Query { a(x: ID @fromContext(field: "$c { id }")): Int }'),
    ],
)
def test_an_unsupported_feature_is_refused_not_dropped(imported: str, applied: str) -> None:
    # given a subgraph whose field is guarded by a directive the composer cannot carry
    head = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", '
        f'import: ["@key", "{imported}"])\n'
    )
    result = compose([SubgraphSource(name="a", url="http://a", sdl=head + applied)])
    # then composition fails, naming the directive, instead of opening the field
    assert result.supergraph_sdl is None
    [error] = result.errors
    assert error.code == "UNSUPPORTED_FEATURE"
    assert f"[a] uses {imported}, which lms compose does not support yet" in error.message


def test_an_enum_value_inaccessible_in_one_subgraph_is_no_mismatch() -> None:
    # given an enum used as input and output, whose extra value is @inaccessible
    head = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", '
        'import: ["@shareable", "@inaccessible"])\n'
    )
    a = "type Query { a(e: E): E @shareable } enum E { A B @inaccessible }"
    b = "type Query { a(e: E): E @shareable } enum E { A }"
    # when composed
    result = compose(
        [
            SubgraphSource(name="a", url="http://a", sdl=head + a),
            SubgraphSource(name="b", url="http://b", sdl=head + b),
        ]
    )
    # then it composes, as Apollo's composition does
    assert result.errors == []
    assert result.supergraph_sdl is not None
