"""Executing query plans: fetches to subgraphs, entity merging, response shaping.

:class:`Executor` runs a :class:`~gateway.planner.plan.QueryPlan` for a
client's operation and returns a :class:`GatewayResult`;
:func:`plan_from_json` reads plans serialized by Apollo's query planner.
"""

from __future__ import annotations

from gateway.executor.executor import Executor
from gateway.executor.plan_json import PlanFormatError, plan_from_json
from gateway.executor.result import GatewayResult

__all__ = ["Executor", "GatewayResult", "PlanFormatError", "plan_from_json"]
