"""The plan cache: hits return the same plan, the least recently used plan is evicted."""

from __future__ import annotations

import pytest
from graphql import parse

from gateway.planner import PlanCache
from tests.gateway.planner.plans import planner_for


def test_a_cached_plan_is_reused() -> None:
    cache = PlanCache(planner_for("shop"), 8)
    query = "{ products { name inStock } }"
    first = cache.get_or_plan(query, parse(query), None)
    second = cache.get_or_plan(query, parse(query), None)
    assert second is first
    assert (cache.hits, cache.misses) == (1, 1)


def test_operation_name_is_part_of_the_key() -> None:
    cache = PlanCache(planner_for("shop"), 8)
    query = "query A { topProduct { inStock } } query B { topProduct { name } }"
    document = parse(query)
    a = cache.get_or_plan(query, document, "A")
    b = cache.get_or_plan(query, document, "B")
    assert a != b
    assert len(cache) == 2


def test_least_recently_used_plan_is_evicted() -> None:
    cache = PlanCache(planner_for("shop"), 2)
    queries = ["{ products { id } }", "{ topProduct { id } }", "{ latestReviews { id } }"]
    first = cache.get_or_plan(queries[0], parse(queries[0]), None)
    cache.get_or_plan(queries[1], parse(queries[1]), None)
    cache.get_or_plan(queries[0], parse(queries[0]), None)
    cache.get_or_plan(queries[2], parse(queries[2]), None)
    assert len(cache) == 2
    assert cache.get_or_plan(queries[0], parse(queries[0]), None) is first
    assert cache.misses == 3


def test_size_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least one plan"):
        PlanCache(planner_for("shop"), 0)
