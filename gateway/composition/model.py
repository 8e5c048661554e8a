"""A subgraph as composition sees it: its types, fields and federation directives, decoded."""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import TypeNode, ValueNode

__all__ = [
    "SubgraphArgument",
    "SubgraphEnumValue",
    "SubgraphField",
    "SubgraphKey",
    "SubgraphModel",
    "SubgraphType",
]


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


@dataclass(kw_only=True)
class SubgraphEnumValue:
    """A value of an enum type in one subgraph."""

    name: str
    description: str | None = None
    inaccessible: bool = False
    tags: list[str] = field(default_factory=list)
    deprecated: str | None = None


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


@dataclass(kw_only=True)
class SubgraphModel:
    """A subgraph: its name, URL, Federation version and types (root types named
    ``Query``, ``Mutation``, ``Subscription``)."""

    name: str
    url: str
    federation2: bool
    types: dict[str, SubgraphType] = field(default_factory=dict)
