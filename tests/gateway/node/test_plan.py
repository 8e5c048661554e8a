"""Query plans of ``node``: a fetch from ``_node``, then entity fetches from the owners."""

from __future__ import annotations

from textwrap import dedent

from graphql import parse

from gateway.engine import Gateway
from gateway.node import NodeQueryPlanner
from gateway.planner.pretty import pretty_format
from gateway.supergraph import Supergraph


def _plan(gateway: Gateway, query: str) -> str:
    planner = NodeQueryPlanner(gateway.supergraph)
    return pretty_format(planner.plan(parse(query)))


async def test_typename_only_is_still_fetched_from_each_owner(gateway: Gateway) -> None:
    # Given a node query selecting only __typename
    query = "query($id: ID!) { node(id: $id) { __typename } }"

    # When it is planned
    plan = _plan(gateway, query)

    # Then _node decodes the id and every owner is asked for the id it must return
    assert plan == dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "_node") {
              {
                node(id: $id) {
                  __typename
                  ... on Book {
                    __typename
                    id
                  }
                  ... on Person {
                    __typename
                    id
                  }
                  ... on Vault {
                    __typename
                    id
                  }
                }
              }
            },
            Parallel {
              Flatten(path: "node") {
                Fetch(service: "library") {
                  {
                    ... on Book {
                      __typename
                      id
                    }
                    ... on Vault {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Book {
                      id
                    }
                    ... on Vault {
                      id
                    }
                  }
                },
              },
              Flatten(path: "node") {
                Fetch(service: "people") {
                  {
                    ... on Person {
                      __typename
                      id
                    }
                  } =>
                  {
                    ... on Person {
                      id
                    }
                  }
                },
              },
            },
          },
        }"""
    )


async def test_fields_of_two_subgraphs_under_nodes(gateway: Gateway) -> None:
    # Given nodes(ids:) selecting a book's title (library) and its reader (people)
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Book { title reader { name } } } }"

    # When it is planned
    plan = _plan(gateway, query)

    # Then both owners are entered from the list's items by the key _node gave
    assert 'Fetch(service: "_node")' in plan
    assert plan.count('Flatten(path: "nodes.@")') == 2
    assert "title" in plan.split('Fetch(service: "library")')[1].split("Flatten")[0]
    assert "reader" in plan.split('Fetch(service: "people")')[1]


async def test_the_gateway_plans_with_the_node_planner(
    gateway: Gateway, plain_gateway: Gateway, supergraph: Supergraph
) -> None:
    # Given the gateway with node on, and the supergraph it was given
    # Then it serves the extended supergraph, with _node as one more subgraph
    assert gateway.relay_node is True
    assert set(gateway.supergraph.subgraphs) == {*supergraph.subgraphs, "_node"}
    assert "_node" in gateway.transports
    # and the gateway with node off serves the supergraph unchanged
    assert plain_gateway.relay_node is False
    assert plain_gateway.supergraph is supergraph
    # and readiness lists only the real subgraphs
    assert await gateway.readiness() == {"library": None, "people": None}
