"""The query planner: an operation against the API schema becomes a tree of subgraph fetches.

The planner walks the operation once, placing every field in a fetch group:
the current group when its subgraph resolves the field, otherwise an entity
group reached through an ``@key`` (after the key fields, and any ``@requires``
fields, are placed where they can be fetched). Where several subgraphs could
serve a field, a cost estimate (the fetches the rest of the selection would
need) picks one, staying in the current subgraph when it can. The groups form
a dependency graph that :mod:`gateway.planner.plan_tree` turns into Apollo's
Sequence / Parallel / Flatten / Fetch nodes.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from graphql import (
    DocumentNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
    SelectionSetNode,
)

from gateway.planner.errors import PlanningError
from gateway.planner.fetch_group import FetchGroup, RequiresPart
from gateway.planner.operation import Field, Fragment, Operation, Selection, normalize, selections_of
from gateway.planner.plan import QueryPlan
from gateway.planner.plan_tree import build_plan
from gateway.planner.selection import OutField, OutSet
from gateway.supergraph import FieldInSubgraph, Key, Supergraph

__all__ = ["QueryPlanner"]

_INTROSPECTION = frozenset({"__schema", "__type"})
_INFINITE = 1_000_000


@dataclass(frozen=True, slots=True)
class _Pos:
    """Where selections on one object (or list of objects) are being placed."""

    group: FetchGroup
    path: tuple[str, ...]
    out: OutSet
    """Where the selections go (inside any conditional fragments)."""
    base: OutSet
    """The object's own selection set, outside conditional fragments: keys go here."""
    provided: tuple[Selection, ...] | None = None
    conditions: tuple[Fragment, ...] = ()
    """Conditional fragments (``@include``/``@skip``) between ``base`` and ``out``."""
    rel: tuple[str, ...] | None = None
    """Inside a key or ``@requires`` selection: the path within it (for aliases)."""
    renames: list[tuple[tuple[str, ...], str]] | None = None
    avoid: frozenset[tuple[str, str]] = frozenset()
    """(type, subgraph) jumps already being made further up: never loop."""


@dataclass
class _Run:
    """The groups of one plan (or of one run of mutation fields)."""

    counter: itertools.count[int]
    groups: list[FetchGroup] = field(default_factory=list)
    roots: dict[str, FetchGroup] = field(default_factory=dict)
    by_path: dict[tuple[str, tuple[str, ...]], list[FetchGroup]] = field(default_factory=dict)
    aliases: itertools.count[int] = field(default_factory=itertools.count)

    def new_group(self, subgraph: str, path: tuple[str, ...], *, entity: bool) -> FetchGroup:
        group = FetchGroup(index=next(self.counter), subgraph=subgraph, path=path, is_entity=entity)
        self.groups.append(group)
        if entity:
            self.by_path.setdefault((subgraph, path), []).append(group)
        return group


@dataclass(frozen=True, slots=True)
class _Target:
    subgraph: str
    entity_type: str
    info: FieldInSubgraph
    key: Key
    cost: int


