"""Jumps to another subgraph: a field the current subgraph cannot resolve is
fetched from an entity group entered through an ``@key`` (after the key fields,
and any ``@requires`` fields, are placed where they can be fetched), or, when no
key reaches it, through an ancestor that can be entered (or from the root)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from gateway.planner.errors import PlanningError
from gateway.planner.fetch_group import RequiresPart
from gateway.planner.operation import Field
from gateway.planner.walk_state import Position

if TYPE_CHECKING:
    from gateway.planner.fetch_group import FetchGroup
    from gateway.planner.operation import Selection
    from gateway.planner.walk import SelectionWalker
    from gateway.planner.walk_state import PlanRun
    from gateway.supergraph import Key

__all__ = ["enter", "place_remote"]


def place_remote(
    walker: SelectionWalker, run: PlanRun, pos: Position, type_name: str, selection: Field
) -> set[FetchGroup]:
    """Place ``selection``, which the subgraph at ``pos`` cannot resolve, in another
    subgraph: entered by a key here, or else through an ancestor; the groups used."""
    target = walker.costs.choose_target(run, pos, type_name, selection)
    if target is None:
        reentered = _reenter(walker, run, pos, type_name, selection)
        if reentered is None:
            raise PlanningError(
                f"cannot plan {type_name}.{selection.name} from subgraph "
                f"{pos.group.subgraph!r}: no subgraph that resolves it can be reached "
                "through an @key (or from the root) with what the operation fetches; "
                "add a resolvable @key shared by those subgraphs"
            )
        return reentered
    requires = None
    if target.info.requires is not None:
        requires = walker.fields.selections(target.info.requires)
    group, entity_pos, deps = enter(
        walker, run, pos, type_name, target.subgraph, target.entity_type, target.key, requires
    )
    used = deps | {group}
    if selection.selections is None:
        walker.out_field(run, entity_pos, selection)
        return used
    return used | walker.place(
        run, entity_pos, target.entity_type, selection, target.info, provided=None
    )


def _reenter(
    walker: SelectionWalker, run: PlanRun, pos: Position, type_name: str, selection: Field
) -> set[FetchGroup] | None:
    """Reach the field through an ancestor: jump there (by its key, or at the root of
    a query) to a subgraph resolving every field from the ancestor down to this one."""
    chain: list[tuple[Position, Field]] = []
    child = pos
    if any(f.type_condition is not None for f in pos.frags):
        # Objects picked out of an abstract type are only reached through their key.
        return None
    while child.parent is not None and child.via is not None:
        anchor = child.parent
        chain.insert(0, (anchor, child.via))
        used = _reenter_at(walker, run, anchor, chain, pos, type_name, selection)
        if used is not None:
            return used
        child = anchor
    return None


def _reenter_at(
    walker: SelectionWalker,
    run: PlanRun,
    anchor: Position,
    chain: list[tuple[Position, Field]],
    pos: Position,
    type_name: str,
    selection: Field,
) -> set[FetchGroup] | None:
    at_root = anchor.parent is None and not anchor.group.is_entity
    if at_root and run.mutation:
        return None
    for subgraph in walker.supergraph.subgraphs:
        if subgraph == anchor.group.subgraph:
            continue
        local = walker.fields.local(subgraph, type_name, selection.name, None)
        if local is None or local[0].requires is not None:
            continue
        if not all(
            (info := walker.fields.usable_field(step.type_name, step_field.name, subgraph))
            is not None
            and info.requires is None
            and all(
                f.type_condition is None or subgraph in walker.supergraph.type_in(f.type_condition)
                for f in step.frags
            )
            for step, step_field in chain
        ):
            continue
        deps: set[FetchGroup] = set()
        if at_root:
            group = run.roots.get(subgraph)
            if group is None:
                group = run.roots[subgraph] = run.new_group(subgraph, (), entity=False)
            out = group.selections
            first_frags = anchor.frags
        else:
            if (anchor.type_name, subgraph) in anchor.avoid:
                continue
            keyed = walker.costs.choose_key(
                anchor.group.subgraph, anchor.type_name, subgraph, anchor.type_name, anchor
            )
            if keyed is None:
                continue
            group, entity_pos, deps = enter(
                walker, run, anchor, anchor.type_name, subgraph, anchor.type_name, keyed[0], None
            )
            out = entity_pos.base
            first_frags = tuple(f for f in anchor.frags if f.type_condition is None)
        for index, (step, step_field) in enumerate(chain):
            for fragment in first_frags if index == 0 else step.frags:
                if fragment.type_condition is not None:
                    out.field("__typename")
                out = out.fragment(fragment.type_condition, fragment.directives)
            placed = out.field(
                step_field.name,
                alias=step_field.alias,
                arguments=step_field.arguments,
                directives=step_field.directives,
                leaf=False,
            )
            if placed is None or placed.selections is None:
                break
            out = placed.selections
        else:
            for fragment in pos.frags:
                if fragment.type_condition is not None:
                    out.field("__typename")
                out = out.fragment(fragment.type_condition, fragment.directives)
            target = replace(
                pos,
                group=group,
                out=out,
                base=out,
                provided=local[1],
                avoid=frozenset(),
                frags=(),
            )
            return (
                deps
                | {group}
                | walker.place(run, target, type_name, selection, local[0], provided=local[1])
            )
    return None


def enter(
    walker: SelectionWalker,
    run: PlanRun,
    pos: Position,
    type_name: str,
    subgraph: str,
    entity_type: str,
    key: Key,
    requires: tuple[Selection, ...] | None,
) -> tuple[FetchGroup, Position, set[FetchGroup]]:
    """Make (or reuse) the entity group for ``subgraph`` at ``pos``: place the key
    (and required) fields where they are fetched; return the group, where its
    selections go, and the groups it waits for."""
    avoid = pos.avoid | {(type_name, subgraph)}
    pos.base.prepend_typename()
    ensure = replace(
        pos,
        out=pos.base,
        conditions=(),
        frags=tuple(f for f in pos.frags if f.type_condition is not None and not f.directives),
    )
    key_selections = walker.fields.selections(key.selections)
    deps = {pos.group}
    if key.fields not in pos.known:
        deps |= walker.walk(
            run, replace(ensure, rel=(), renames=[], avoid=avoid), type_name, key_selections
        )
    renames: list[tuple[tuple[str, ...], str]] = []
    selections = key_selections
    if requires is not None:
        if pos.depth > 16:
            raise PlanningError(
                f"the @requires of {type_name} fields in {subgraph!r} depend on each other "
                "in a loop; break the cycle in the subgraph schemas"
            )
        deps |= walker.walk(
            run,
            replace(ensure, rel=(), renames=renames, depth=pos.depth + 1),
            type_name,
            requires,
        )
        selections = (*key_selections, *requires)
    part = RequiresPart(
        type_condition=type_name,
        selections=(Field("__typename", signature="__typename"), *selections),
        renames=tuple(renames),
    )
    group = _entity_group(run, subgraph, pos.path, deps, part)
    target_type = walker.supergraph.type_in(entity_type).get(subgraph)
    if entity_type != type_name or (target_type is not None and target_type.is_interface_object):
        group.type_rewrites[type_name] = entity_type
    out = group.selections.fragment(entity_type)
    base = out
    for fragment in pos.conditions:
        out = out.fragment(None, fragment.directives)
    entity_pos = Position(
        group=group,
        path=pos.path,
        out=out,
        base=base,
        conditions=pos.conditions,
        rel=pos.rel,
        renames=pos.renames,
        avoid=avoid,
        depth=pos.depth,
        serving=pos.serving,
        known=frozenset({key.fields}),
        type_name=entity_type,
        parent=pos.parent,
        via=pos.via,
    )
    return group, entity_pos, deps


def _entity_group(
    run: PlanRun,
    subgraph: str,
    path: tuple[str, ...],
    deps: set[FetchGroup],
    part: RequiresPart,
) -> FetchGroup:
    for group in run.by_path.get((subgraph, path), ()):
        if any(group is dep or group.is_ancestor_of(dep) for dep in deps):
            continue
        if not group.accepts(part):
            continue
        group.parents |= deps
        group.add_requires(part)
        return group
    group = run.new_group(subgraph, path, entity=True)
    group.parents |= deps
    group.add_requires(part)
    return group
