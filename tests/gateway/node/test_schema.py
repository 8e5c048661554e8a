"""The API schema with ``node``/``nodes`` on, off, and refused for a supergraph of its own."""

from __future__ import annotations

import logging

import pytest
from graphql import GraphQLInterfaceType, GraphQLObjectType, print_schema

from gateway.composition import SubgraphSource, compose
from gateway.engine import Gateway
from gateway.supergraph import Supergraph
from gateway.transport import AsgiTransport

NODE_TYPES = {"Book", "Person", "Vault"}


def _implementations(gateway: Gateway) -> set[str]:
    node = gateway.schema.get_type("Node")
    assert isinstance(node, GraphQLInterfaceType)
    return {t.name for t in gateway.schema.get_possible_types(node)}


def test_on_the_schema_gains_node_nodes_and_the_interface(gateway: Gateway) -> None:
    # Given the gateway with node on
    # When its API schema is printed
    printed = print_schema(gateway.schema)

    # Then it has the interface, the two fields, and Node on every type keyed by id: ID!
    assert 'interface Node {\n  """Global id of the object."""\n  id: ID!\n}' in printed
    assert "): Node\n" in printed
    assert "): [Node]!\n" in printed
    assert "  node(\n" in printed
    assert "  nodes(\n" in printed
    assert _implementations(gateway) == NODE_TYPES
    # and not on Shelf (keyed by code) nor Label (id: String!)
    assert "type Shelf implements" not in printed
    assert "type Label implements" not in printed


def test_on_changes_nothing_else(gateway: Gateway, plain_gateway: Gateway) -> None:
    # Given the same supergraph served with node on and off
    on, off = gateway.schema, plain_gateway.schema

    # Then every type and field of the plain schema is unchanged, Query gains two fields
    assert set(on.type_map) - set(off.type_map) == {"Node"}
    for name, definition in off.type_map.items():
        if not isinstance(definition, GraphQLObjectType):
            continue
        other = on.type_map[name]
        assert isinstance(other, GraphQLObjectType)
        extra = {"node", "nodes"} if name == "Query" else set()
        assert set(other.fields) == set(definition.fields) | extra, name
        for field_name, field in definition.fields.items():
            assert str(other.fields[field_name].type) == str(field.type), (name, field_name)


def test_off_the_schema_is_the_supergraph_api_schema(
    plain_gateway: Gateway, supergraph: Supergraph
) -> None:
    # Given the gateway with node off
    # Then its API schema is the supergraph's, without Node
    assert print_schema(plain_gateway.schema) == print_schema(supergraph.api_schema)
    assert "Node" not in plain_gateway.schema.type_map


_OWN_NODE_FIELD = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { node(id: ID!): Thing }
type Thing @key(fields: "id") { id: ID! }
"""

_OWN_NODE_TYPE = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { thing(id: ID!): Thing }
interface Node { id: ID! }
type Thing implements Node @key(fields: "id") { id: ID! }
"""


@pytest.mark.parametrize(
    ("sdl", "reason"),
    [
        (_OWN_NODE_FIELD, "already has a field Query.node"),
        (_OWN_NODE_TYPE, "already has a type named Node"),
    ],
    ids=["Query.node", "type Node"],
)
def test_a_supergraph_with_its_own_node_stays_unchanged(
    sdl: str, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a supergraph that already defines node (a field or the type)
    result = compose([SubgraphSource(name="things", url="http://things/graphql", sdl=sdl)])
    assert result.supergraph_sdl is not None, result.errors
    supergraph = Supergraph.parse(result.supergraph_sdl)

    # When a gateway is built on it with node on
    async def unused(scope: object, receive: object, send: object) -> None:
        raise AssertionError("never called")

    with caplog.at_level(logging.WARNING, logger="gateway.node.extension"):
        gateway = Gateway(supergraph, {"things": AsgiTransport("things", unused)}, relay_node=True)

    # Then the feature stays off, with one warning saying why
    assert gateway.relay_node is False
    assert print_schema(gateway.schema) == print_schema(supergraph.api_schema)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert reason in warnings[0].getMessage()
