"""Relay global object identification through the gateway: ``node(id:)`` and ``nodes(ids:)``.

:func:`relay_node` extends a supergraph with the gateway's own ``_node``
subgraph (:mod:`.extension`), served in process (:mod:`.schema`,
:mod:`.transport`) and planned so that every node is fetched from the subgraph
owning it (:mod:`.planner`), which checks existence and permissions. A node
that subgraph does not return is null with a ``NOT_FOUND`` error
(:mod:`gateway.executor.existence`). See docs/gateway.md, "Global object
identification".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gateway.node.extension import NODE_SUBGRAPH, NodeExtension, extend_supergraph, node_types
from gateway.node.planner import NodeQueryPlanner, add_node_probes
from gateway.node.schema import MAX_NODES, build_node_schema
from gateway.node.transport import NodeTransport

if TYPE_CHECKING:
    from gateway.supergraph import Supergraph
    from gateway.transport import Transport

__all__ = [
    "MAX_NODES",
    "NODE_SUBGRAPH",
    "NodeExtension",
    "NodeQueryPlanner",
    "NodeTransport",
    "RelayNode",
    "add_node_probes",
    "build_node_schema",
    "extend_supergraph",
    "node_types",
    "relay_node",
]


@dataclass(frozen=True, slots=True)
class RelayNode:
    """What a gateway serving ``node``/``nodes`` runs on: the extended supergraph,
    the transports with ``_node`` added, and the planner for them."""

    supergraph: Supergraph
    transports: dict[str, Transport]
    planner: NodeQueryPlanner
    types: tuple[str, ...]


def relay_node(supergraph: Supergraph, transports: Mapping[str, Transport]) -> RelayNode | None:
    """``node``/``nodes`` over ``supergraph`` and its ``transports``; ``None`` (with one
    warning logged) when the supergraph cannot take them (see :func:`extend_supergraph`)."""
    extension = extend_supergraph(supergraph)
    if extension is None:
        return None
    node_transport = NodeTransport(build_node_schema(extension.types))
    return RelayNode(
        supergraph=extension.supergraph,
        transports={**transports, NODE_SUBGRAPH: node_transport},
        planner=NodeQueryPlanner(extension.supergraph),
        types=extension.types,
    )
