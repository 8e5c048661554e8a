"""The cost estimate, and the choices made with it: which subgraph serves a root
field, which subgraph (and which ``@key``) an object is entered in for a field
the current subgraph cannot resolve. The estimate counts the fetches the rest
of the selection would need, so the planner stays in the current subgraph when
it can."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from graphql import GraphQLObjectType

from gateway.planner.errors import PlanningError
from gateway.planner.operation import Field, Fragment, Selection
from gateway.supergraph import FieldInSubgraph, Key

if TYPE_CHECKING:
    from gateway.planner.subgraph_fields import SubgraphFields
    from gateway.planner.walk_state import PlanRun, Position

__all__ = ["CostModel", "Target"]

_INFINITE = 1_000_000
_JUMP = 10
"""Estimated cost of one more fetch."""
_UNREACHABLE = 1_000
"""Estimated cost of a field no key reaches (perhaps reachable through an ancestor)."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where a field the current subgraph cannot resolve is fetched: the subgraph, the
    entity type as that subgraph knows it, the field there, the key entered by."""

    subgraph: str
    entity_type: str
    info: FieldInSubgraph
    key: Key
    cost: int


class CostModel:
    """Estimates, over one supergraph, what resolving a selection from a subgraph costs."""

    def __init__(self, fields: SubgraphFields) -> None:
        self.fields = fields
        self.supergraph = fields.supergraph
        self.schema = fields.schema

    def choose_root_subgraph(
        self,
        root_type: str,
        selection: Selection,
        *,
        preferred: str | None,
        run: PlanRun | None = None,
    ) -> str:
        assert isinstance(selection, Field)
        best: tuple[int, int, str] | None = None
        for subgraph in self.supergraph.field_in(root_type, selection.name):
            info = self.fields.usable_field(root_type, selection.name, subgraph)
            if info is None:
                continue
            cost = self.field_cost(subgraph, root_type, selection, info, None, depth=0)
            if run is not None and subgraph not in run.roots:
                cost += _JUMP
            if preferred is not None and subgraph != preferred:
                cost += _JUMP
            candidate = (cost, self.fields.order[subgraph], subgraph)
            if best is None or candidate < best:
                best = candidate
        if best is None:
            raise PlanningError(
                f"no subgraph resolves {root_type}.{selection.name}; recompose the supergraph"
            )
        return best[2]

    def choose_target(
        self, run: PlanRun, pos: Position, type_name: str, selection: Field
    ) -> Target | None:
        subgraph = pos.group.subgraph
        best: tuple[int, int, Target] | None = None
        for target_subgraph, entity_type, info in self.fields.targets(
            subgraph, type_name, selection.name
        ):
            if (type_name, target_subgraph) in pos.avoid:
                continue
            keyed = self.choose_key(subgraph, type_name, target_subgraph, entity_type, pos)
            if keyed is None:
                continue
            key, cost = keyed
            if info.requires is not None:
                cost += self.cost(
                    subgraph,
                    type_name,
                    self.fields.selections(info.requires),
                    pos.provided,
                    depth=1,
                )
            if selection.selections is not None:
                child_type, _ = self.fields.field_type(type_name, selection.name)
                child_provided = (
                    self.fields.selections(info.provides) if info.provides is not None else None
                )
                cost += self.cost(
                    target_subgraph, child_type, selection.selections, child_provided, depth=1
                )
            if not run.by_path.get((target_subgraph, pos.path)):
                cost += _JUMP
            target = Target(target_subgraph, entity_type, info, key, cost)
            candidate = (cost, self.fields.order[target_subgraph], target)
            if best is None or candidate[:2] < best[:2]:
                best = candidate
        if best is None or best[0] >= _INFINITE:
            return None
        return best[2]

    def choose_key(
        self, subgraph: str, type_name: str, target: str, entity_type: str, pos: Position
    ) -> tuple[Key, int] | None:
        best: tuple[int, Key] | None = None
        for key in self.fields.entity_keys(entity_type, target):
            if key.fields in pos.known or self.fields.key_local(
                subgraph, type_name, key, pos.provided
            ):
                return key, 0
            cost = self.cost(
                subgraph, type_name, self.fields.selections(key.selections), pos.provided, depth=1
            )
            if cost < _INFINITE and (best is None or cost < best[0]):
                best = (cost, key)
        return None if best is None else (best[1], best[0])

    def field_cost(
        self,
        subgraph: str,
        parent_type: str,
        selection: Field,
        info: FieldInSubgraph,
        provided: tuple[Selection, ...] | None,
        *,
        depth: int,
    ) -> int:
        if selection.selections is None:
            return 0
        child_type, _ = self.fields.field_type(parent_type, selection.name)
        child_provided = provided
        if info.provides is not None:
            child_provided = (*(provided or ()), *self.fields.selections(info.provides))
        return self.cost(
            subgraph, child_type, selection.selections, child_provided, depth=depth + 1
        )

    def cost(
        self,
        subgraph: str,
        type_name: str,
        selections: tuple[Selection, ...],
        provided: tuple[Selection, ...] | None,
        *,
        depth: int,
    ) -> int:
        """An estimate of the fetches resolving ``selections`` from ``subgraph`` needs."""
        if depth > 24:
            return _INFINITE
        definition = self.schema.get_type(type_name)
        if not isinstance(definition, GraphQLObjectType):
            in_subgraph = self.supergraph.type_in(type_name).get(subgraph)
            if in_subgraph is None:
                return _INFINITE
            if not in_subgraph.is_interface_object:
                return sum(
                    self.cost(subgraph, t, selections, provided, depth=depth)
                    for t in self.supergraph.possible_types_in(type_name, subgraph)
                )
        total = 0
        jumps: set[str] = set()
        for selection in selections:
            if isinstance(selection, Fragment):
                if self.fields.applies(selection.type_condition, type_name):
                    total += self.cost(
                        subgraph, type_name, selection.selections, provided, depth=depth
                    )
                continue
            if selection.name == "__typename":
                continue
            local = self.fields.local(subgraph, type_name, selection.name, provided)
            if local is not None and local[0].requires is None:
                total += self.field_cost(
                    subgraph, type_name, selection, local[0], local[1], depth=depth
                )
                continue
            best = _INFINITE
            best_subgraph = ""
            for target, entity_type, info in self.fields.targets(
                subgraph, type_name, selection.name
            ):
                keys = self.fields.entity_keys(entity_type, target)
                key_cost = (
                    0
                    if any(self.fields.key_local(subgraph, type_name, k, provided) for k in keys)
                    else _JUMP
                )
                cost = key_cost + self.field_cost(
                    target, entity_type, selection, info, None, depth=depth
                )
                if info.requires is not None:
                    cost += _JUMP
                if cost < best:
                    best, best_subgraph = cost, target
            if best >= _INFINITE:
                total += _UNREACHABLE
                continue
            if best_subgraph not in jumps:
                jumps.add(best_subgraph)
                total += _JUMP
            total += best + 1
        return total
