"""Reading Apollo's serialized query plans into the plan node types.

``plan_from_json`` accepts what Apollo's query planner produces
(``JSON.stringify(queryPlanner.buildQueryPlan(operation))``) and what
``QueryPlan.to_json()`` prints, so plans made by Apollo's planner can be run by
the executor, and plans can be stored as JSON fixtures.

Supported node kinds: ``Sequence``, ``Parallel``, ``Fetch``, ``Flatten``,
``Condition``. ``Defer`` and ``Subscription`` nodes, and fetches with
``contextRewrites`` (``@fromContext``), raise :class:`PlanFormatError`
because the executor cannot run them yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, cast

from gateway.planner.plan import (
    ConditionNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    QueryPlan,
    SequenceNode,
)

__all__ = ["PlanFormatError", "plan_from_json"]

_OPERATION_KINDS = ("query", "mutation", "subscription")


class PlanFormatError(ValueError):
    """A serialized plan this executor cannot read; the message says which node and why."""


def plan_from_json(data: Mapping[str, Any]) -> QueryPlan:
    """The :class:`QueryPlan` serialized in ``data`` (``{"kind": "QueryPlan", "node": ...}``).

    A bare node (``{"kind": "Fetch", ...}``) is accepted as the plan's root.
    Raises :class:`PlanFormatError` for unknown or unsupported node kinds.
    """
    kind = data.get("kind")
    if kind == "QueryPlan":
        node = data.get("node")
        return QueryPlan(node=None if node is None else _node(node, "node"))
    return QueryPlan(node=_node(data, "node"))


def _node(data: Any, where: str) -> PlanNode:
    if not isinstance(data, Mapping):
        raise PlanFormatError(f"{where}: expected a plan node object, got {type(data).__name__}")
    kind = data.get("kind")
    if kind == "Fetch":
        return _fetch(data, where)
    if kind == "Flatten":
        path = data.get("path")
        if not isinstance(path, list):
            raise PlanFormatError(f"{where}: a Flatten node needs a 'path' list")
        inner = _node(data.get("node"), f"{where}.node")
        if not isinstance(inner, FetchNode):
            raise PlanFormatError(f"{where}: a Flatten node must wrap a Fetch node")
        return FlattenNode(path=tuple(str(step) for step in path), node=inner)
    if kind == "Sequence":
        return SequenceNode(nodes=_children(data, where))
    if kind == "Parallel":
        return ParallelNode(nodes=_children(data, where))
    if kind == "Condition":
        condition = data.get("condition")
        if not isinstance(condition, str):
            raise PlanFormatError(f"{where}: a Condition node needs a 'condition' variable name")
        if_clause = data.get("ifClause")
        else_clause = data.get("elseClause")
        return ConditionNode(
            condition=condition,
            if_clause=None if if_clause is None else _node(if_clause, f"{where}.ifClause"),
            else_clause=None if else_clause is None else _node(else_clause, f"{where}.elseClause"),
        )
    if kind in ("Defer", "Subscription"):
        raise PlanFormatError(
            f"{where}: {kind} nodes are not supported by the executor; "
            "plan the operation without @defer or run subscriptions elsewhere"
        )
    raise PlanFormatError(f"{where}: unknown plan node kind {kind!r}")


def _children(data: Mapping[str, Any], where: str) -> tuple[PlanNode, ...]:
    nodes = data.get("nodes")
    if not isinstance(nodes, list):
        raise PlanFormatError(f"{where}: a {data.get('kind')} node needs a 'nodes' list")
    return tuple(_node(node, f"{where}.nodes[{i}]") for i, node in enumerate(nodes))


def _fetch(data: Mapping[str, Any], where: str) -> FetchNode:
    service = data.get("serviceName")
    operation = data.get("operation")
    if not isinstance(service, str) or not isinstance(operation, str):
        raise PlanFormatError(f"{where}: a Fetch node needs 'serviceName' and 'operation' strings")
    if data.get("contextRewrites"):
        raise PlanFormatError(
            f"{where}: fetches with contextRewrites (@fromContext) are not supported "
            "by the executor"
        )
    kind = data.get("operationKind", "query")
    if kind not in _OPERATION_KINDS:
        raise PlanFormatError(f"{where}: unknown operationKind {kind!r}")
    requires = data.get("requires")
    input_rewrites = data.get("inputRewrites")
    output_rewrites = data.get("outputRewrites")
    operation_name = data.get("operationName")
    fetch_id = data.get("id")
    return FetchNode(
        service_name=service,
        operation=operation,
        operation_kind=cast(Literal["query", "mutation", "subscription"], kind),
        operation_name=operation_name if isinstance(operation_name, str) else None,
        variable_usages=tuple(data.get("variableUsages") or ()),
        requires=None if requires is None else tuple(requires),
        input_rewrites=tuple(input_rewrites) if input_rewrites else None,
        output_rewrites=tuple(output_rewrites) if output_rewrites else None,
        id=str(fetch_id) if fetch_id is not None else None,
    )
