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
from gateway.planner.operation import (
    Field,
    Fragment,
    Operation,
    Selection,
    normalize,
    selections_of,
)
from gateway.planner.plan import QueryPlan
from gateway.planner.plan_tree import build_plan
from gateway.planner.selection import OutField, OutSet
from gateway.supergraph import FieldInSubgraph, Key, Supergraph

__all__ = ["QueryPlanner"]

_INTROSPECTION = frozenset({"__schema", "__type"})
_INFINITE = 1_000_000
_JUMP = 10
"""Estimated cost of one more fetch."""
_UNREACHABLE = 1_000
"""Estimated cost of a field no key reaches (perhaps reachable through an ancestor)."""


def _named_type(type_reference: str) -> str:
    """``[Book!]!`` -> ``Book``."""
    return type_reference.strip("[]! ")


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
    type_name: str = ""
    """The type of the objects here, narrowed by the fragments crossed (``frags``)."""
    parent: _Pos | None = None
    """The position of the object holding this one (``None`` at the root)."""
    via: Field | None = None
    """The field of ``parent`` leading here."""
    frags: tuple[Fragment, ...] = ()
    """Fragments crossed inside this object so far."""
    possible: frozenset[str] | None = None
    """For an abstract type: the only object types the field here can return."""
    depth: int = 0
    """How many ``@requires`` are being resolved for this position (loop guard)."""
    serving: frozenset[str] | None = None
    """The subgraphs that could serve the object here (``None``: any)."""
    known: frozenset[str] = frozenset()
    """Keys (field sets) already in the data here: the group was entered by them."""


