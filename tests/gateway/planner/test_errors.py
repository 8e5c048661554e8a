"""Operations that cannot be planned fail with one clear ``PlanningError``."""

from __future__ import annotations

import pytest
from graphql import parse

from gateway.planner import PlanningError, QueryPlanner
from gateway.supergraph import Supergraph
from tests.gateway.planner.plans import planner_for

_UNREACHABLE = """
schema @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) { query: Query }
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet,
  type: String, external: Boolean, override: String, usedOverridden: Boolean)
  repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false,
  resolvable: Boolean! = true, isInterfaceObject: Boolean! = false)
  repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import])
  repeatable on SCHEMA
scalar join__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
enum join__Graph {
  A @join__graph(name: "a", url: "http://a")
  B @join__graph(name: "b", url: "http://b")
}
type Query @join__type(graph: A) @join__type(graph: B) {
  note: Note @join__field(graph: A)
}
type Note @join__type(graph: A) @join__type(graph: B, key: "id", resolvable: false) {
  id: ID!
  body: String @join__field(graph: A)
  secret: String @join__field(graph: B)
}
"""


def test_field_no_key_reaches_is_refused() -> None:
    planner = QueryPlanner(Supergraph.parse(_UNREACHABLE))
    with pytest.raises(PlanningError, match=r"cannot plan Note\.secret from subgraph 'a'"):
        planner.plan(parse("{ note { body secret } }"))


def test_unknown_operation_name_is_refused() -> None:
    with pytest.raises(PlanningError, match="no operation named 'Missing'") as info:
        planner_for("shop").plan(parse("query A { topProduct { id } }"), "Missing")
    assert info.value.code == "GRAPHQL_VALIDATION_FAILED"


def test_several_operations_need_a_name() -> None:
    document = parse("query A { topProduct { id } } query B { topProduct { name } }")
    with pytest.raises(PlanningError, match="2 operations"):
        planner_for("shop").plan(document)
    assert planner_for("shop").plan(document, "B").node is not None


def test_subscription_without_a_subscription_type_is_refused() -> None:
    with pytest.raises(PlanningError, match="no subscription type"):
        planner_for("shop").plan(parse("subscription { topProduct { id } }"))
