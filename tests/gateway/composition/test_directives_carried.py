"""Directives carried into the supergraph (@authenticated, @requiresScopes, @policy,
@cost, @listSize, @composeDirective), each set composed by us and by Apollo and compared
on API schema, join metadata, links, definitions and every directive application."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.composition import ERROR_CODES, SubgraphSource, compose
from gateway.composition.directive_values import dnf_conjunction
from tests.gateway.composition.oracle import apollo_compose, summary

FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: [{}])\n'


def fed(*imports: str) -> str:
    return FED.format(", ".join(f'"@{i}"' for i in imports))


AUTH = fed("key", "shareable", "authenticated", "requiresScopes", "policy")
CUSTOM = """extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@composeDirective",
    "@shareable", "@tag", "@inaccessible"])
  @link(url: "https://myspecs.dev/myDirective/v1.{minor}", import: ["@myDirective", "@hello"])
{compose}
directive @myDirective(foo: String!, n: Int = 3) on FIELD_DEFINITION | OBJECT | ARGUMENT_DEFINITION
directive @hello(x: [String]) repeatable on FIELD_DEFINITION | OBJECT | ENUM
"""

SETS: dict[str, dict[str, str]] = {
    "access_control": {
        "a": AUTH
        + """
type Query {
  me: User @authenticated
  users: [User] @requiresScopes(scopes: [["read:users"], ["admin"]]) @policy(policies: [["p1"]])
  grade: Grade @shareable
  secret: Secret @shareable
}
type User @key(fields: "id") @authenticated {
  id: ID!
  name: String @requiresScopes(scopes: [["read:name"]])
}
scalar Secret @requiresScopes(scopes: [["s"]])
enum Grade @policy(policies: [["g"]]) { A B }
""",
        "b": AUTH
        + """
type Query {
  grade: Grade @shareable @requiresScopes(scopes: [["x"]])
  secret: Secret @shareable
}
type User @key(fields: "id") @requiresScopes(scopes: [["read:users"]]) {
  id: ID!
  email: String @policy(policies: [["pe"]])
}
scalar Secret @requiresScopes(scopes: [["t"], ["s"]]) @authenticated
enum Grade @policy(policies: [["h"], ["g"]]) @requiresScopes(scopes: [["gs"]]) { A B }
""",
    },
    "scopes_conjunction": {
        "a": AUTH + 'type Query { c: Int @requiresScopes(scopes: [["a", "b"], ["c"]]) @shareable }',
        "b": AUTH + 'type Query { c: Int @requiresScopes(scopes: [["d"], ["b", "a"]]) @shareable }',
    },
    "interfaces_from_implementations": {
        "a": AUTH
        + """
type Query { nodes: [Node] }
interface Node { id: ID! secret: String }
type User implements Node @key(fields: "id") @authenticated {
  id: ID!
  secret: String @requiresScopes(scopes: [["u"]])
}
type Course implements Node @key(fields: "id") @policy(policies: [["c"]]) {
  id: ID!
  secret: String @requiresScopes(scopes: [["c"]])
}
""",
        "b": AUTH
        + """
type User @key(fields: "id") { id: ID! email: String @authenticated }
""",
    },
    "demand_control": {
        "a": fed("shareable", "cost", "listSize")
        + """
type Query {
  a(first: Int @cost(weight: 2)): [Int] @cost(weight: 5)
    @listSize(assumedSize: 10, slicingArguments: ["first"])
  b(z: Int): [Int] @shareable @cost(weight: 3)
    @listSize(assumedSize: 3, requireOneSlicingArgument: false)
  e(i: I): E
}
input I { x: Int @cost(weight: 1) }
enum E @cost(weight: 4) { A }
""",
        "b": fed("shareable", "cost", "listSize")
        + """
type Query {
  b(z: Int): [Int] @shareable @cost(weight: 7) @listSize(assumedSize: 5, slicingArguments: ["z"])
}
""",
    },
    "compose_directive": {
        "c": CUSTOM.format(
            minor=0,
            compose=(
                '  @composeDirective(name: "@myDirective")\n  @composeDirective(name: "@hello")'
            ),
        )
        + """
directive @notComposed on FIELD_DEFINITION
type Query {
  a(arg: Int @myDirective(foo: "arg")): Int @myDirective(foo: "q") @hello(x: ["1"]) @hello
    @notComposed @shareable @tag(name: "t") @deprecated(reason: "x")
  t: T @shareable
}
type T @myDirective(foo: "type") @hello @key(fields: "id") { id: ID! }
""",
        "d": CUSTOM.format(minor=2, compose='  @composeDirective(name: "@myDirective")')
        + """