@dataclass
class _Run:
    """The groups of one plan (or of one run of mutation fields)."""

    counter: itertools.count[int]
    groups: list[FetchGroup] = field(default_factory=list)
    roots: dict[str, FetchGroup] = field(default_factory=dict)
    by_path: dict[tuple[str, tuple[str, ...]], list[FetchGroup]] = field(default_factory=dict)
    mutation: bool = False
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

    def __init__(self, supergraph: Supergraph, *, override_labels: Iterable[str] = ()) -> None:
        self.supergraph = supergraph
        self.schema = supergraph.schema
        self.override_labels = frozenset(override_labels)
        self._usable: dict[tuple[str, str, str], FieldInSubgraph | None] = {}
        self._field_types: dict[tuple[str, str], tuple[str, int]] = {}
        self._field_sets: dict[int, tuple[Selection, ...]] = {}
        self._servings: dict[tuple[str, str, frozenset[str] | None], frozenset[str]] = {}
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

    def _runs(self, operation: Operation, root_type: str) -> list[_Run]:
        counter = itertools.count()
        runs: list[_Run] = []
        if operation.kind == "mutation":
            for subgraph, fields in self._mutation_runs(root_type, operation.selections):
                run = _Run(counter, mutation=True)
                group = run.new_group(subgraph, (), entity=False)
                run.roots[subgraph] = group
                self._walk_root(run, root_type, fields, (), only=group)
                runs.append(run)
        else:
            run = _Run(counter)
            self._walk_root(run, root_type, operation.selections, (), only=None)
            runs.append(run)
        return runs

    # -- root fields ----------------------------------------------------------------------

    def _mutation_runs(
        self, root_type: str, selections: tuple[Selection, ...]
    ) -> list[tuple[str, tuple[Selection, ...]]]:
        runs: list[tuple[str, list[Selection]]] = []
        for selection in self._root_fields(root_type, selections):
            subgraph = self._choose_root_subgraph(
                root_type, selection, preferred=runs[-1][0] if runs else None
            )
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
                self._walk_root(
                    run, root_type, selection.selections, (*conditions, selection), only=only
                )
                continue
            if only is not None:
                group = only
            else:
                subgraph = self._choose_root_subgraph(root_type, selection, preferred=None, run=run)
                existing = run.roots.get(subgraph)
                if existing is None:
                    existing = run.roots[subgraph] = run.new_group(subgraph, (), entity=False)
                group = existing
            out = group.selections
            for fragment in conditions:
                out = out.fragment(None, fragment.directives)
            pos = _Pos(
                group=group,
                path=(),
                out=out,
                base=group.selections,
                conditions=conditions,
                type_name=root_type,
                frags=conditions,
            )
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
                cost += _JUMP
            if preferred is not None and subgraph != preferred:
                cost += _JUMP
            candidate = (cost, self._order[subgraph], subgraph)
            if best is None or candidate < best:
                best = candidate
        if best is None:
            raise PlanningError(
                f"no subgraph resolves {root_type}.{selection.name}; recompose the supergraph"
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
                        frags=(*pos.frags, Fragment(None, selection.directives, ())),
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
        possible_set = self.supergraph.possible_types_in(type_name, subgraph)
        if pos.possible is not None:
            possible_set = possible_set & pos.possible
        possible = sorted(possible_set)
        pos.out.field("__typename")
        used: set[FetchGroup] = {pos.group}
        if not possible and isinstance(self.schema.get_type(type_name), GraphQLInterfaceType):
            # No object of this interface can come from here: its fields must still be
            # resolvable (an entity interface), or the operation cannot be planned.
            own = [s for s in self._flatten_own(type_name, selections) if isinstance(s, Field)]
            return used | self._walk_object(
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
                        provided=pos.provided,
                        type_name=object_type,
                        frags=(*pos.frags, Fragment(object_type, selection.directives, ())),
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
            if (
                subgraph not in self.supergraph.field_in(type_name, selection.name)
                and self._choose_target(run, pos, type_name, selection) is not None
            ):
                # The interface is an entity here and where the field is: one jump for all.
                used |= self._remote(run, pos, type_name, selection)
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

    def _flatten_own(self, type_name: str, selections: tuple[Selection, ...]) -> list[Selection]:
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
        if info.type is not None:
            child_type = _named_type(info.type)
        if info.provides is not None:
            provided = (*(provided or ()), *self._selections(info.provides))
        key = out_field.response_key
        serving = self._serving(parent_type, selection.name, pos.serving)
        child = _Pos(
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
            possible=self._possible(
                parent_type,
                selection.name,
                self._field_type(parent_type, selection.name)[0],
                serving,
            ),
        )
        return used | self._walk(run, child, child_type, selection.selections)

    def _serving(
        self, parent_type: str, field_name: str, serving: frozenset[str] | None
    ) -> frozenset[str]:
        """The subgraphs that could serve the field here: those resolving it where the
        parent object is served, or can be reached by a key."""
        cache_key = (parent_type, field_name, serving)
        cached = self._servings.get(cache_key)
        if cached is None:
            cached = frozenset(
                subgraph
                for subgraph in self.supergraph.field_in(parent_type, field_name)
                if self._usable_field(parent_type, field_name, subgraph) is not None
                and (
                    serving is None
                    or subgraph in serving
                    or self._entity_keys(parent_type, subgraph)
                )
            )
            self._servings[cache_key] = cached
        return cached

    def _possible(
        self, parent_type: str, field_name: str, child_type: str, serving: frozenset[str]
    ) -> frozenset[str] | None:
        """The object types the field can return: a field several subgraphs could serve
        returns the same objects from each, so only types all of them can return."""
        if isinstance(self.schema.get_type(child_type), GraphQLObjectType):
            return None
        result: frozenset[str] | None = None
        for subgraph in serving:
            info = self.supergraph.field_in(parent_type, field_name)[subgraph]
            named = _named_type(info.type) if info.type is not None else child_type
            in_subgraph = self.supergraph.type_in(named).get(subgraph)
            if in_subgraph is None or in_subgraph.is_interface_object:
                continue
            types = self.supergraph.possible_types_in(named, subgraph)
            result = types if result is None else result & types
        return result

    def _out_field(self, run: _Run, pos: _Pos, selection: Field) -> OutField:
        leaf = selection.selections is None
        if pos.rel is not None and pos.renames is not None and selection.arguments:
            # A field with arguments the planner needs (for a key or @requires) is fetched
            # under its own alias, so it never clashes with what the client selects.
            alias = pos.out.planner_alias(selection.name, selection.arguments)
            if alias is None:
                alias = self._fresh_alias(run, pos.out, selection.name)
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
        alias = self._fresh_alias(run, pos.out, selection.name)
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

    @staticmethod
    def _fresh_alias(run: _Run, out: OutSet, name: str) -> str:
        while True:
            alias = f"{name}__alias_{next(run.aliases)}"
            if not out.key_taken(alias):
                return alias

    # -- jumping to another subgraph ------------------------------------------------------

    def _remote(self, run: _Run, pos: _Pos, type_name: str, selection: Field) -> set[FetchGroup]:
        target = self._choose_target(run, pos, type_name, selection)
        if target is None:
            reentered = self._reenter(run, pos, type_name, selection)
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
            requires = self._selections(target.info.requires)
        group, entity_pos, deps = self._enter(
            run, pos, type_name, target.subgraph, target.entity_type, target.key, requires
        )
        used = deps | {group}
        if selection.selections is None:
            self._out_field(run, entity_pos, selection)
            return used
        return used | self._place(
            run, entity_pos, target.entity_type, selection, target.info, provided=None
        )

    def _reenter(
        self, run: _Run, pos: _Pos, type_name: str, selection: Field
    ) -> set[FetchGroup] | None:
        """Reach the field through an ancestor: jump there (by its key, or at the root of
        a query) to a subgraph resolving every field from the ancestor down to this one."""
        chain: list[tuple[_Pos, Field]] = []
        child = pos
        if any(f.type_condition is not None for f in pos.frags):
            # Objects picked out of an abstract type are only reached through their key.
            return None
        while child.parent is not None and child.via is not None:
            anchor = child.parent
            chain.insert(0, (anchor, child.via))
            used = self._reenter_at(run, anchor, chain, pos, type_name, selection)
            if used is not None:
                return used
            child = anchor
        return None

    def _reenter_at(
        self,
        run: _Run,
        anchor: _Pos,
        chain: list[tuple[_Pos, Field]],
        pos: _Pos,
        type_name: str,
        selection: Field,
    ) -> set[FetchGroup] | None:
        at_root = anchor.parent is None and not anchor.group.is_entity
        if at_root and run.mutation:
            return None
        for subgraph in self.supergraph.subgraphs:
            if subgraph == anchor.group.subgraph:
                continue
            local = self._local(subgraph, type_name, selection.name, None)
            if local is None or local[0].requires is not None:
                continue
            if not all(
                (info := self._usable_field(step.type_name, step_field.name, subgraph)) is not None
                and info.requires is None
                and all(
                    f.type_condition is None
                    or subgraph in self.supergraph.type_in(f.type_condition)
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
                keyed = self._choose_key(
                    anchor.group.subgraph, anchor.type_name, subgraph, anchor.type_name, anchor
                )
                if keyed is None:
                    continue
                group, entity_pos, deps = self._enter(
                    run, anchor, anchor.type_name, subgraph, anchor.type_name, keyed[0], None
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
                    | self._place(run, target, type_name, selection, local[0], provided=local[1])
                )
        return None

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
        ensure = replace(
            pos,
            out=pos.base,
            conditions=(),
            frags=tuple(f for f in pos.frags if f.type_condition is not None and not f.directives),
        )
        key_selections = self._selections(key.selections)
        deps = {pos.group}
        if key.fields not in pos.known:
            deps |= self._walk(
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
            deps |= self._walk(
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
        group = self._entity_group(run, subgraph, pos.path, deps, part)
        target_type = self.supergraph.type_in(entity_type).get(subgraph)
        if entity_type != type_name or (
            target_type is not None and target_type.is_interface_object
        ):
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
            depth=pos.depth,
            serving=pos.serving,
            known=frozenset({key.fields}),
            type_name=entity_type,
            parent=pos.parent,
            via=pos.via,
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

    def _choose_target(
        self, run: _Run, pos: _Pos, type_name: str, selection: Field
    ) -> _Target | None:
        subgraph = pos.group.subgraph
        best: tuple[int, int, _Target] | None = None
        for target_subgraph, entity_type, info in self._targets(
            subgraph, type_name, selection.name
        ):
            if (type_name, target_subgraph) in pos.avoid:
                continue
            keyed = self._choose_key(subgraph, type_name, target_subgraph, entity_type, pos)
            if keyed is None:
                continue
            key, cost = keyed
            if info.requires is not None:
                cost += self._cost(
                    subgraph, type_name, self._selections(info.requires), pos.provided, depth=1
                )
            if selection.selections is not None:
                child_type, _ = self._field_type(type_name, selection.name)
                child_provided = (
                    self._selections(info.provides) if info.provides is not None else None
                )
                cost += self._cost(
                    target_subgraph, child_type, selection.selections, child_provided, depth=1
                )
            if not run.by_path.get((target_subgraph, pos.path)):
                cost += _JUMP
            target = _Target(target_subgraph, entity_type, info, key, cost)
            candidate = (cost, self._order[target_subgraph], target)
            if best is None or candidate[:2] < best[:2]:
                best = candidate
        if best is None or best[0] >= _INFINITE:
            return None
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
            if key.fields in pos.known or self._key_local(subgraph, type_name, key, pos.provided):
                return key, 0
            cost = self._cost(
                subgraph, type_name, self._selections(key.selections), pos.provided, depth=1
            )
            if cost < _INFINITE and (best is None or cost < best[0]):
                best = (cost, key)
        return None if best is None else (best[1], best[0])

    # -- what a subgraph resolves ---------------------------------------------------------

    def _usable_field(
        self, type_name: str, field_name: str, subgraph: str
    ) -> FieldInSubgraph | None:
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
        self._usable[cache_key] = result
        return result

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
        return self._cost(
            subgraph, child_type, selection.selections, child_provided, depth=depth + 1
        )

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
                return sum(
                    self._cost(subgraph, t, selections, provided, depth=depth)
                    for t in self.supergraph.possible_types_in(type_name, subgraph)
                )
        total = 0
        jumps: set[str] = set()
        for selection in selections:
            if isinstance(selection, Fragment):
                if self._applies(selection.type_condition, type_name):
                    total += self._cost(
                        subgraph, type_name, selection.selections, provided, depth=depth
                    )
                continue
            if selection.name == "__typename":
                continue
            local = self._local(subgraph, type_name, selection.name, provided)
            if local is not None and local[0].requires is None:
                total += self._field_cost(
                    subgraph, type_name, selection, local[0], local[1], depth=depth
                )
                continue
            best = _INFINITE
            best_subgraph = ""
            for target, entity_type, info in self._targets(subgraph, type_name, selection.name):
                keys = self._entity_keys(entity_type, target)
                key_cost = (
                    0
                    if any(self._key_local(subgraph, type_name, k, provided) for k in keys)
                    else _JUMP
                )
                cost = key_cost + self._field_cost(
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
