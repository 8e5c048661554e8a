"""Planning speed: a cold plan, and a cached plan (target: under 50 µs; measured, not asserted)."""

from __future__ import annotations

from typing import Any

from graphql import parse

from gateway.planner import PlanCache, QueryPlanner
from tests.gateway.planner.plans import supergraph_for

_QUERY = """
query Shop($n: Int = 5) {
  products(first: $n) {
    id name price shippingEstimate inStock reviews { body author { username } }
  }
  latestReviews { body product { name inStock } }
}
"""


def test_cold_plan(benchmark: Any) -> None:
    supergraph = supergraph_for("shop")
    document = parse(_QUERY)

    def cold() -> object:
        return QueryPlanner(supergraph).plan(document, "Shop")

    assert benchmark(cold).node is not None


def test_cached_plan(benchmark: Any) -> None:
    cache = PlanCache(QueryPlanner(supergraph_for("shop")), 64)
    document = parse(_QUERY)
    first = cache.get_or_plan(_QUERY, document, "Shop")
    plan = benchmark(cache.get_or_plan, _QUERY, document, "Shop")
    assert plan is first
