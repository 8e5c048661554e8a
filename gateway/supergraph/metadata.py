"""What a supergraph says about each subgraph: the join directives, decoded once.

These records are the planner's view of the federation: which subgraph
defines which type and field, the keys it can be reached by, the selections a
field ``@requires`` or ``@provides`` (parsed at load), ``@external``,
``@override`` and ``@interfaceObject``.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import SelectionSetNode

__all__ = ["FieldInSubgraph", "Key", "SubgraphInfo", "TypeInSubgraph"]


@dataclass(frozen=True, kw_only=True)
class SubgraphInfo:
    """A subgraph: its name (``serviceName`` in plans), URL and ``join__Graph`` value."""

    name: str
    url: str
    enum_value: str


@dataclass(frozen=True, kw_only=True)
class Key:
    """One ``@key`` of an entity in a subgraph.

    ``resolvable=False`` keys can be sent *from* the subgraph but the subgraph
    cannot be entered by them (it has no ``_entities`` resolver for the type).
    """

    fields: str
    selections: SelectionSetNode
    resolvable: bool = True


@dataclass(frozen=True, kw_only=True)
class TypeInSubgraph:
    """A type as one subgraph defines it (one ``@join__type``, keys gathered)."""

    subgraph: str
    keys: tuple[Key, ...] = ()
    extension: bool = False
    is_interface_object: bool = False

    @property
    def resolvable_keys(self) -> tuple[Key, ...]:
        """The keys the subgraph can be entered by."""
        return tuple(key for key in self.keys if key.resolvable)


@dataclass(frozen=True, kw_only=True)
class FieldInSubgraph:
    """A field as one subgraph defines it (one ``@join__field``, or the default)."""

    subgraph: str
    requires: SelectionSetNode | None = None
    provides: SelectionSetNode | None = None
    type: str | None = None
    """The field's type in this subgraph when it differs from the supergraph's."""
    external: bool = False
    override: str | None = None
    """The subgraph this field was taken over from (``@override(from:)``)."""
    override_label: str | None = None
    used_overridden: bool = False
    """Overridden here but still needed for a key or ``@requires``: never resolved here
    for a client, only read as part of a key."""
