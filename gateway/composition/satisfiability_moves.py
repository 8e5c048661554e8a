"""How a path through the subgraphs advances by one field of the API schema.

A :class:`Position` is where a query path can be in one subgraph: the subgraph,
the type as that subgraph knows it (an ``@interfaceObject`` keeps the interface
while the API path is on one of its implementations), and what ``@provides``
made resolvable there. :class:`Moves` answers, for a position and an API field,
the positions the path can be in after the field (resolved directly, or after
jumping to other subgraphs by resolvable ``@key``), or why it cannot, in the
words of Apollo's satisfiability errors. What a subgraph resolves for clients
(``@external``, ``@override`` with labels, ``@provides``) is the query
planner's :class:`~gateway.planner.subgraph_fields.SubgraphFields` knowledge.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLObjectType, is_leaf_type

from gateway.planner.operation import Field, Fragment, Selection
from gateway.planner.subgraph_fields import SubgraphFields, named_type
from gateway.supergraph import FieldInSubgraph, Key, Supergraph

__all__ = ["Advance", "Moves", "Position", "Reason"]


@dataclass(frozen=True, slots=True)
class Position:
    """Where a path is in one subgraph."""

    subgraph: str
    type_name: str
    provided: tuple[Selection, ...] | None = None


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a path in ``source`` cannot take a field (Apollo's "unadvanceable")."""

    source: str
    destination: str
    details: str


@dataclass(frozen=True, slots=True)
class Advance:
    """The positions after a field, or (when there are none) the reasons."""

    positions: tuple[Position, ...]
    reasons: tuple[Reason, ...] = ()


def subgraph_names(names: list[str]) -> str:
    """``subgraph "A"`` or ``subgraphs "A" and "B"``, as Apollo lists them."""
    quoted = [f'"{n}"' for n in names]
    if len(quoted) == 1:
        return f"subgraph {quoted[0]}"
    return f"subgraphs {', '.join(quoted[:-1])} and {quoted[-1]}"


