"""Query planning: an operation against the API schema becomes a tree of subgraph fetches."""

from gateway.planner.cache import PlanCache
from gateway.planner.errors import PlanningError
from gateway.planner.plan import (
    ConditionNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    QueryPlan,
    SequenceNode,
)
from gateway.planner.planner import QueryPlanner
from gateway.planner.pretty import pretty_format

__all__ = [
    "ConditionNode",
    "FetchNode",
    "FlattenNode",
    "ParallelNode",
    "PlanCache",
    "PlanNode",
    "PlanningError",
    "QueryPlan",
    "QueryPlanner",
    "SequenceNode",
    "pretty_format",
]
