"""A least-recently-used cache of query plans, keyed by document and operation name."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from graphql import DocumentNode

    from gateway.planner.plan import QueryPlan
    from gateway.planner.planner import QueryPlanner

__all__ = ["PlanCache"]


class PlanCache:
    """Plans from ``planner``, remembered for the ``max_size`` most recently used operations.

    ``document_key`` identifies the document (its text or a hash of it); a hit
    costs one dictionary lookup. Planning errors are not cached.
    """

    def __init__(self, planner: QueryPlanner, max_size: int = 1024) -> None:
        if max_size < 1:
            raise ValueError("the plan cache needs room for at least one plan (max_size >= 1)")
        self.planner = planner
        self.max_size = max_size
        self._plans: OrderedDict[tuple[str, str | None], QueryPlan] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._plans)

    def get_or_plan(
        self, document_key: str, document: DocumentNode, operation_name: str | None = None
    ) -> QueryPlan:
        """The cached plan for ``(document_key, operation_name)``, planned on a miss."""
        key = (document_key, operation_name)
        plans = self._plans
        plan = plans.get(key)
        if plan is not None:
            self.hits += 1
            plans.move_to_end(key)
            return plan
        self.misses += 1
        plan = self.planner.plan(document, operation_name)
        with self._lock:
            plans[key] = plan
            plans.move_to_end(key)
            while len(plans) > self.max_size:
                plans.popitem(last=False)
        return plan

    def clear(self) -> None:
        with self._lock:
            self._plans.clear()
