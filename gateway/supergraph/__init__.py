"""Supergraph loading: a composed supergraph SDL becomes schemas plus per-subgraph metadata."""

from gateway.supergraph.errors import SupergraphError
from gateway.supergraph.metadata import FieldInSubgraph, Key, SubgraphInfo, TypeInSubgraph
from gateway.supergraph.supergraph import Supergraph

__all__ = [
    "FieldInSubgraph",
    "Key",
    "SubgraphInfo",
    "Supergraph",
    "SupergraphError",
    "TypeInSubgraph",
]
