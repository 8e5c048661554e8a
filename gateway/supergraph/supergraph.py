"""A supergraph, loaded: its schemas, its subgraphs and what each subgraph defines.

``Supergraph.parse(sdl)`` reads the output of Federation v2 composition (join
v0.2 to v0.5 linked with ``@link``), decodes every join directive once and
builds two graphql-core schemas: ``schema`` (the whole supergraph) and
``api_schema`` (what clients see). The lookup methods are what the query
planner asks on its hot path; they are plain dictionary reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from copy import copy
from functools import cached_property

from graphql import (
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    SchemaDefinitionNode,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
    build_ast_schema,
    parse,
)

from gateway.supergraph.api_schema import build_api_schema
from gateway.supergraph.errors import SupergraphError
from gateway.supergraph.field_set import parse_field_set
from gateway.supergraph.links import LinkedFeatures, boolean_argument, string_argument
from gateway.supergraph.metadata import FieldInSubgraph, Key, SubgraphInfo, TypeInSubgraph

__all__ = ["Supergraph"]


def _directives(node: object, name: str) -> Iterable[DirectiveNode]:
    for directive in getattr(node, "directives", None) or ():
        if directive.name.value == name:
            yield directive


class Supergraph:
    """A loaded supergraph. Build it with :meth:`parse`."""

    sdl: str
    schema: GraphQLSchema
    api_schema: GraphQLSchema
    subgraphs: dict[str, SubgraphInfo]
    _features: LinkedFeatures
    _document: DocumentNode
    root_types: dict[str, str]
    """Operation kind (``query``, ``mutation``, ``subscription``) -> root type name."""

    def __init__(self) -> None:
        raise TypeError("build a Supergraph with Supergraph.parse(sdl)")

    @classmethod
    def parse(cls, sdl: str) -> Supergraph:
        """Load ``sdl``; raise :class:`SupergraphError` if it is not a supported supergraph."""
        try:
            document = parse(sdl, no_location=True)
        except GraphQLError as exc:
            raise SupergraphError(
                f"the supergraph is not valid GraphQL SDL: {exc.message}; load the "
                "unmodified output of Federation v2 composition"
            ) from None
        features = LinkedFeatures(document)
        self = object.__new__(cls)
        self.sdl = sdl
        self._features = features
        self._document = document
        try:
            self.schema = build_ast_schema(document, assume_valid_sdl=True)
        except (GraphQLError, TypeError) as exc:
            raise SupergraphError(
                f"the supergraph does not build into a schema ({exc}); load the unmodified "
                "output of Federation v2 composition"
            ) from None
        self._read_join(document, features)
        self.api_schema = build_api_schema(document, features)
        return self

    def with_urls(self, overrides: Mapping[str, str]) -> Supergraph:
        """This supergraph with the URLs of the subgraphs named in ``overrides`` replaced."""
        unknown = sorted(set(overrides) - set(self.subgraphs))
        if unknown:
            raise SupergraphError(
                f"no subgraph named {', '.join(unknown)} in this supergraph; "
                f"its subgraphs are {', '.join(sorted(self.subgraphs))}"
            )
        result = copy(self)
        result.subgraphs = {
            name: SubgraphInfo(
                name=name, url=overrides.get(name, info.url), enum_value=info.enum_value
            )
            for name, info in self.subgraphs.items()
        }
        return result

    # -- reading the join directives --------------------------------------------------

    def _read_join(self, document: DocumentNode, features: LinkedFeatures) -> None:
        join = features.join
        graph_enum = join.type_name("Graph")
        d_graph = join.directive_name("graph")
        d_type = join.directive_name("type")
        d_field = join.directive_name("field")
        d_implements = join.directive_name("implements")
        d_member = join.directive_name("unionMember")
        d_enum_value = join.directive_name("enumValue")
        d_owner = join.directive_name("owner")

        self.subgraphs = {}
        by_enum: dict[str, str] = {}
        self.root_types = {}
        definitions: list[TypeDefinitionNode] = []
        for definition in document.definitions:
            if isinstance(definition, SchemaDefinitionNode):
                for op in definition.operation_types:
                    self.root_types[op.operation.value] = op.type.name.value
            elif isinstance(definition, EnumTypeDefinitionNode) and (
                definition.name.value == graph_enum
            ):
                for value in definition.values or ():
                    for directive in _directives(value, d_graph):
                        name = string_argument(directive, "name")
                        url = string_argument(directive, "url")
                        if name is None or url is None:
                            raise SupergraphError(
                                f"@{d_graph} on {value.name.value} lacks name or url; "
                                "recompose the supergraph"
                            )
                        self.subgraphs[name] = SubgraphInfo(
                            name=name, url=url, enum_value=value.name.value
                        )
                        by_enum[value.name.value] = name
            elif isinstance(definition, TypeDefinitionNode):
                definitions.append(definition)
        if not self.subgraphs:
            raise SupergraphError(
                f"the supergraph has no subgraphs (no {graph_enum} values with @{d_graph}); "
                "recompose it from at least one subgraph"
            )
        for kind, default in (
            ("query", "Query"),
            ("mutation", "Mutation"),
            ("subscription", "Subscription"),
        ):
            if kind not in self.root_types and self.schema.get_type(default) is not None:
                self.root_types[kind] = default

        def graph_of(directive: DirectiveNode) -> str | None:
            value = string_argument(directive, "graph")
            if value is None:
                return None
            try:
                return by_enum[value]
            except KeyError:
                raise SupergraphError(
                    f"@{directive.name.value}(graph: {value}) names no value of {graph_enum}; "
                    "recompose the supergraph"
                ) from None

        all_graphs = tuple(self.subgraphs)
        self._types: dict[str, dict[str, TypeInSubgraph]] = {}
        self._fields: dict[str, dict[str, dict[str, FieldInSubgraph]]] = {}
        self._implements: dict[str, dict[str, frozenset[str]]] = {}
        self._members: dict[str, dict[str, frozenset[str]]] = {}
        self._enum_values: dict[str, dict[str, frozenset[str]]] = {}
        self.owners: dict[str, str] = {}

        for definition in definitions:
            type_name = definition.name.value
            if self._features.owns_type(type_name):
                continue
            keys: dict[str, list[Key]] = defaultdict(list)
            flags: dict[str, tuple[bool, bool]] = {}
            for directive in _directives(definition, d_type):
                graph = graph_of(directive)
                if graph is None:
                    continue
                extension = boolean_argument(directive, "extension")
                interface_object = boolean_argument(directive, "isInterfaceObject")
                old = flags.get(graph, (False, False))
                flags[graph] = (old[0] or extension, old[1] or interface_object)
                key = string_argument(directive, "key")
                if key is not None:
                    keys[graph].append(
                        Key(
                            fields=key,
                            selections=parse_field_set(key),
                            resolvable=boolean_argument(directive, "resolvable", default=True),
                        )
                    )
            if not flags:
                flags = dict.fromkeys(all_graphs, (False, False))
            self._types[type_name] = {
                graph: TypeInSubgraph(
                    subgraph=graph,
                    keys=tuple(keys.get(graph, ())),
                    extension=extension,
                    is_interface_object=interface_object,
                )
                for graph, (extension, interface_object) in flags.items()
            }
            for directive in _directives(definition, d_owner):
                owner = graph_of(directive)
                if owner is not None:
                    self.owners[type_name] = owner
            type_graphs = tuple(self._types[type_name])

            if isinstance(
                definition,
                (
                    ObjectTypeDefinitionNode,
                    InterfaceTypeDefinitionNode,
                    InputObjectTypeDefinitionNode,
                ),
            ):
                self._fields[type_name] = {
                    field.name.value: self._read_field(field, type_graphs, d_field, graph_of)
                    for field in definition.fields or ()
                }
            if isinstance(definition, (ObjectTypeDefinitionNode, InterfaceTypeDefinitionNode)):
                declared = {i.name.value for i in definition.interfaces or ()}
                per_graph: dict[str, set[str]] = defaultdict(set)
                found = False
                for directive in _directives(definition, d_implements):
                    graph = graph_of(directive)
                    interface = string_argument(directive, "interface")
                    if graph is not None and interface is not None:
                        per_graph[graph].add(interface)
                        found = True
                if not found:
                    for graph in type_graphs:
                        per_graph[graph] = set(declared)
                self._implements[type_name] = {g: frozenset(v) for g, v in per_graph.items()}
            elif isinstance(definition, UnionTypeDefinitionNode):
                members = {t.name.value for t in definition.types or ()}
                per_graph = defaultdict(set)
                found = False
                for directive in _directives(definition, d_member):
                    graph = graph_of(directive)
                    member = string_argument(directive, "member")
                    if graph is not None and member is not None:
                        per_graph[graph].add(member)
                        found = True
                if not found:
                    for graph in type_graphs:
                        per_graph[graph] = set(members)
                self._members[type_name] = {g: frozenset(v) for g, v in per_graph.items()}
            elif isinstance(definition, EnumTypeDefinitionNode):
                per_graph = defaultdict(set)
                values = [v.name.value for v in definition.values or ()]
                for value in definition.values or ():
                    applied = [graph_of(d) for d in _directives(value, d_enum_value)]
                    for graph in (g for g in applied if g is not None) if applied else type_graphs:
                        per_graph[graph].add(value.name.value)
                if not values:
                    per_graph = defaultdict(set)
                self._enum_values[type_name] = {g: frozenset(v) for g, v in per_graph.items()}

        # Fill the implements of types defined in a graph but lacking the graph's entry:
        # a type must only be claimed by interfaces its own subgraph knows.
        self._implementations: dict[tuple[str, str], frozenset[str]] = {}

    @staticmethod
    def _read_field(
        field: object,
        type_graphs: tuple[str, ...],
        d_field: str,
        graph_of: object,
    ) -> dict[str, FieldInSubgraph]:
        applications = list(_directives(field, d_field))
        if not applications:
            return {graph: FieldInSubgraph(subgraph=graph) for graph in type_graphs}
        result: dict[str, FieldInSubgraph] = {}
        for directive in applications:
            graph = graph_of(directive)  # type: ignore[operator]
            if graph is None:
                continue
            requires = string_argument(directive, "requires")
            provides = string_argument(directive, "provides")
            result[graph] = FieldInSubgraph(
                subgraph=graph,
                requires=parse_field_set(requires) if requires else None,
                provides=parse_field_set(provides) if provides else None,
                type=string_argument(directive, "type"),
                external=boolean_argument(directive, "external"),
                override=string_argument(directive, "override"),
                override_label=string_argument(directive, "overrideLabel"),
                used_overridden=boolean_argument(directive, "usedOverridden"),
            )
        return result

    # -- what the planner asks ----------------------------------------------------------

    def type_in(self, type_name: str) -> Mapping[str, TypeInSubgraph]:
        """Subgraph name -> how that subgraph defines ``type_name`` (empty if unknown)."""
        return self._types.get(type_name, {})

    def field_in(self, type_name: str, field_name: str) -> Mapping[str, FieldInSubgraph]:
        """Subgraph name -> how that subgraph defines ``type_name.field_name``."""
        return self._fields.get(type_name, {}).get(field_name, {})

    def interfaces_in(self, type_name: str, subgraph: str) -> frozenset[str]:
        """The interfaces ``type_name`` implements in ``subgraph``."""
        return self._implements.get(type_name, {}).get(subgraph, frozenset())

    def union_members_in(self, union_name: str, subgraph: str) -> frozenset[str]:
        """The members of ``union_name`` in ``subgraph``."""
        return self._members.get(union_name, {}).get(subgraph, frozenset())

    def enum_values_in(self, enum_name: str, subgraph: str) -> frozenset[str]:
        """The values of ``enum_name`` that ``subgraph`` knows."""
        return self._enum_values.get(enum_name, {}).get(subgraph, frozenset())

    def possible_types_in(self, type_name: str, subgraph: str) -> frozenset[str]:
        """The object types a field of type ``type_name`` can return from ``subgraph``."""
        cache_key = (type_name, subgraph)
        cached = self._implementations.get(cache_key)
        if cached is not None:
            return cached
        result = self._compute_possible_types(type_name, subgraph)
        self._implementations[cache_key] = result
        return result

    def _compute_possible_types(self, type_name: str, subgraph: str) -> frozenset[str]:
        if subgraph not in self.type_in(type_name):
            return frozenset()
        if type_name in self._members:
            return frozenset(
                m for m in self.union_members_in(type_name, subgraph) if subgraph in self.type_in(m)
            )
        if type_name in self._object_types:
            return frozenset({type_name})
        return frozenset(
            name
            for name in self._object_types
            if subgraph in self.type_in(name) and type_name in self.interfaces_in(name, subgraph)
        )

    @cached_property
    def _object_types(self) -> frozenset[str]:
        return frozenset(
            name
            for name, definition in self.schema.type_map.items()
            if not name.startswith("__") and type(definition).__name__ == "GraphQLObjectType"
        )

    def is_entity_in(self, type_name: str, subgraph: str) -> bool:
        info = self.type_in(type_name).get(subgraph)
        return info is not None and bool(info.keys)
