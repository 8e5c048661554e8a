"""The query planner: an operation against the API schema becomes a tree of subgraph fetches.

The planner walks the operation once, placing every field in a fetch group:
the current group when its subgraph resolves the field, otherwise an entity
group reached through an ``@key`` (after the key fields, and any ``@requires``
fields, are placed where they can be fetched). Where several subgraphs could
serve a field, a cost estimate (the fetches the rest of the selection would
need) picks one, staying in the current subgraph when it can. The groups form
a dependency graph that :mod:`gateway.planner.plan_tree` turns into Apollo's
Sequence / Parallel / Flatten / Fetch nodes.

This module is the entry point; the work is split among :mod:`.root_fields`
(root fields and mutation runs), :mod:`.walk` (the walk over selections),
:mod:`.entity_jump` (entering another subgraph), :mod:`.abstract_types`
(interfaces, unions, ``@interfaceObject``), :mod:`.cost` (the cost estimate and
the choices made with it) and :mod:`.subgraph_fields` (what each subgraph resolves).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from graphql import DocumentNode

from gateway.planner.cost import CostModel
from gateway.planner.errors import PlanningError
from gateway.planner.operation import Operation, normalize
from gateway.planner.plan import QueryPlan
from gateway.planner.plan_tree import build_plan
from gateway.planner.root_fields import mutation_runs, walk_root
from gateway.planner.subgraph_fields import SubgraphFields
from gateway.planner.walk import SelectionWalker
from gateway.planner.walk_state import PlanRun
from gateway.supergraph import Supergraph

__all__ = ["QueryPlanner"]


class QueryPlanner:
    """Plans operations over one supergraph. Thread-safe once built; cheap to keep.

    ``key_only_subgraphs`` name subgraphs that only hand out keys (such as the
    gateway's own ``_node`` subgraph): a client's fields are never read from them,
    so every object they return is fetched from a subgraph that owns it.
    """

    def __init__(
        self,
        supergraph: Supergraph,
        *,
        override_labels: Iterable[str] = (),
        key_only_subgraphs: Iterable[str] = (),
    ) -> None:
        self.supergraph = supergraph
        self.schema = supergraph.schema
        self.override_labels = frozenset(override_labels)
        fields = SubgraphFields(
            supergraph,
            override_labels=self.override_labels,
            key_only_subgraphs=frozenset(key_only_subgraphs),
        )
        self._walker = SelectionWalker(fields, CostModel(fields))

    def plan(self, document: DocumentNode, operation_name: str | None = None) -> QueryPlan:
        """The plan of ``document``'s operation (already validated against the API schema)."""
        operation = normalize(document, operation_name)
        root_type = self.supergraph.root_types.get(operation.kind)
        if root_type is None:
            raise PlanningError(
                f"the supergraph has no {operation.kind} type; send a query instead",
                code="GRAPHQL_VALIDATION_FAILED",
            )
        try:
            runs = self._runs(operation, root_type)
        except RecursionError:
            raise PlanningError(
                "the operation is too deeply nested to plan; split it into smaller operations"
            ) from None
        return build_plan(
            operation,
            [run.groups for run in runs],
            supergraph=self.supergraph,
            root_type=root_type,
        )

    def _runs(self, operation: Operation, root_type: str) -> list[PlanRun]:
        counter = itertools.count()
        runs: list[PlanRun] = []
        if operation.kind == "mutation":
            for subgraph, fields in mutation_runs(self._walker, root_type, operation.selections):
                run = PlanRun(counter, mutation=True)
                group = run.new_group(subgraph, (), entity=False)
                run.roots[subgraph] = group
                walk_root(self._walker, run, root_type, fields, (), only=group)
                runs.append(run)
        else:
            run = PlanRun(counter)
            walk_root(self._walker, run, root_type, operation.selections, (), only=None)
            runs.append(run)
        return runs
