"""What each subgraph resolves, as clients see it: ``@external``, ``@override``
(with progressive labels), ``@provides``, entity keys, and the schema facts the
planner looks up while walking (field types, fragment applicability, field sets)."""

from __future__ import annotations

from graphql import (
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
    SelectionSetNode,
)

from gateway.planner.errors import PlanningError
from gateway.planner.operation import Fragment, Selection, selections_of
from gateway.supergraph import FieldInSubgraph, Key, Supergraph

__all__ = ["SubgraphFields", "named_type"]


def named_type(type_reference: str) -> str:
    """``[Book!]!`` -> ``Book``."""
    return type_reference.strip("[]! ")


class SubgraphFields:
    """Lookups over one supergraph, cached; shared by the walk and the cost estimate."""

    def __init__(
        self,
        supergraph: Supergraph,
        *,
        override_labels: frozenset[str],
        key_only_subgraphs: frozenset[str] = frozenset(),
    ) -> None:
        self.supergraph = supergraph
        self.schema = supergraph.schema
        self.override_labels = override_labels
        self.key_only_subgraphs = key_only_subgraphs
        """Subgraphs whose fields are read only as keys (and ``@requires``), never for
        a client's own selection: the client's fields come from the entity's owner."""
        self.order = {name: i for i, name in enumerate(supergraph.subgraphs)}
        """Each subgraph's position in the supergraph: ties between subgraphs go to the first."""
        self._usable: dict[tuple[str, str, str], FieldInSubgraph | None] = {}
        self._field_types: dict[tuple[str, str], tuple[str, int]] = {}
        self._field_sets: dict[int, tuple[Selection, ...]] = {}
        self._servings: dict[tuple[str, str, frozenset[str] | None], frozenset[str]] = {}

    def usable_field(
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

    def local(
        self,
        subgraph: str,
        type_name: str,
        field_name: str,
        provided: tuple[Selection, ...] | None,
        *,
        in_key: bool = False,
    ) -> tuple[FieldInSubgraph, tuple[Selection, ...] | None] | None:
        """The field if ``subgraph`` resolves it here (itself or through ``@provides``);
        ``in_key`` when it is read as part of a key or ``@requires`` selection."""
        if not in_key and subgraph in self.key_only_subgraphs:
            return None
        info = self.usable_field(type_name, field_name, subgraph)
        found, child = self.provided_lookup(provided, type_name, field_name)
        if info is not None:
            return info, child if found else None
        if found:
            raw = self.supergraph.field_in(type_name, field_name).get(subgraph)
            if raw is not None:
                return FieldInSubgraph(subgraph=subgraph, type=raw.type), child
        return None

    def key_local(
        self, subgraph: str, type_name: str, key: Key, provided: tuple[Selection, ...] | None
    ) -> bool:
        return self.all_local(subgraph, type_name, self.selections(key.selections), provided)

    def all_local(
        self,
        subgraph: str,
        type_name: str,
        selections: tuple[Selection, ...],
        provided: tuple[Selection, ...] | None,
    ) -> bool:
        for selection in selections:
            if isinstance(selection, Fragment):
                if self.applies(selection.type_condition, type_name) and not self.all_local(
                    subgraph, type_name, selection.selections, provided
                ):
                    return False
                continue
            if selection.name == "__typename":
                continue
            local = self.local(subgraph, type_name, selection.name, provided, in_key=True)
            if local is None or local[0].requires is not None:
                return False
            if selection.selections is not None:
                child_type, _ = self.field_type(type_name, selection.name)
                if not isinstance(self.schema.get_type(child_type), GraphQLObjectType):
                    return False
                if not self.all_local(subgraph, child_type, selection.selections, local[1]):
                    return False
        return True

    def entity_keys(self, type_name: str, subgraph: str) -> tuple[Key, ...]:
        info = self.supergraph.type_in(type_name).get(subgraph)
        return () if info is None else info.resolvable_keys

    def targets(
        self, subgraph: str, type_name: str, field_name: str
    ) -> list[tuple[str, str, FieldInSubgraph]]:
        """(subgraph, type as that subgraph knows it, field) that can resolve the field."""
        result: list[tuple[str, str, FieldInSubgraph]] = []
        for target in self.supergraph.field_in(type_name, field_name):
            info = self.usable_field(type_name, field_name, target)
            if info is None or (target == subgraph and info.requires is None):
                continue
            if self.entity_keys(type_name, target):
                result.append((target, type_name, info))
        definition = self.schema.get_type(type_name)
        if isinstance(definition, GraphQLObjectType):
            for interface in definition.interfaces:
                for target, in_target in self.supergraph.type_in(interface.name).items():
                    if not in_target.is_interface_object or target == subgraph:
                        continue
                    info = self.usable_field(interface.name, field_name, target)
                    if info is not None and in_target.resolvable_keys:
                        result.append((target, interface.name, info))
        return result

    def serving(
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
                if self.usable_field(parent_type, field_name, subgraph) is not None
                and (
                    serving is None
                    or subgraph in serving
                    or self.entity_keys(parent_type, subgraph)
                )
            )
            self._servings[cache_key] = cached
        return cached

    def possible(
        self, parent_type: str, field_name: str, child_type: str, serving: frozenset[str]
    ) -> frozenset[str] | None:
        """The object types the field can return: a field several subgraphs could serve
        returns the same objects from each, so only types all of them can return."""
        if isinstance(self.schema.get_type(child_type), GraphQLObjectType):
            return None
        result: frozenset[str] | None = None
        for subgraph in serving:
            info = self.supergraph.field_in(parent_type, field_name)[subgraph]
            named = named_type(info.type) if info.type is not None else child_type
            in_subgraph = self.supergraph.type_in(named).get(subgraph)
            if in_subgraph is None or in_subgraph.is_interface_object:
                continue
            types = self.supergraph.possible_types_in(named, subgraph)
            result = types if result is None else result & types
        return result

    def provided_lookup(
        self, provided: tuple[Selection, ...] | None, type_name: str, field_name: str
    ) -> tuple[bool, tuple[Selection, ...] | None]:
        if not provided:
            return False, None
        found = False
        children: list[Selection] = []
        for selection in provided:
            if isinstance(selection, Fragment):
                if self.applies(selection.type_condition, type_name):
                    inner_found, inner = self.provided_lookup(
                        selection.selections, type_name, field_name
                    )
                    if inner_found:
                        found = True
                        children.extend(inner or ())
            elif selection.name == field_name:
                found = True
                children.extend(selection.selections or ())
        return found, tuple(children) if children else None

    def provided_child(
        self, provided: tuple[Selection, ...] | None, type_name: str, field_name: str
    ) -> tuple[Selection, ...] | None:
        return self.provided_lookup(provided, type_name, field_name)[1]

    def field_type(self, type_name: str, field_name: str) -> tuple[str, int]:
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

    def applies(self, condition: str | None, object_type: str) -> bool:
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

    def selections(self, node: SelectionSetNode) -> tuple[Selection, ...]:
        cached = self._field_sets.get(id(node))
        if cached is None:
            cached = self._field_sets[id(node)] = selections_of(node)
        return cached
