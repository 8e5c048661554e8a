"""Planning the fixture supergraphs and comparing plans as text (Apollo's pretty format).

Fixtures live in ``supergraphs/``: each ``NAME.graphql`` was composed once from
the subgraph SDL in ``supergraphs/sources/NAME/`` with Apollo's composition::

    node tests/oracle/compose.mjs \\
        products=http://products/graphql=supergraphs/sources/shop/products.graphql ... \\
        > supergraphs/shop.graphql

(the subgraph URL is ``http://SUBGRAPH/graphql``).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from graphql import parse

from gateway.planner import QueryPlan, QueryPlanner
from gateway.supergraph import Supergraph

__all__ = ["SUPERGRAPHS", "assert_plan", "plan", "planner_for", "supergraph_for"]

SUPERGRAPHS = Path(__file__).parent / "supergraphs"


@cache
def supergraph_for(name: str) -> Supergraph:
    return Supergraph.parse((SUPERGRAPHS / f"{name}.graphql").read_text())


@cache
def planner_for(name: str) -> QueryPlanner:
    return QueryPlanner(supergraph_for(name))


def plan(name: str, query: str, *, operation_name: str | None = None) -> QueryPlan:
    return planner_for(name).plan(parse(query), operation_name)


def assert_plan(name: str, query: str, *, operation_name: str | None = None, expected: str) -> None:
    """Plan ``query`` over the fixture ``name``; its pretty text must be ``expected``."""
    actual = plan(name, query, operation_name=operation_name).pretty()
    assert actual == expected.strip("\n"), f"plan differs; got:\n{actual}"