class QueryPlanner:
    """Plans operations over one supergraph. Thread-safe once built; cheap to keep."""

    def __init__(
        self, supergraph: Supergraph, *, override_labels: Iterable[str] = ()
    ) -> None:
        self.supergraph = supergraph
        self.schema = supergraph.schema
        self.override_labels = frozenset(override_labels)
        self._usable: dict[tuple[str, str, str], FieldInSubgraph | None] = {}
        self._field_types: dict[tuple[str, str], tuple[str, int]] = {}
        self._field_sets: dict[int, tuple[Selection, ...]] = {}
        self._key_fields: dict[tuple[str, str], frozenset[str]] = {}
        self._order = {name: i for i, name in enumerate(supergraph.subgraphs)}

    # -- entry point ----------------------------------------------------------------------

    def plan(self, document: DocumentNode, operation_name: str | None = None) -> QueryPlan:
        """The plan of ``document``'s operation (already validated against the API schema)."""
        operation = normalize(document, operation_name)
        root_type = self.supergraph.root_types.get(operation.kind)
        if root_type is None:
            raise PlanningError(
                f"the supergraph has no {operation.kind} type; send a query instead",
                code="GRAPHQL_VALIDATION_FAILED",
            )
        counter = itertools.count()
        runs: list[_Run] = []
        if operation.kind == "mutation":
            for subgraph, fields in self._mutation_runs(root_type, operation.selections):
                run = _Run(counter)
                group = run.new_group(subgraph, (), entity=False)
                run.roots[subgraph] = group
                self._walk_root(run, root_type, fields, (), only=group)
                runs.append(run)
        else:
            run = _Run(counter)
            self._walk_root(run, root_type, operation.selections, (), only=None)
            runs.append(run)
        return build_plan(operation, [run.groups for run in runs])

    # -- root fields ----------------------------------------------------------------------

    def _mutation_runs(
        self, root_type: str, selections: tuple[Selection, ...]
    ) -> list[tuple[str, tuple[Selection, ...]]]:
        runs: list[tuple[str, list[Selection]]] = []
        for selection in self._root_fields(root_type, selections):
            subgraph = self._choose_root_subgraph(root_type, selection, preferred=runs[-1][0] if runs else None)
            if runs and runs[-1][0] == subgraph:
                runs[-1][1].append(selection)
            else:
                runs.append((subgraph, [selection]))
        return [(subgraph, tuple(fields)) for subgraph, fields in runs]

    def _root_fields(self, root_type: str, selections: tuple[Selection, ...]) -> list[Selection]:
        """Top-level selections in order; unconditional root fragments are flattened."""
        result: list[Selection] = []
        for selection in selections:
            if isinstance(selection, Fragment) and not selection.directives:
                result.extend(self._root_fields(root_type, selection.selections))
            elif isinstance(selection, Field) and (
                selection.name == "__typename" or selection.name in _INTROSPECTION
            ):
                continue
            else:
                result.append(selection)
        return result

    def _walk_root(
        self,
        run: _Run,
        root_type: str,
        selections: tuple[Selection, ...],
        conditions: tuple[Fragment, ...],
        *,
        only: FetchGroup | None,
    ) -> None:
        for selection in self._root_fields(root_type, selections):
            if isinstance(selection, Fragment):
                self._walk_root(run, root_type, selection.selections, (*conditions, selection), only=only)
                continue
            if only is not None:
                group = only
            else:
                subgraph = self._choose_root_subgraph(root_type, selection, preferred=None, run=run)
                group = run.roots.get(subgraph)
                if group is None:
                    group = run.new_group(subgraph, (), entity=False)
                    run.roots[subgraph] = group
            out = group.selections
            for fragment in conditions:
                out = out.fragment(None, fragment.directives)
            pos = _Pos(group=group, path=(), out=out, base=group.selections, conditions=conditions)
            info = self._usable_field(root_type, selection.name, group.subgraph)
            if info is None:
                raise PlanningError(
                    f"no subgraph resolves {root_type}.{selection.name}; recompose the supergraph"
                )
            self._place(run, pos, root_type, selection, info, provided=None)

    def _choose_root_subgraph(
        self,
        root_type: str,
        selection: Selection,
        *,
        preferred: str | None,
        run: _Run | None = None,
    ) -> str:
        assert isinstance(selection, Field)
        best: tuple[int, int, str] | None = None
        for subgraph in self.supergraph.field_in(root_type, selection.name):
            info = self._usable_field(root_type, selection.name, subgraph)
            if info is None:
                continue
            cost = self._field_cost(subgraph, root_type, selection, info, None, depth=0)
            if run is not None and subgraph not in run.roots:
                cost += 1
            if preferred is not None and subgraph != preferred:
                cost += 1
            candidate = (cost, self._order[subgraph], subgraph)
            if best is None or candidate < best:
                best = candidate
        if best is None or best[0] >= _INFINITE:
            raise PlanningError(
                f"no subgraph can resolve {root_type}.{selection.name} with its selections; "
                "check that every field it selects is reachable through an @key"
            )
        return best[2]

    # -- walking selections ---------------------------------------------------------------

    def _walk(
        self, run: _Run, pos: _Pos, type_name: str, selections: tuple[Selection, ...]
    ) -> set[FetchGroup]:
        """Place ``selections`` on the objects of ``type_name`` at ``pos``; the groups used."""
        definition = self.schema.get_type(type_name)
        if isinstance(definition, GraphQLObjectType):
            return self._walk_object(run, pos, type_name, selections)
        in_subgraph = self.supergraph.type_in(type_name).get(pos.group.subgraph)
        if in_subgraph is not None and in_subgraph.is_interface_object:
            return self._walk_interface_object(run, pos, type_name, selections)
        return self._walk_abstract(run, pos, type_name, selections)

    def _walk_object(
        self, run: _Run, pos: _Pos, type_name: str, selections: tuple[Selection, ...]
    ) -> set[FetchGroup]:
        used: set[FetchGroup] = set()
        remote: list[tuple[_Pos, Field]] = []
        self._collect_object(run, pos, type_name, selections, used, remote)
        for where, selection in remote:
            used |= self._remote(run, where, type_name, selection)
        return used

    def _collect_object(
        self,
        run: _Run,
        pos: _Pos,
        type_name: str,
        selections: tuple[Selection, ...],
        used: set[FetchGroup],
        remote: list[tuple[_Pos, Field]],
    ) -> None:
        subgraph = pos.group.subgraph
        for selection in selections:
            if isinstance(selection, Fragment):
                if not self._applies(selection.type_condition, type_name):
                    continue
                inner = pos
                if selection.directives:
                    inner = replace(
                        pos,
                        out=pos.out.fragment(None, selection.directives),
                        conditions=(*pos.conditions, selection),
                    )
                self._collect_object(run, inner, type_name, selection.selections, used, remote)
                continue
            if selection.name == "__typename":
                self._out_field(run, pos, selection)
                used.add(pos.group)
                continue
            local = self._local(subgraph, type_name, selection.name, pos.provided)
            if local is not None and local[0].requires is None:
                used |= self._place(run, pos, type_name, selection, local[0], provided=local[1])
            else:
                remote.append((pos, selection))

    def _walk_abstract(
        self, run: _Run, pos: _Pos, type_name: str, selections: tuple[Selection, ...]
    ) -> set[FetchGroup]:
        subgraph = pos.group.subgraph
        possible = self._sorted(self.supergraph.possible_types_in(type_name, subgraph))
        pos.out.field("__typename")
        used: set[FetchGroup] = {pos.group}
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
                        )
                    used |= self._walk_abstract(run, inner, type_name, selection.selections)
                    continue
                for object_type in possible:
                    if not self._applies(condition, object_type):
                        continue
                    inner = replace(
                        pos,
                        out=pos.out.fragment(object_type, selection.directives),
                        base=pos.base.fragment(object_type),
                        conditions=(
                            (*pos.conditions, selection) if selection.directives else pos.conditions
                        ),
                        provided=self._provided_for(pos.provided, object_type),
                    )
                    used |= self._walk_object(run, inner, object_type, selection.selections)
                continue
            if selection.name == "__typename":
                self._out_field(run, pos, selection)
                continue
            interface_info = self._usable_field(type_name, selection.name, subgraph)
            uniform = interface_info is not None and all(
                (local := self._local(subgraph, t, selection.name, pos.provided)) is not None
                and local[0].requires is None
                for t in possible
            )
            if uniform and interface_info is not None:
                provided = self._provided_child(pos.provided, type_name, selection.name)
                used |= self._place(
                    run, pos, type_name, selection, interface_info, provided=provided
                )
                continue
            for object_type in possible:
                inner = replace(
                    pos,
                    out=pos.out.fragment(object_type),
                    base=pos.base.fragment(object_type),
                    provided=self._provided_for(pos.provided, object_type),
                )
                used |= self._walk_object(run, inner, object_type, (selection,))
        return used

    def _walk_interface_object(
        self, run: _Run, pos: _Pos, type_name: str, selections: tuple[Selection, ...]
    ) -> set[FetchGroup]:
        """Objects a subgraph only knows through ``@interfaceObject``: their ``__typename``
        is the interface's, so the real type comes from a subgraph that knows it."""
        pos.out.field("__typename")
        used: set[FetchGroup] = {pos.group}
        own: list[Selection] = []
        needs_type: list[Selection] = []
        for selection in self._flatten_own(type_name, selections):
            if isinstance(selection, Fragment) or selection.name == "__typename":
                needs_type.append(selection)
            else:
                own.append(selection)
        used |= self._walk_object(run, pos, type_name, tuple(own))
        if needs_type:
            used |= self._resolve_type(run, pos, type_name, tuple(needs_type))
        return used

    def _flatten_own(
        self, type_name: str, selections: tuple[Selection, ...]
    ) -> list[Selection]:
        result: list[Selection] = []
        for selection in selections:
            if (
                isinstance(selection, Fragment)
                and not selection.directives
                and selection.type_condition in (None, type_name)
            ):
                result.extend(self._flatten_own(type_name, selection.selections))
            else:
                result.append(selection)
        return result

    def _resolve_type(
        self, run: _Run, pos: _Pos, type_name: str, selections: tuple[Selection, ...]
    ) -> set[FetchGroup]:
        subgraph = pos.group.subgraph
        best: tuple[int, int, str, Key] | None = None
        for target, info in self.supergraph.type_in(type_name).items():
            if info.is_interface_object or target == subgraph:
                continue
            for key in info.resolvable_keys:
                cost = 0 if self._key_local(subgraph, type_name, key, pos.provided) else 1
                candidate = (cost, self._order[target], target, key)
                if best is None or candidate[:3] < best[:3]:
                    best = candidate
        if best is None:
            raise PlanningError(
                f"the concrete type of {type_name} objects from subgraph {subgraph!r} cannot be "
                f"found: no subgraph defines the interface {type_name} with a resolvable @key"
            )
        target, key = best[2], best[3]
        group, entity_pos, deps = self._enter(run, pos, type_name, target, type_name, key, None)
        return deps | {group} | self._walk_abstract(run, entity_pos, type_name, selections)

    # -- placing a field where it is resolved ---------------------------------------------

    def _place(
        self,
        run: _Run,
        pos: _Pos,
        parent_type: str,
        selection: Field,
        info: FieldInSubgraph,
        *,
        provided: tuple[Selection, ...] | None,
    ) -> set[FetchGroup]:
        out_field = self._out_field(run, pos, selection)
        used = {pos.group}
        if selection.selections is None or out_field.selections is None:
            return used
        child_type, depth = self._field_type(parent_type, selection.name)
        if info.provides is not None:
            provided = (*(provided or ()), *self._selections(info.provides))
        key = out_field.response_key
        child = _Pos(
            group=pos.group,
            path=(*pos.path, key, *("@",) * depth),
            out=out_field.selections,
            base=out_field.selections,
            provided=provided,
            rel=None if pos.rel is None else (*pos.rel, selection.name),
            renames=pos.renames,
            avoid=pos.avoid,
        )
        return used | self._walk(run, child, child_type, selection.selections)

    def _out_field(self, run: _Run, pos: _Pos, selection: Field) -> OutField:
        leaf = selection.selections is None
        placed = pos.out.field(
            selection.name,
            alias=selection.alias,
            arguments=selection.arguments,
            directives=selection.directives,
            leaf=leaf,
        )
        if placed is not None:
            return placed
        # The response key is taken by another field: fetch this one under an alias.
        while True:
            alias = f"{selection.name}__alias_{next(run.aliases)}"
            if not pos.out.key_taken(alias):
                break
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

    # -- jumping to another subgraph ------------------------------------------------------

    def _remote(self, run: _Run, pos: _Pos, type_name: str, selection: Field) -> set[FetchGroup]:
        target = self._choose_target(run, pos, type_name, selection)
        requires = None
        if target.info.requires is not None:
            requires = self._selections(target.info.requires)
        group, entity_pos, deps = self._enter(
            run, pos, type_name, target.subgraph, target.entity_type, target.key, requires
        )
        entity_provided = None
        used = deps | {group}
        if selection.selections is None:
            self._out_field(run, entity_pos, selection)
            return used
        return used | self._place(
            run, entity_pos, target.entity_type, selection, target.info, provided=entity_provided
        )

    def _enter(
        self,
        run: _Run,
        pos: _Pos,
        type_name: str,
        subgraph: str,
        entity_type: str,
        key: Key,
        requires: tuple[Selection, ...] | None,
    ) -> tuple[FetchGroup, _Pos, set[FetchGroup]]:
        """Make (or reuse) the entity group for ``subgraph`` at ``pos``: place the key
        (and required) fields where they are fetched; return the group, where its
        selections go, and the groups it waits for."""
        avoid = pos.avoid | {(type_name, subgraph)}
        pos.base.prepend_typename()
        ensure = replace(pos, out=pos.base, conditions=(), avoid=avoid)
        key_selections = self._selections(key.selections)
        deps = {pos.group}
        deps |= self._walk(run, replace(ensure, rel=(), renames=[]), type_name, key_selections)
        renames: list[tuple[tuple[str, ...], str]] = []
        selections = key_selections
        if requires is not None:
            deps |= self._walk(
                run, replace(ensure, rel=(), renames=renames), type_name, requires
            )
            selections = (*key_selections, *requires)
        part = RequiresPart(
            type_condition=type_name,
            selections=(Field("__typename", signature="__typename"), *selections),
            renames=tuple(renames),
        )
        group = self._entity_group(run, subgraph, pos.path, deps, part)
        if entity_type != type_name:
            group.type_rewrites[type_name] = entity_type
        out = group.selections.fragment(entity_type)
        base = out
        for fragment in pos.conditions:
            out = out.fragment(None, fragment.directives)
        entity_pos = _Pos(
            group=group,
            path=pos.path,
            out=out,
            base=base,
            conditions=pos.conditions,
            rel=pos.rel,
            renames=pos.renames,
            avoid=avoid,
        )
        return group, entity_pos, deps

    def _entity_group(
        self,
        run: _Run,
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

    def _choose_target(self, run: _Run, pos: _Pos, type_name: str, selection: Field) -> _Target:
        subgraph = pos.group.subgraph
        best: tuple[int, int, _Target] | None = None
        for target_subgraph, entity_type, info in self._targets(subgraph, type_name, selection.name):
            if (type_name, target_subgraph) in pos.avoid:
                continue
            keyed = self._choose_key(subgraph, type_name, target_subgraph, entity_type, pos)
            if keyed is None:
                continue
            key, cost = keyed
            if info.requires is not None:
                cost += self._cost(subgraph, type_name, self._selections(info.requires), pos.provided, depth=1)
            if selection.selections is not None:
                child_type, _ = self._field_type(type_name, selection.name)
                child_provided = (
                    self._selections(info.provides) if info.provides is not None else None
                )
                cost += self._cost(
                    target_subgraph, child_type, selection.selections, child_provided, depth=1
                )
            if not run.by_path.get((target_subgraph, pos.path)):
                cost += 1
            target = _Target(target_subgraph, entity_type, info, key, cost)
            candidate = (cost, self._order[target_subgraph], target)
            if best is None or candidate[:2] < best[:2]:
                best = candidate
        if best is None or best[0] >= _INFINITE:
            raise PlanningError(
                f"cannot plan {type_name}.{selection.name} from subgraph {subgraph!r}: no "
                "subgraph that resolves it can be reached through an @key whose fields "
                f"{subgraph!r} can provide; add a shared @key or make the field reachable"
            )
        return best[2]

    def _targets(
        self, subgraph: str, type_name: str, field_name: str
    ) -> list[tuple[str, str, FieldInSubgraph]]:
        """(subgraph, type as that subgraph knows it, field) that can resolve the field."""
        result: list[tuple[str, str, FieldInSubgraph]] = []
        for target in self.supergraph.field_in(type_name, field_name):
            info = self._usable_field(type_name, field_name, target)
            if info is None or (target == subgraph and info.requires is None):
                continue
            if self._entity_keys(type_name, target):
                result.append((target, type_name, info))
        definition = self.schema.get_type(type_name)
        if isinstance(definition, GraphQLObjectType):
            for interface in definition.interfaces:
                for target, in_target in self.supergraph.type_in(interface.name).items():
                    if not in_target.is_interface_object or target == subgraph:
                        continue
                    info = self._usable_field(interface.name, field_name, target)
                    if info is not None and in_target.resolvable_keys:
                        result.append((target, interface.name, info))
        return result

    def _entity_keys(self, type_name: str, subgraph: str) -> tuple[Key, ...]:
        info = self.supergraph.type_in(type_name).get(subgraph)
        return () if info is None else info.resolvable_keys

    def _choose_key(
        self, subgraph: str, type_name: str, target: str, entity_type: str, pos: _Pos
    ) -> tuple[Key, int] | None:
        best: tuple[int, Key] | None = None
        for key in self._entity_keys(entity_type, target):
            if self._key_local(subgraph, type_name, key, pos.provided):
                return key, 0
            cost = self._cost(subgraph, type_name, self._selections(key.selections), pos.provided, depth=1)
            if cost < _INFINITE and (best is None or cost < best[0]):
                best = (cost, key)
        return None if best is None else (best[1], best[0])

    # -- what a subgraph resolves ---------------------------------------------------------

    def _usable_field(self, type_name: str, field_name: str, subgraph: str) -> FieldInSubgraph | None:
        """The field as ``subgraph`` resolves it for clients, or ``None`` if it does not."""
        cache_key = (type_name, field_name, subgraph)
        if cache_key in self._usable:
            return self._usable[cache_key]
        fields = self.supergraph.field_in(type_name, field_name)
        info = fields.get(subgraph)
        result: FieldInSubgraph | None = info
        if info is None or info.external or info.used_overridden:
            result = None
        elif info.override_label is not None:
            enabled = info.override_label in self.override_labels
            if (info.override is not None) != enabled:
                result = None
        elif any(
            other.override == subgraph
            and (other.override_label is None or other.override_label in self.override_labels)
            for other in fields.values()
        ):
            result = None
        if result is None and info is not None and (info.external or info.used_overridden):
            if field_name in self._key_field_names(type_name, subgraph):
                result = info
        self._usable[cache_key] = result
        return result

    def _key_field_names(self, type_name: str, subgraph: str) -> frozenset[str]:
        cache_key = (type_name, subgraph)
        cached = self._key_fields.get(cache_key)
        if cached is None:
            names: set[str] = set()
            info = self.supergraph.type_in(type_name).get(subgraph)
            for key in info.keys if info is not None else ():
                names.update(
                    s.name for s in self._selections(key.selections) if isinstance(s, Field)
                )
            cached = self._key_fields[cache_key] = frozenset(names)
        return cached

    def _local(
        self,
        subgraph: str,
        type_name: str,
        field_name: str,
        provided: tuple[Selection, ...] | None,
    ) -> tuple[FieldInSubgraph, tuple[Selection, ...] | None] | None:
        """The field if ``subgraph`` resolves it here (itself or through ``@provides``)."""
        info = self._usable_field(type_name, field_name, subgraph)
        found, child = self._provided_lookup(provided, type_name, field_name)
        if info is not None:
            return info, child if found else None
        if found:
            raw = self.supergraph.field_in(type_name, field_name).get(subgraph)
            if raw is not None:
                return FieldInSubgraph(subgraph=subgraph, type=raw.type), child
        return None

    def _key_local(
        self, subgraph: str, type_name: str, key: Key, provided: tuple[Selection, ...] | None
    ) -> bool:
        return self._all_local(subgraph, type_name, self._selections(key.selections), provided)

    def _all_local(
        self,
        subgraph: str,
        type_name: str,
        selections: tuple[Selection, ...],
        provided: tuple[Selection, ...] | None,
    ) -> bool:
        for selection in selections:
            if isinstance(selection, Fragment):
                if self._applies(selection.type_condition, type_name) and not self._all_local(
                    subgraph, type_name, selection.selections, provided
                ):
                    return False
                continue
            if selection.name == "__typename":
                continue
            local = self._local(subgraph, type_name, selection.name, provided)
            if local is None or local[0].requires is not None:
                return False
            if selection.selections is not None:
                child_type, _ = self._field_type(type_name, selection.name)
                if not isinstance(self.schema.get_type(child_type), GraphQLObjectType):
                    return False
                if not self._all_local(subgraph, child_type, selection.selections, local[1]):
                    return False
        return True

    # -- cost estimate --------------------------------------------------------------------

    def _field_cost(
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
        child_type, _ = self._field_type(parent_type, selection.name)
        child_provided = provided
        if info.provides is not None:
            child_provided = (*(provided or ()), *self._selections(info.provides))
        return self._cost(subgraph, child_type, selection.selections, child_provided, depth=depth + 1)

    def _cost(
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
                costs = [
                    self._cost(subgraph, t, selections, provided, depth=depth)
                    for t in self.supergraph.possible_types_in(type_name, subgraph)
                ]
                return max(costs, default=0)
        total = 0
        jumps: set[str] = set()
        for selection in selections:
            if isinstance(selection, Fragment):
                if self._applies(selection.type_condition, type_name):
                    total += self._cost(subgraph, type_name, selection.selections, provided, depth=depth)
                continue
            if selection.name == "__typename":
                continue
            local = self._local(subgraph, type_name, selection.name, provided)
            if local is not None and local[0].requires is None:
                total += self._field_cost(subgraph, type_name, selection, local[0], local[1], depth=depth)
                continue
            best = _INFINITE
            best_subgraph = ""
            for target, entity_type, info in self._targets(subgraph, type_name, selection.name):
                keys = self._entity_keys(entity_type, target)
                key_cost = 0 if any(self._key_local(subgraph, type_name, k, provided) for k in keys) else 1
                cost = key_cost + self._field_cost(target, entity_type, selection, info, None, depth=depth)
                if info.requires is not None:
                    cost += 1
                if cost < best:
                    best, best_subgraph = cost, target
            if best >= _INFINITE:
                return _INFINITE
            if best_subgraph not in jumps:
                jumps.add(best_subgraph)
                total += 1
            total += best
        return total

    # -- schema helpers -------------------------------------------------------------------

    def _field_type(self, type_name: str, field_name: str) -> tuple[str, int]:
        """The named type of ``type_name.field_name`` and how many lists wrap it."""
        cache_key = (type_name, field_name)
        cached = self._field_types.get(cache_key)
        if cached is not None:
            return cached
        definition = self.schema.get_type(type_name)
        if not isinstance(definition, (GraphQLObjectType, GraphQLInterfaceType)):
            raise PlanningError(f"{type_name} has no fields; validate the operation first")
        field_def = definition.fields.get(field_name)
        if field_def is None:
            raise PlanningError(
                f"{type_name} has no field {field_name!r}; validate the operation against the "
                "API schema first",
                code="GRAPHQL_VALIDATION_FAILED",
            )
        field_type = field_def.type
        depth = 0
        while isinstance(field_type, (GraphQLNonNull, GraphQLList)):
            if isinstance(field_type, GraphQLList):
                depth += 1
            field_type = field_type.of_type
        result = (field_type.name, depth)
        self._field_types[cache_key] = result
        return result

    def _applies(self, condition: str | None, object_type: str) -> bool:
        """Whether a fragment on ``condition`` applies to objects of ``object_type``."""
        if condition is None or condition == object_type:
            return True
        definition = self.schema.get_type(condition)
        target = self.schema.get_type(object_type)
        if isinstance(definition, (GraphQLInterfaceType, GraphQLUnionType)) and isinstance(
            target, GraphQLObjectType
        ):
            return self.schema.is_sub_type(definition, target)
        return False

    def _sorted(self, type_names: Iterable[str]) -> list[str]:
        return sorted(type_names)

    def _selections(self, node: SelectionSetNode) -> tuple[Selection, ...]:
        cached = self._field_sets.get(id(node))
        if cached is None:
            cached = self._field_sets[id(node)] = selections_of(node)
        return cached

    # -- @provides ------------------------------------------------------------------------

    def _provided_lookup(
        self, provided: tuple[Selection, ...] | None, type_name: str, field_name: str
    ) -> tuple[bool, tuple[Selection, ...] | None]:
        if not provided:
            return False, None
        found = False
        children: list[Selection] = []
        for selection in provided:
            if isinstance(selection, Fragment):
                if self._applies(selection.type_condition, type_name):
                    inner_found, inner = self._provided_lookup(
                        selection.selections, type_name, field_name
                    )
                    if inner_found:
                        found = True
                        children.extend(inner or ())
            elif selection.name == field_name:
                found = True
                children.extend(selection.selections or ())
        return found, tuple(children) if children else None

    def _provided_child(
        self, provided: tuple[Selection, ...] | None, type_name: str, field_name: str
    ) -> tuple[Selection, ...] | None:
        return self._provided_lookup(provided, type_name, field_name)[1]

    def _provided_for(
        self, provided: tuple[Selection, ...] | None, object_type: str
    ) -> tuple[Selection, ...] | None:
        return provided