type Query {
  a(arg: Int): Int @myDirective(foo: "other") @shareable @hello(x: ["2"])
  t: T @shareable
}
type T @myDirective(foo: "type") @key(fields: "id") { id: ID! }
""",
    },
}


def _files(tmp_path: Path, sdls: dict[str, str]) -> list[tuple[str, str, Path]]:
    result = []
    for name, sdl in sdls.items():
        path = tmp_path / f"{name}.graphql"
        path.write_text(sdl)
        result.append((name, f"http://{name}", path))
    return result


def _ours(subgraphs: list[tuple[str, str, Path]]) -> tuple[str | None, list[str]]:
    result = compose([SubgraphSource(name=n, url=u, sdl=p.read_text()) for n, u, p in subgraphs])
    return result.supergraph_sdl, [e.code for e in result.errors]


@pytest.mark.parametrize("name", list(SETS))
def test_same_directives_as_apollo(name: str, tmp_path: Path) -> None:
    # given subgraphs applying directives the supergraph carries
    subgraphs = _files(tmp_path, SETS[name])
    # when both compositions run
    apollo, apollo_errors = apollo_compose(subgraphs)
    ours, our_errors = _ours(subgraphs)
    # then both succeed with the same API schema, metadata, links, definitions and
    # directive applications
    assert apollo is not None, apollo_errors
    assert ours is not None, our_errors
    assert summary(ours) == summary(apollo)


def test_scopes_of_several_subgraphs_are_all_required() -> None:
    # given the scopes two subgraphs require for one field ((a and b) or c; d or (a and b))
    # when combined
    merged = dnf_conjunction([[["a", "b"], ["c"]], [["d"], ["b", "a"]]])
    # then both requirements hold, redundant alternatives dropped
    assert merged == [["a", "b"], ["c", "d"]]


ERRORS: dict[str, tuple[str, dict[str, str], str]] = {
    "auth_on_interface": (
        "AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE",
        {"a": AUTH + "type Query { n: Node } interface Node @authenticated { id: ID! }"},
        'Invalid use of @authenticated on interface "Node"',
    ),
    "auth_on_interface_field": (
        "AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE",
        {
            "a": AUTH
            + 'type Query { n: Node } interface Node { id: ID! @requiresScopes(scopes: [["s"]]) }'
        },
        'Invalid use of @requiresScopes on field "Node.id"',
    ),
    "merged_on_external": (
        "MERGED_DIRECTIVE_APPLICATION_ON_EXTERNAL",
        {
            "a": AUTH + 'type Query { u: User } type User @key(fields: "id") { id: ID! n: Int }',
            "b": fed("key", "external", "provides", "authenticated")
            + 'type Query { v: User @provides(fields: "n") }\n'
            + 'type User @key(fields: "id") { id: ID! n: Int @external @authenticated }',
        },
        'Cannot apply merged directive @authenticated to external field "User.n"',
    ),
    "compose_undefined": (
        "DIRECTIVE_COMPOSITION_ERROR",
        {
            "a": fed("composeDirective")
            + 'extend schema @composeDirective(name: "@nope")\ntype Query { a: Int }'
        },
        'Could not find matching directive definition for argument to @composeDirective "@nope"',
    ),
    "compose_without_at": (
        "DIRECTIVE_COMPOSITION_ERROR",
        {
            "a": fed("composeDirective")
            + 'extend schema @composeDirective(name: "x")\ntype Query { a: Int }'
        },
        'Argument to @composeDirective "x" in subgraph "a" must have a leading "@"',
    ),
    "compose_not_linked": (
        "DIRECTIVE_COMPOSITION_ERROR",
        {
            "a": fed("composeDirective")
            + 'extend schema @composeDirective(name: "@x")\n'
            + "directive @x on FIELD_DEFINITION\ntype Query { a: Int @x }"
        },
        'Directive "@x" in subgraph "a" cannot be composed because it is not a member of a '
        "core feature",
    ),
    "compose_federation_directive": (
        "DIRECTIVE_COMPOSITION_ERROR",
        {
            "a": fed("composeDirective", "key")
            + 'extend schema @composeDirective(name: "@key")\ntype Query { a: Int }'
        },
        'Composing federation directive "@key" in subgraph "a" is not supported',
    ),
    "compose_major_mismatch": (
        "DIRECTIVE_COMPOSITION_ERROR",
        {
            name: CUSTOM.replace("v1.{minor}", f"v{major}.0").format(
                compose='  @composeDirective(name: "@hello")'
            )
            + f"type Query {{ {name}: Int @hello }}"
            for name, major in (("a", 1), ("b", 2))
        },
        'Core feature "https://myspecs.dev/myDirective" requested to be merged has major '
        "version mismatch across subgraphs",
    ),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_same_error_as_apollo(case: str, tmp_path: Path) -> None:
    code, sdls, message = ERRORS[case]
    # given subgraphs misusing a carried directive
    subgraphs = _files(tmp_path, sdls)
    # when both compositions run
    apollo, apollo_errors = apollo_compose(subgraphs)
    ours, our_errors = _ours(subgraphs)
    result = compose([SubgraphSource(name=n, url=u, sdl=p.read_text()) for n, u, p in subgraphs])
    # then both refuse with Apollo's code, ours naming the problem and what to change
    assert apollo is None
    assert f"{code}: " in apollo_errors, apollo_errors
    assert ours is None
    assert code in our_errors, result.errors
    assert code in ERROR_CODES
    assert any(message in e.message and "; " in e.message for e in result.errors), result.errors


def test_context_is_still_refused_with_a_clear_error() -> None:
    # given a subgraph using @context / @fromContext, which the composer does not carry
    sdl = (
        fed("context", "fromContext", "key")
        + 'type Query { t: T } type T @key(fields: "id") @context(name: "c") { id: ID! '
        + 'u: U } type U @key(fields: "id") { id: ID! '
        + 'x(v: ID @fromContext(field: "$c { id }")): Int }'
    )
    # when composed
    result = compose([SubgraphSource(name="a", url="http://a", sdl=sdl)])
    # then it is refused, naming each directive, rather than dropped
    assert result.supergraph_sdl is None
    assert {e.code for e in result.errors} == {"UNSUPPORTED_FEATURE"}
    assert ["@context" in e.message or "@fromContext" in e.message for e in result.errors] == [
        True,
        True,
    ]
