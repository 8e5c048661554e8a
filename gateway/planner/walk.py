"""The walk over the operation: every field is placed in a fetch group.

A field the current subgraph resolves stays in the current group
(:meth:`SelectionWalker.place`); any other is placed in an entity group of
another subgraph (:mod:`gateway.planner.entity_jump`). Positions of abstract
type and ``@interfaceObject`` positions are walked by
:mod:`gateway.planner.abstract_types`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from graphql import GraphQLObjectType

from gateway.planner.abstract_types import walk_abstract, walk_interface_object
from gateway.planner.entity_jump import place_remote
from gateway.planner.errors import PlanningError
from gateway.planner.operation import Field, Fragment
from gateway.planner.subgraph_fields import named_type
from gateway.planner.walk_state import Position

if TYPE_CHECKING:
    from gateway.planner.cost import CostModel
    from gateway.planner.fetch_group import FetchGroup
    from gateway.planner.operation import Selection
    from gateway.planner.selection import OutField, OutSet
    from gateway.planner.subgraph_fields import SubgraphFields
    from gateway.planner.walk_state import PlanRun
    from gateway.supergraph import FieldInSubgraph

__all__ = ["SelectionWalker"]


class SelectionWalker:
    """Places selections in fetch groups, asking ``fields`` what each subgraph resolves
    and ``costs`` where to go when the current subgraph does not."""

    def __init__(self, fields: SubgraphFields, costs: CostModel) -> None:
        self.fields = fields
        self.costs = costs
        self.supergraph = fields.supergraph
        self.schema = fields.schema

    def walk(
        self, run: PlanRun, pos: Position, type_name: str, selections: tuple[Selection, ...]
    ) -> set[FetchGroup]:
        """Place ``selections`` on the objects of ``type_name`` at ``pos``; the groups used."""
        definition = self.schema.get_type(type_name)
        if isinstance(definition, GraphQLObjectType):
            return self.walk_object(run, pos, type_name, selections)
        in_subgraph = self.supergraph.type_in(type_name).get(pos.group.subgraph)
        if in_subgraph is not None and in_subgraph.is_interface_object:
            return walk_interface_object(self, run, pos, type_name, selections)
        return walk_abstract(self, run, pos, type_name, selections)

    def walk_object(
        self, run: PlanRun, pos: Position, type_name: str, selections: tuple[Selection, ...]
    ) -> set[FetchGroup]:
        used: set[FetchGroup] = set()
        remote: list[tuple[Position, Field]] = []
        self._collect_object(run, pos, type_name, selections, used, remote)
        for where, selection in remote:
            used |= place_remote(self, run, where, type_name, selection)
        return used

    def _collect_object(
        self,
        run: PlanRun,
        pos: Position,
        type_name: str,
        selections: tuple[Selection, ...],
        used: set[FetchGroup],
        remote: list[tuple[Position, Field]],
    ) -> None:
        subgraph = pos.group.subgraph
        for selection in selections:
            if isinstance(selection, Fragment):
                if not self.fields.applies(selection.type_condition, type_name):
                    continue
                inner = pos
                if selection.directives:
                    inner = replace(
                        pos,
                        out=pos.out.fragment(None, selection.directives),
                        conditions=(*pos.conditions, selection),
                        frags=(*pos.frags, Fragment(None, selection.directives, ())),
                    )
                self._collect_object(run, inner, type_name, selection.selections, used, remote)
                continue
            if selection.name == "__typename":
                self.out_field(run, pos, selection)
                used.add(pos.group)
                continue
            local = self.fields.local(
                subgraph, type_name, selection.name, pos.provided, in_key=pos.rel is not None
            )
            if local is not None and local[0].requires is None:
                used |= self.place(run, pos, type_name, selection, local[0], provided=local[1])
            else:
                remote.append((pos, selection))

    def place(
        self,
        run: PlanRun,
        pos: Position,
        parent_type: str,
        selection: Field,
        info: FieldInSubgraph,
        *,
        provided: tuple[Selection, ...] | None,
    ) -> set[FetchGroup]:
        out_field = self.out_field(run, pos, selection)
        used = {pos.group}
        if selection.selections is None or out_field.selections is None:
            return used
        child_type, depth = self.fields.field_type(parent_type, selection.name)
        if info.type is not None:
            child_type = named_type(info.type)
        if info.provides is not None:
            provided = (*(provided or ()), *self.fields.selections(info.provides))
        key = out_field.response_key
        serving = self.fields.serving(parent_type, selection.name, pos.serving)
        child = Position(
            group=pos.group,
            path=(*pos.path, key, *("@",) * depth),
            out=out_field.selections,
            base=out_field.selections,
            provided=provided,
            rel=None if pos.rel is None else (*pos.rel, selection.name),
            renames=pos.renames,
            depth=pos.depth,
            type_name=child_type,
            parent=pos,
            via=selection,
            serving=serving,
            possible=self.fields.possible(
                parent_type,
                selection.name,
                self.fields.field_type(parent_type, selection.name)[0],
                serving,
            ),
        )
        return used | self.walk(run, child, child_type, selection.selections)

    def out_field(self, run: PlanRun, pos: Position, selection: Field) -> OutField:
        leaf = selection.selections is None
        if pos.rel is not None and pos.renames is not None and selection.arguments:
            # A field with arguments the planner needs (for a key or @requires) is fetched
            # under its own alias, so it never clashes with what the client selects.
            alias = pos.out.planner_alias(selection.name, selection.arguments)
            if alias is None:
                alias = _fresh_alias(run, pos.out, selection.name)
            placed = pos.out.field(
                selection.name, alias=alias, arguments=selection.arguments, leaf=leaf, front=True
            )
            assert placed is not None
            pos.renames.append(((*pos.rel, selection.name), alias))
            return placed
        placed = pos.out.field(
            selection.name,
            alias=selection.alias,
            arguments=selection.arguments,
            directives=selection.directives,
            leaf=leaf,
            front=pos.rel is not None,
        )
        if placed is not None:
            return placed
        # The response key is taken by another field: fetch this one under an alias.
        alias = _fresh_alias(run, pos.out, selection.name)
        placed = pos.out.field(
            selection.name,
            alias=alias,
            arguments=selection.arguments,
            directives=selection.directives,
            leaf=leaf,
        )
        assert placed is not None
        if pos.rel is None or pos.renames is None:
            raise PlanningError(
                f"the response key {selection.response_key!r} is used for two different "
                "fields; give one of them another alias"
            )
        pos.renames.append(((*pos.rel, selection.name), alias))
        return placed


def _fresh_alias(run: PlanRun, out: OutSet, name: str) -> str:
    while True:
        alias = f"{name}__alias_{next(run.aliases)}"
        if not out.key_taken(alias):
            return alias
