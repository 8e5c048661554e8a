"""Abstract types: interface and union positions are walked per possible object
type (or on the interface when every implementation resolves a field alike), and
objects a subgraph only knows through ``@interfaceObject`` get their concrete
type from a subgraph that knows the implementations."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from graphql import GraphQLInterfaceType

from gateway.planner.entity_jump import enter, place_remote
from gateway.planner.errors import PlanningError
from gateway.planner.operation import Field, Fragment

if TYPE_CHECKING:
    from gateway.planner.fetch_group import FetchGroup
    from gateway.planner.operation import Selection
    from gateway.planner.walk import SelectionWalker
    from gateway.planner.walk_state import PlanRun, Position
    from gateway.supergraph import Key

__all__ = ["walk_abstract", "walk_interface_object"]


def walk_abstract(
    walker: SelectionWalker,
    run: PlanRun,
    pos: Position,
    type_name: str,
    selections: tuple[Selection, ...],
) -> set[FetchGroup]:
    subgraph = pos.group.subgraph
    possible_set = walker.supergraph.possible_types_in(type_name, subgraph)
    if pos.possible is not None:
        possible_set = possible_set & pos.possible
    possible = sorted(possible_set)
    pos.out.field("__typename")
    used: set[FetchGroup] = {pos.group}
    if not possible and isinstance(walker.schema.get_type(type_name), GraphQLInterfaceType):
        # No object of this interface can come from here: its fields must still be
        # resolvable (an entity interface), or the operation cannot be planned.
        own = [s for s in _flatten_own(type_name, selections) if isinstance(s, Field)]
        return used | walker.walk_object(
            run, replace(pos, type_name=type_name), type_name, tuple(own)
        )
    for selection in selections:
        if isinstance(selection, Fragment):
            condition = selection.type_condition
            if condition is None or condition == type_name:
                inner = pos
                if selection.directives:
                    inner = replace(
                        pos,
                        out=pos.out.fragment(None, selection.directives),
                        conditions=(*pos.conditions, selection),
                        frags=(*pos.frags, Fragment(None, selection.directives, ())),
                    )
                used |= walk_abstract(walker, run, inner, type_name, selection.selections)
                continue
            for object_type in possible:
                if not walker.fields.applies(condition, object_type):
                    continue
                inner = replace(
                    pos,
                    out=pos.out.fragment(object_type, selection.directives),
                    base=pos.base.fragment(object_type),
                    conditions=(
                        (*pos.conditions, selection) if selection.directives else pos.conditions
                    ),
                    provided=pos.provided,
                    type_name=object_type,
                    frags=(*pos.frags, Fragment(object_type, selection.directives, ())),
                )
                used |= walker.walk_object(run, inner, object_type, selection.selections)
            continue
        if selection.name == "__typename":
            walker.out_field(run, pos, selection)
            continue
        interface_info = walker.fields.usable_field(type_name, selection.name, subgraph)
        uniform = interface_info is not None and all(
            (local := walker.fields.local(subgraph, t, selection.name, pos.provided)) is not None
            and local[0].requires is None
            for t in possible
        )
        if uniform and interface_info is not None:
            provided = walker.fields.provided_child(pos.provided, type_name, selection.name)
            used |= walker.place(run, pos, type_name, selection, interface_info, provided=provided)
            continue
        if (
            subgraph not in walker.supergraph.field_in(type_name, selection.name)
            and walker.costs.choose_target(run, pos, type_name, selection) is not None
        ):
            # The interface is an entity here and where the field is: one jump for all.
            used |= place_remote(walker, run, pos, type_name, selection)
            continue
        for object_type in possible:
            inner = replace(
                pos,
                out=pos.out.fragment(object_type),
                base=pos.base.fragment(object_type),
                provided=pos.provided,
                type_name=object_type,
                frags=(*pos.frags, Fragment(object_type, (), ())),
            )
            used |= walker.walk_object(run, inner, object_type, (selection,))
    return used


def walk_interface_object(
    walker: SelectionWalker,
    run: PlanRun,
    pos: Position,
    type_name: str,
    selections: tuple[Selection, ...],
) -> set[FetchGroup]:
    """Objects a subgraph only knows through ``@interfaceObject``: their ``__typename``
    is the interface's, so the real type comes from a subgraph that knows it."""
    pos.out.field("__typename")
    used: set[FetchGroup] = {pos.group}
    own: list[Selection] = []
    needs_type: list[Selection] = []
    for selection in _flatten_own(type_name, selections):
        if isinstance(selection, Fragment) or selection.name == "__typename":
            needs_type.append(selection)
        else:
            own.append(selection)
    used |= walker.walk_object(run, pos, type_name, tuple(own))
    if needs_type:
        used |= _resolve_type(walker, run, pos, type_name, tuple(needs_type))
    return used


def _flatten_own(type_name: str, selections: tuple[Selection, ...]) -> list[Selection]:
    result: list[Selection] = []
    for selection in selections:
        if (
            isinstance(selection, Fragment)
            and not selection.directives
            and selection.type_condition in (None, type_name)
        ):
            result.extend(_flatten_own(type_name, selection.selections))
        else:
            result.append(selection)
    return result


def _resolve_type(
    walker: SelectionWalker,
    run: PlanRun,
    pos: Position,
    type_name: str,
    selections: tuple[Selection, ...],
) -> set[FetchGroup]:
    subgraph = pos.group.subgraph
    best: tuple[int, int, str, Key] | None = None
    for target, info in walker.supergraph.type_in(type_name).items():
        if info.is_interface_object or target == subgraph:
            continue
        for key in info.resolvable_keys:
            cost = 0 if walker.fields.key_local(subgraph, type_name, key, pos.provided) else 1
            candidate = (cost, walker.fields.order[target], target, key)
            if best is None or candidate[:3] < best[:3]:
                best = candidate
    if best is None:
        raise PlanningError(
            f"the concrete type of {type_name} objects from subgraph {subgraph!r} cannot be "
            f"found: no subgraph defines the interface {type_name} with a resolvable @key"
        )
    target, key = best[2], best[3]
    group, entity_pos, deps = enter(walker, run, pos, type_name, target, type_name, key, None)
    return deps | {group} | walk_abstract(walker, run, entity_pos, type_name, selections)
