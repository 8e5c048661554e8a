"""Reading Apollo's serialized plans: every fixture plan round-trips through the plan types."""

from __future__ import annotations

import pytest

from gateway.executor import PlanFormatError, plan_from_json
from gateway.planner.plan import ConditionNode, FetchNode, FlattenNode, SequenceNode
from tests.gateway.executor.fixture_files import Fixtures


def test_every_apollo_plan_round_trips(fixtures: Fixtures) -> None:
    for name in fixtures.operations:
        apollo = fixtures.plan(name)
        assert plan_from_json(apollo).to_json() == apollo, name


def test_reads_fetch_flatten_and_condition_fields(fixtures: Fixtures) -> None:
    plan = plan_from_json(fixtures.plan("skip_include"))
    assert isinstance(plan.node, SequenceNode)
    first, parallel = plan.node.nodes
    assert isinstance(first, FetchNode)
    assert first.operation_name == "Conditional__products__0"
    condition = parallel.nodes[0]  # type: ignore[union-attr]
    assert isinstance(condition, ConditionNode)
    assert condition.condition == "skipStock"
    assert condition.if_clause is None
    assert isinstance(condition.else_clause, FlattenNode)
    assert condition.else_clause.path == ("topProducts", "@")
    assert condition.else_clause.node.requires is not None


def test_a_plan_without_node_needs_no_fetch(fixtures: Fixtures) -> None:
    assert plan_from_json(fixtures.plan("typename_only")).node is None


@pytest.mark.parametrize(
    ("node", "message"),
    [
        ({"kind": "Defer", "primary": {}, "deferred": []}, "Defer nodes are not supported"),
        ({"kind": "Mystery"}, "unknown plan node kind 'Mystery'"),
        (
            {"kind": "Flatten", "path": ["a"], "node": {"kind": "Sequence", "nodes": []}},
            "must wrap a Fetch",
        ),
        ({"kind": "Fetch", "serviceName": "a"}, "needs 'serviceName' and 'operation'"),
        (
            {"kind": "Fetch", "serviceName": "a", "operation": "{a}", "contextRewrites": [{}]},
            "contextRewrites",
        ),
    ],
)
def test_unsupported_nodes_are_refused_with_the_reason(
    node: dict[str, object], message: str
) -> None:
    with pytest.raises(PlanFormatError, match=message):
        plan_from_json({"kind": "QueryPlan", "node": {"kind": "Sequence", "nodes": [node]}})