class Moves:
    """Field moves over one supergraph, cached per (position, type, field)."""

    def __init__(self, supergraph: Supergraph) -> None:
        self.supergraph = supergraph
        self.schema = supergraph.schema
        labels = frozenset(
            info.override_label
            for type_name, definition in self.schema.type_map.items()
            for field_name in getattr(definition, "fields", None) or ()
            for info in supergraph.field_in(type_name, field_name).values()
            if info.override_label is not None
        )
        # A progressively overridden field is served by both subgraphs, one per
        # state of its label: look at the supergraph with every label off and on.
        self._views = (
            SubgraphFields(supergraph, override_labels=frozenset()),
            SubgraphFields(supergraph, override_labels=labels),
        )
        self.fields = self._views[0]
        self._advances: dict[tuple[Position, str, str, bool], Advance] = {}
        self._indirect: dict[tuple[Position, str, bool], tuple[list[Position], list[Reason]]] = {}
        self._directs: dict[
            tuple[Position, str, str, bool], tuple[list[Position], list[Reason]]
        ] = {}
        self._requiring: set[tuple[str, str, str]] = set()
        self._in_key_condition = False
        """Set while key fields are looked for in other subgraphs: the jumps taken
        then need key fields the subgraph has itself (no search within a search)."""

    # -- what one subgraph resolves --------------------------------------------------

    def usable(self, type_name: str, field_name: str, subgraph: str) -> FieldInSubgraph | None:
        """The field as ``subgraph`` resolves it for clients under some label setting."""
        for view in self._views:
            info = view.usable_field(type_name, field_name, subgraph)
            if info is not None:
                return info
        return None

    def _lookup_type(self, position: Position, type_name: str) -> str:
        """The type whose field ``position`` reads when the API path is on ``type_name``."""
        in_subgraph = self.supergraph.type_in(position.type_name).get(position.subgraph)
        if in_subgraph is not None and in_subgraph.is_interface_object:
            return position.type_name
        return type_name

    def _child_type(self, info: FieldInSubgraph | None, supergraph_child: str) -> str:
        if info is not None and info.type is not None:
            return named_type(info.type)
        return supergraph_child

    def fields_local(
        self,
        subgraph: str,
        type_name: str,
        selections: tuple[Selection, ...],
        provided: tuple[Selection, ...] | None,
    ) -> bool:
        """Whether ``subgraph`` resolves all ``selections`` (a key) without leaving."""
        for selection in selections:
            if isinstance(selection, Fragment):
                if self.fields.applies(selection.type_condition, type_name) and not (
                    self.fields_local(subgraph, type_name, selection.selections, provided)
                ):
                    return False
                continue
            if selection.name == "__typename":
                continue
            info = self.usable(type_name, selection.name, subgraph)
            found, child = self.fields.provided_lookup(provided, type_name, selection.name)
            if (info is None or info.requires is not None) and not found:
                return False
            if selection.selections is not None:
                child_type = named_type(self._field_type_name(type_name, selection.name))
                if not self.fields_local(subgraph, child_type, selection.selections, child):
                    return False
        return True

    def _field_type_name(self, type_name: str, field_name: str) -> str:
        definition = self.schema.get_type(type_name)
        field_def = getattr(definition, "fields", {}).get(field_name)
        return "" if field_def is None else str(field_def.type)

    # -- one field from one position -------------------------------------------------

    def advance(self, position: Position, type_name: str, field_name: str, child: str) -> Advance:
        """The positions after ``type_name.field_name`` (of API type ``child``) from
        ``position``, directly or after key jumps; else why not."""
        cache_key = (position, type_name, field_name, self._in_key_condition)
        cached = self._advances.get(cache_key)
        if cached is not None:
            return cached
        direct, direct_reasons = self.direct(position, type_name, field_name, child)
        reasons = list(direct_reasons)
        if direct and is_leaf_type(self.schema.get_type(child)):
            result = Advance(tuple(direct))
        else:
            options = list(direct)
            indirect, key_reasons = self.indirect_positions(position, type_name)
            for jumped in indirect:
                found, more = self.direct(jumped, type_name, field_name, child)
                options += found
                reasons += more
            if options:
                result = Advance(tuple(dict.fromkeys(options)))
            else:
                reasons += key_reasons
                reasons += self._unreachable(position, type_name, field_name, reasons)
                result = Advance((), tuple(reasons))
        self._advances[cache_key] = result
        return result

    def direct(
        self, position: Position, type_name: str, field_name: str, child: str
    ) -> tuple[list[Position], list[Reason]]:
        """The field taken in ``position``'s own subgraph, or why it cannot be (the
        lists are shared: do not change them)."""
        cache_key = (position, type_name, field_name, self._in_key_condition)
        cached = self._directs.get(cache_key)
        if cached is None:
            cached = self._directs[cache_key] = self._compute_direct(
                position, type_name, field_name, child
            )
        return cached

    def _compute_direct(
        self, position: Position, type_name: str, field_name: str, child: str
    ) -> tuple[list[Position], list[Reason]]:
        subgraph = position.subgraph
        lookup = self._lookup_type(position, type_name)
        coordinate = f"{type_name}.{field_name}"
        info = self.usable(lookup, field_name, subgraph)
        found, provided_child = self.fields.provided_lookup(position.provided, lookup, field_name)
        if info is None and found:
            raw = self.supergraph.field_in(lookup, field_name).get(subgraph)
            info = FieldInSubgraph(subgraph=subgraph, type=None if raw is None else raw.type)
        elif info is not None and info.requires is not None and not found:
            why = self._requires_failure(position, type_name, field_name, lookup, info)
            if why is not None:
                return [], [Reason(subgraph, subgraph, why)]
        if info is not None:
            next_type = self._child_type(info, child)
            provided = provided_child if found else None
            if info.provides is not None:
                provided = (*(provided or ()), *self.fields.selections(info.provides))
            return [Position(subgraph, next_type, provided)], []
        return [], [
            Reason(subgraph, subgraph, self._missing(lookup, coordinate, field_name, subgraph))
        ]

    def _missing(self, lookup: str, coordinate: str, field_name: str, subgraph: str) -> str:
        fields = self.supergraph.field_in(lookup, field_name)
        info = fields.get(subgraph)
        if info is None:
            # an overridden field is gone from its old subgraph, unless a key uses it
            return f'cannot find field "{coordinate}"'
        overriders = [
            name
            for name, other in fields.items()
            if other.override == subgraph and name != subgraph
        ]
        if info.used_overridden and overriders:
            return (
                f'field "{coordinate}" is not resolvable because it is overridden by '
                f"{subgraph_names(overriders)}"
            )
        if info.external:
            return f'field "{coordinate}" is not resolvable because marked @external'
        return f'cannot find field "{coordinate}"'

    def _requires_failure(
        self,
        position: Position,
        type_name: str,
        field_name: str,
        lookup: str,
        info: FieldInSubgraph,
    ) -> str | None:
        """Why the ``@requires`` of the field cannot be met from ``position``, or ``None``."""
        assert info.requires is not None
        coordinate = f"{type_name}.{field_name}"
        guard = (position.subgraph, lookup, field_name)
        if guard in self._requiring:
            return f'cannot satisfy @require conditions on field "{coordinate}"'
        self._requiring.add(guard)
        try:
            required = self.fields.selections(info.requires)
            start = Position(position.subgraph, position.type_name, position.provided)
            if not self.fetchable((start,), type_name, required):
                return f'cannot satisfy @require conditions on field "{coordinate}"'
        finally:
            self._requiring.discard(guard)
        if not self.fields.entity_keys(lookup, position.subgraph):
            return (
                f'@require condition on field "{coordinate}" can be satisfied but missing '
                f'usable key on "{lookup}" in subgraph "{position.subgraph}" to resume query'
            )
        return None

    def fetchable(
        self, positions: tuple[Position, ...], type_name: str, selections: tuple[Selection, ...]
    ) -> bool:
        """Whether ``selections`` on ``type_name`` can all be fetched from ``positions``."""
        for selection in selections:
            if isinstance(selection, Fragment):
                condition = selection.type_condition or type_name
                if not self.fetchable(positions, condition, selection.selections):
                    return False
                continue
            if selection.name == "__typename":
                continue
            assert isinstance(selection, Field)
            child = named_type(self._field_type_name(type_name, selection.name))
            if not child:
                return False
            reached: list[Position] = []
            for position in positions:
                reached += self.advance(position, type_name, selection.name, child).positions
            if not reached:
                return False
            if selection.selections is not None and not self.fetchable(
                tuple(dict.fromkeys(reached)), child, selection.selections
            ):
                return False
        return True

    # -- jumps by key ----------------------------------------------------------------

    def _key_targets(self, type_name: str, subgraph: str) -> list[tuple[str, tuple[Key, ...]]]:
        """(type as ``subgraph`` knows it, resolvable keys) an entity of ``type_name``
        can be entered by in ``subgraph``."""
        targets: list[tuple[str, tuple[Key, ...]]] = []
        keys = self.fields.entity_keys(type_name, subgraph)
        if keys:
            targets.append((type_name, keys))
        definition = self.schema.get_type(type_name)
        if isinstance(definition, GraphQLObjectType):
            for interface in definition.interfaces:
                in_subgraph = self.supergraph.type_in(interface.name).get(subgraph)
                if (
                    in_subgraph is not None
                    and in_subgraph.is_interface_object
                    and in_subgraph.resolvable_keys
                ):
                    targets.append((interface.name, in_subgraph.resolvable_keys))
        return targets

    def _key_reachable(self, position: Position, type_name: str, key: Key) -> bool:
        """Whether the fields of ``key`` can be had at ``position``: in its subgraph, or
        (as Apollo's condition resolution does) fetched from others by their keys."""
        selections = self.fields.selections(key.selections)
        if self.fields_local(position.subgraph, position.type_name, selections, position.provided):
            return True
        if self._in_key_condition:
            return False
        self._in_key_condition = True
        try:
            return self.fetchable((position,), type_name, selections)
        finally:
            self._in_key_condition = False

    def indirect_positions(
        self, position: Position, type_name: str
    ) -> tuple[list[Position], list[Reason]]:
        """The positions reachable from ``position`` by key jumps (transitively), and
        the jumps whose key fields could not be resolved."""
        cache_key = (position, type_name, self._in_key_condition)
        cached = self._indirect.get(cache_key)
        if cached is not None:
            return cached
        reached: dict[str, Position] = {position.subgraph: position}
        reasons: list[Reason] = []
        queue = [position]
        if type_name in self.supergraph.root_types.values():
            queue = []
        while queue:
            current = queue.pop(0)
            for subgraph in self.supergraph.subgraphs:
                if subgraph in reached:
                    continue
                for target_type, keys in self._key_targets(current.type_name, subgraph):
                    if any(self._key_reachable(current, type_name, key) for key in keys):
                        reached[subgraph] = Position(subgraph, target_type)
                        queue.append(reached[subgraph])
                        break
                    reasons += [
                        Reason(
                            current.subgraph,
                            subgraph,
                            f'cannot move to subgraph "{subgraph}" using @key(fields: '
                            f'"{key.fields}") of "{current.type_name}", the key field(s) '
                            f'cannot be resolved from subgraph "{current.subgraph}"',
                        )
                        for key in keys
                    ]
        result = [p for s, p in reached.items() if s != position.subgraph], reasons
        self._indirect[cache_key] = result
        return result

    def _unreachable(
        self, position: Position, type_name: str, field_name: str, reasons: list[Reason]
    ) -> list[Reason]:
        """For subgraphs defining the field that no jump even tried: why not."""
        tried = {r.destination for r in reasons}
        tail = position.type_name
        result: list[Reason] = []
        coordinate = f"{type_name}.{field_name}"
        for subgraph in self.supergraph.field_in(type_name, field_name):
            if subgraph in tried:
                continue
            in_subgraph = self.supergraph.type_in(tail).get(subgraph)
            if in_subgraph is None:
                explanation = (
                    f'interface "{tail}" is not defined in this subgraph (to jump to '
                    f'"{subgraph}", it would need to both define interface "{tail}" and '
                    "have a @key on it)"
                )
                result.append(
                    Reason(
                        position.subgraph,
                        subgraph,
                        f'cannot move to subgraph "{subgraph}", which has field '
                        f'"{coordinate}", because {explanation}',
                    )
                )
                continue
            kind = "type" if tail == type_name else "interface"
            if in_subgraph.keys:
                explanation = (
                    f'none of the @key defined on {kind} "{tail}" in subgraph "{subgraph}" '
                    'are resolvable (they are all declared with their "resolvable" argument '
                    "set to false)"
                )
            else:
                explanation = f'{kind} "{tail}" has no @key defined in subgraph "{subgraph}"'
            result.append(
                Reason(
                    position.subgraph,
                    subgraph,
                    f'cannot move to subgraph "{subgraph}", which has field "{coordinate}", '
                    f"because {explanation}",
                )
            )
        return result
