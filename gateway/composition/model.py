"""A subgraph as composition sees it: its types, fields and federation directives, decoded."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import DirectiveDefinitionNode, TypeNode, ValueNode

__all__ = [
    "AppliedDirective",
    "SubgraphArgument",
    "SubgraphEnumValue",
    "SubgraphField",
    "SubgraphKey",
    "SubgraphLink",
    "SubgraphModel",
    "SubgraphType",
]


@dataclass(frozen=True, kw_only=True)
class AppliedDirective:
    """A directive application composition may carry into the supergraph: a federation
    directive merged there (``@authenticated``, ``@requiresScopes``, ``@policy``, ``@cost``,
    ``@listSize``, under its federation name) or a directive the subgraph defines itself
    (under its local name; kept if the subgraph composes it with ``@composeDirective``)."""

    name: str
    arguments: tuple[tuple[str, ValueNode], ...] = ()
    source: str = ""
    """The application as written in the subgraph, for error messages."""


@dataclass(frozen=True, kw_only=True)
class SubgraphLink:
    """A ``@link`` of the subgraph to a feature other than federation itself."""

    url: str
    identity: str
    """The URL without its version: ``https://myspecs.dev/myDirective``."""
    name: str
    major: int
    minor: int
    prefix: str
    imports: dict[str, str] = field(default_factory=dict)
    """Imported element (``@x``) -> its local name (``@x`` or the ``as:`` rename)."""


@dataclass(kw_only=True)
class SubgraphArgument:
    """An argument of a field, or a field of an input type."""

    name: str
    type: TypeNode
    default: ValueNode | None = None
    description: str | None = None
    inaccessible: bool = False
    tags: list[str] = field(default_factory=list)
    deprecated: str | None = None
    applied: list[AppliedDirective] = field(default_factory=list)


@dataclass(kw_only=True)
class SubgraphField:
    """A field of an object or interface type in one subgraph."""

    name: str
    type: TypeNode
    arguments: dict[str, SubgraphArgument] = field(default_factory=dict)
    description: str | None = None
    shareable: bool = False
    external: bool = False
    requires: str | None = None
    provides: str | None = None
    override: str | None = None
    override_label: str | None = None
    inaccessible: bool = False
    tags: list[str] = field(default_factory=list)
    deprecated: str | None = None
    applied: list[AppliedDirective] = field(default_factory=list)


@dataclass(kw_only=True)
class SubgraphEnumValue:
    """A value of an enum type in one subgraph."""

    name: str
    description: str | None = None
    inaccessible: bool = False
    tags: list[str] = field(default_factory=list)
    deprecated: str | None = None
    applied: list[AppliedDirective] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class SubgraphKey:
    """One ``@key``."""

    fields: str
    resolvable: bool = True


@dataclass(kw_only=True)
class SubgraphType:
    """A named type in one subgraph, definition and extensions gathered."""

    name: str
    kind: str
    """``object``, ``interface``, ``union``, ``enum``, ``input`` or ``scalar``."""
    description: str | None = None
    keys: list[SubgraphKey] = field(default_factory=list)
    extension: bool = False
    shareable: bool = False
    interface_object: bool = False
    inaccessible: bool = False
    tags: list[str] = field(default_factory=list)
    fields: dict[str, SubgraphField] = field(default_factory=dict)
    input_fields: dict[str, SubgraphArgument] = field(default_factory=dict)
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: dict[str, SubgraphEnumValue] = field(default_factory=dict)
    specified_by: str | None = None
    applied: list[AppliedDirective] = field(default_factory=list)


@dataclass(kw_only=True)
class SubgraphModel:
    """A subgraph: its name, URL, Federation version and types (root types named
    ``Query``, ``Mutation``, ``Subscription``)."""

    name: str
    url: str
    federation2: bool
    types: dict[str, SubgraphType] = field(default_factory=dict)
    links: list[SubgraphLink] = field(default_factory=list)
    directive_definitions: dict[str, DirectiveDefinitionNode] = field(default_factory=dict)
    """The directives the subgraph defines that are not federation's, by local name."""
    federation_directives: dict[str, str] = field(default_factory=dict)
    """Local name -> federation name of the federation directives the subgraph links."""
    compose_directives: list[str] = field(default_factory=list)
    """The ``name:`` of each ``@composeDirective``, as written (``@myDirective``)."""
