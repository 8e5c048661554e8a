"""The supergraph, extended with the gateway's own ``_node`` subgraph.

Relay's global object identification needs ``Query.node(id:)``,
``Query.nodes(ids:)`` and ``interface Node { id: ID! }``, implemented by every
object type a subgraph resolves by ``@key(fields: "id")`` with ``id: ID!``. No
subgraph serves those fields, so the gateway adds a synthetic one to the
supergraph before loading it: ``_node`` owns the two fields and the interface,
and knows each Node type by a non-resolvable ``@key(fields: "id")`` with only
its ``id``. The planner then plans ``node(id:) { ... on AuditEntry { type } }``
as a fetch from ``_node`` (``__typename`` and ``id``, decoded from the id) and
an ordinary entity fetch from the subgraph owning ``AuditEntry``.

The extension is done on the supergraph's SDL (join directives added, never
removed), so everything downstream (API schema, planner, executor) sees one
ordinary supergraph.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from graphql import (
    ConstDirectiveNode,
    DefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumValueDefinitionNode,
    FieldDefinitionNode,
    FieldNode,
    GraphQLObjectType,
    NamedTypeNode,
    NameNode,
    ObjectTypeDefinitionNode,
    parse,
    print_ast,
)

from gateway.supergraph import Supergraph
from gateway.supergraph.links import LinkedFeatures, string_argument

__all__ = [
    "NODE_GRAPH",
    "NODE_INTERFACE",
    "NODE_SUBGRAPH",
    "NODE_URL",
    "NodeExtension",
    "extend_supergraph",
    "node_types",
]

logger = logging.getLogger(__name__)

N = TypeVar("N")

NODE_SUBGRAPH = "_node"
"""The name of the synthetic subgraph (``serviceName`` in query plans)."""

NODE_GRAPH = "_NODE"
"""Its ``join__Graph`` value."""

NODE_URL = "in-process:_node"
"""Its URL in the supergraph: it is never reached over the network."""

NODE_INTERFACE = "Node"

_NODE_SDL = '''
"""An object with a global id: any of them can be fetched again with `node(id:)`."""
interface Node {
  """Global id of the object."""
  id: ID!
}

type Query {
  """
  The object with global id `id`, whatever its type. Null, with a `NOT_FOUND`
  error, when no such object exists or the caller may not see it; permission
  errors of the subgraph owning the object come through unchanged.
  """
  node(
    """Global id of the object, as some field `id` of this API returned it."""
    id: ID!
  ): Node
  """
  The objects with global ids `ids`, in the same order (at most 100 ids). An
  id naming no object the caller may see gives null at its position, with a
  `NOT_FOUND` error at that position.
  """
  nodes(
    """Global ids of the objects (at most 100)."""
    ids: [ID!]!
  ): [Node]!
}
'''


@dataclass(frozen=True, slots=True)
class NodeExtension:
    """A supergraph extended with ``_node``, and the object types implementing ``Node``."""

    supergraph: Supergraph
    types: tuple[str, ...]


def node_types(supergraph: Supergraph) -> tuple[str, ...]:
    """The object types of the API schema that implement ``Node`` once extended: those
    some subgraph resolves by ``@key(fields: "id")`` and whose ``id`` is ``ID!``."""
    roots = set(supergraph.root_types.values())
    found: list[str] = []
    for name, definition in supergraph.api_schema.type_map.items():
        if name.startswith("__") or name in roots or not isinstance(definition, GraphQLObjectType):
            continue
        id_field = definition.fields.get("id")
        if id_field is None or str(id_field.type) != "ID!":
            continue
        if any(
            not info.is_interface_object
            and any(_is_id_key(key.selections.selections) for key in info.resolvable_keys)
            for info in supergraph.type_in(name).values()
        ):
            found.append(name)
    return tuple(sorted(found))


def _is_id_key(selections: Iterable[object]) -> bool:
    only = list(selections)
    return (
        len(only) == 1
        and isinstance(only[0], FieldNode)
        and only[0].name.value == "id"
        and only[0].alias is None
        and only[0].selection_set is None
    )


def extend_supergraph(supergraph: Supergraph) -> NodeExtension | None:
    """``supergraph`` with the ``_node`` subgraph, or ``None`` (one warning logged) when
    it cannot be added: the supergraph already has a ``Node`` type, a ``node`` or
    ``nodes`` query field, a subgraph called ``_node``, or no type to serve."""
    conflict = _conflict(supergraph)
    types = node_types(supergraph) if conflict is None else ()
    if conflict is None and not types:
        conflict = 'no object type is resolved by @key(fields: "id") with `id: ID!`'
    if conflict is not None:
        logger.warning("Relay node(id:)/nodes(ids:) stay off: %s", conflict)
        return None
    document = parse(supergraph.sdl)
    extended = _Extender(document, LinkedFeatures(document), supergraph, types).document()
    loaded = Supergraph.parse(print_ast(extended))
    urls = {name: info.url for name, info in supergraph.subgraphs.items()}
    return NodeExtension(supergraph=loaded.with_urls(urls), types=types)


def _conflict(supergraph: Supergraph) -> str | None:
    if supergraph.schema.get_type(NODE_INTERFACE) is not None:
        return f"the supergraph already has a type named {NODE_INTERFACE}"
    query = supergraph.root_types.get("query")
    if query is None:
        return "the supergraph has no query type"
    query_type = supergraph.schema.get_type(query)
    if isinstance(query_type, GraphQLObjectType):
        for field in ("node", "nodes"):
            if field in query_type.fields:
                return f"the supergraph already has a field {query}.{field}"
    if NODE_SUBGRAPH in supergraph.subgraphs or any(
        info.enum_value == NODE_GRAPH for info in supergraph.subgraphs.values()
    ):
        return f"the supergraph already has a subgraph called {NODE_SUBGRAPH}"
    return None


class _Extender:
    """Adds ``_node`` to the join directives of one supergraph document."""

    def __init__(
        self,
        document: DocumentNode,
        features: LinkedFeatures,
        supergraph: Supergraph,
        types: tuple[str, ...],
    ) -> None:
        join = features.join
        self.source = document
        self.graph_enum = join.type_name("Graph")
        self.d_graph = join.directive_name("graph")
        self.d_type = join.directive_name("type")
        self.d_field = join.directive_name("field")
        self.d_implements = join.directive_name("implements")
        self.all_graphs = tuple(info.enum_value for info in supergraph.subgraphs.values())
        self.query = supergraph.root_types["query"]
        self.types = frozenset(types)
        snippet = parse(_NODE_SDL)
        self.interface = snippet.definitions[0]
        query_snippet = snippet.definitions[1]
        assert isinstance(query_snippet, ObjectTypeDefinitionNode)
        own_field = self._directive(f"@{self.d_field}(graph: {NODE_GRAPH})")
        self.node_fields = tuple(
            self._with(field, directives=(own_field,)) for field in query_snippet.fields or ()
        )

    def document(self) -> DocumentNode:
        definitions: list[DefinitionNode] = []
        for definition in self.source.definitions:
            if isinstance(definition, EnumTypeDefinitionNode) and (
                definition.name.value == self.graph_enum
            ):
                definitions.append(self._graph_enum(definition))
            elif isinstance(definition, ObjectTypeDefinitionNode) and (
                definition.name.value == self.query
            ):
                definitions.append(self._query(definition))
            elif isinstance(definition, ObjectTypeDefinitionNode) and (
                definition.name.value in self.types
            ):
                definitions.append(self._node_type(definition))
            else:
                definitions.append(definition)
        interface = self.interface
        definitions.append(
            self._with(
                interface,
                directives=(self._directive(f"@{self.d_type}(graph: {NODE_GRAPH})"),),
            )
        )
        return DocumentNode(definitions=tuple(definitions))

    # -- the three kinds of definitions changed ----------------------------------------

    def _graph_enum(self, definition: EnumTypeDefinitionNode) -> EnumTypeDefinitionNode:
        value = EnumValueDefinitionNode(
            name=NameNode(value=NODE_GRAPH),
            directives=(
                self._directive(f'@{self.d_graph}(name: "{NODE_SUBGRAPH}", url: "{NODE_URL}")'),
            ),
        )
        return self._with(definition, values=(*(definition.values or ()), value))

    def _query(self, definition: ObjectTypeDefinitionNode) -> ObjectTypeDefinitionNode:
        graphs = self._graphs_of(definition)
        fields = tuple(self._pinned(field, graphs) for field in definition.fields or ())
        directives = (
            *self._explicit_types(definition, graphs),
            self._directive(f"@{self.d_type}(graph: {NODE_GRAPH})"),
        )
        return self._with(definition, fields=(*fields, *self.node_fields), directives=directives)

    def _node_type(self, definition: ObjectTypeDefinitionNode) -> ObjectTypeDefinitionNode:
        graphs = self._graphs_of(definition)
        fields = []
        for field in definition.fields or ():
            pinned = self._pinned(field, graphs)
            if field.name.value == "id":
                own = self._directive(f"@{self.d_field}(graph: {NODE_GRAPH})")
                pinned = self._with(pinned, directives=(*(pinned.directives or ()), own))
            fields.append(pinned)
        declared = [i.name.value for i in definition.interfaces or ()]
        directives = list(self._explicit_types(definition, graphs))
        if declared and not self._applied(definition, self.d_implements):
            # Implementations listed per graph from now on: spell out the implicit ones.
            directives.extend(
                self._directive(f'@{self.d_implements}(graph: {graph}, interface: "{name}")')
                for graph in graphs
                for name in declared
            )
        directives.append(
            self._directive(f'@{self.d_type}(graph: {NODE_GRAPH}, key: "id", resolvable: false)')
        )
        directives.append(
            self._directive(
                f'@{self.d_implements}(graph: {NODE_GRAPH}, interface: "{NODE_INTERFACE}")'
            )
        )
        interfaces = (
            *(definition.interfaces or ()),
            NamedTypeNode(name=NameNode(value=NODE_INTERFACE)),
        )
        return self._with(
            definition, fields=tuple(fields), directives=tuple(directives), interfaces=interfaces
        )

    # -- helpers -----------------------------------------------------------------------

    def _graphs_of(self, definition: ObjectTypeDefinitionNode) -> tuple[str, ...]:
        """The graphs defining the type; a type without ``@join__type`` is in all."""
        graphs = tuple(
            graph
            for directive in self._applied(definition, self.d_type)
            if (graph := string_argument(directive, "graph")) is not None
        )
        return tuple(dict.fromkeys(graphs)) if graphs else self.all_graphs

    def _explicit_types(
        self, definition: ObjectTypeDefinitionNode, graphs: tuple[str, ...]
    ) -> tuple[DirectiveNode, ...]:
        """The type's directives, with ``@join__type`` spelled out when it was implicit
        (adding one for ``_node`` would otherwise take the type away from every graph)."""
        directives = tuple(definition.directives or ())
        if self._applied(definition, self.d_type):
            return directives
        return (
            *directives,
            *(self._directive(f"@{self.d_type}(graph: {graph})") for graph in graphs),
        )

    def _pinned(self, field: FieldDefinitionNode, graphs: tuple[str, ...]) -> FieldDefinitionNode:
        """``field`` with its graphs spelled out when implicit (every graph of its type),
        so that ``_node`` joining the type does not make ``_node`` resolve it."""
        if self._applied(field, self.d_field):
            return field
        explicit = tuple(self._directive(f"@{self.d_field}(graph: {graph})") for graph in graphs)
        return self._with(field, directives=(*(field.directives or ()), *explicit))

    @staticmethod
    def _applied(node: object, name: str) -> list[DirectiveNode]:
        return [d for d in getattr(node, "directives", None) or () if d.name.value == name]

    @staticmethod
    def _directive(text: str) -> ConstDirectiveNode:
        definition = parse(f"scalar _ {text}").definitions[0]
        return definition.directives[0]  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def _with(node: N, **changes: object) -> N:
        values = {key: getattr(node, key) for key in node.keys}  # type: ignore[attr-defined]
        values.update(changes)
        return type(node)(**values)
