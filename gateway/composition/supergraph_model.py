"""The merged supergraph before printing: types with their join directives rendered."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["MergedArgument", "MergedEnumValue", "MergedField", "MergedType"]


@dataclass(kw_only=True)
class MergedArgument:
    """An argument or input field of the supergraph."""

    name: str
    type: str
    default: str | None = None
    description: str | None = None
    directives: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class MergedField:
    """A field of an object or interface type of the supergraph."""

    name: str
    type: str
    arguments: list[MergedArgument] = field(default_factory=list)
    description: str | None = None
    directives: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class MergedEnumValue:
    """A value of an enum of the supergraph."""

    name: str
    description: str | None = None
    directives: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class MergedType:
    """A type of the supergraph with its ``join__*`` and other directives rendered as text."""

    name: str
    kind: str
    description: str | None = None
    directives: list[str] = field(default_factory=list)
    interfaces: list[str] = field(default_factory=list)
    fields: list[MergedField] = field(default_factory=list)
    input_fields: list[MergedArgument] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: list[MergedEnumValue] = field(default_factory=list)
