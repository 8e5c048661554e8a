"""The API schema of a supergraph: what clients validate and introspect against.

It is the supergraph minus every ``@inaccessible`` element and minus the
federation machinery (the definitions and applications of linked features:
``join``, ``link``, ``tag``, ``inaccessible`` ...), keeping descriptions,
``@deprecated``, ``@specifiedBy`` and directives that belong to no feature.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from graphql import (
    DefinitionNode,
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    EnumValueDefinitionNode,
    FieldDefinitionNode,
    GraphQLSchema,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    NamedTypeNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    build_ast_schema,
)

from gateway.supergraph.links import LinkedFeatures

__all__ = ["build_api_schema"]

_KEEP_ALWAYS = frozenset({"deprecated", "specifiedBy", "oneOf", "defer", "stream"})

N = TypeVar("N")


class _Filter:
    def __init__(self, features: LinkedFeatures) -> None:
        self.features = features
        self.inaccessible = features.directive_name("inaccessible", "inaccessible")

    def is_inaccessible(self, node: Any) -> bool:
        if self.inaccessible is None:
            return False
        return any(d.name.value == self.inaccessible for d in node.directives or ())

    def directives(self, directives: Iterable[DirectiveNode] | None) -> tuple[DirectiveNode, ...]:
        return tuple(
            d
            for d in directives or ()
            if d.name.value in _KEEP_ALWAYS or not self.features.owns_directive(d.name.value)
        )

    def clean(self, node: N, **changes: Any) -> N:
        values = {key: getattr(node, key) for key in node.keys}  # type: ignore[attr-defined]
        if "directives" in values:
            values["directives"] = self.directives(values["directives"])
        values.update(changes)
        return type(node)(**values)

    def arguments(
        self, arguments: Sequence[InputValueDefinitionNode] | None
    ) -> tuple[InputValueDefinitionNode, ...]:
        return tuple(self.clean(a) for a in arguments or () if not self.is_inaccessible(a))

    def fields(
        self, fields: Sequence[FieldDefinitionNode] | None
    ) -> tuple[FieldDefinitionNode, ...]:
        return tuple(
            self.clean(f, arguments=self.arguments(f.arguments))
            for f in fields or ()
            if not self.is_inaccessible(f)
        )

    def named(
        self, types: Sequence[NamedTypeNode] | None, removed: set[str]
    ) -> tuple[NamedTypeNode, ...]:
        return tuple(t for t in types or () if t.name.value not in removed)


def _removed_types(document: DocumentNode, flt: _Filter) -> set[str]:
    removed: set[str] = set()
    for definition in document.definitions:
        if isinstance(definition, TypeDefinitionNode):
            name = definition.name.value
            if flt.features.owns_type(name) or flt.is_inaccessible(definition):
                removed.add(name)
    return removed


def _type_definition(
    definition: DefinitionNode, flt: _Filter, removed: set[str]
) -> DefinitionNode | None:
    if isinstance(definition, (ObjectTypeDefinitionNode, ObjectTypeExtensionNode)):
        return flt.clean(
            definition,
            fields=flt.fields(definition.fields),
            interfaces=flt.named(definition.interfaces, removed),
        )
    if isinstance(definition, (InterfaceTypeDefinitionNode, InterfaceTypeExtensionNode)):
        return flt.clean(
            definition,
            fields=flt.fields(definition.fields),
            interfaces=flt.named(definition.interfaces, removed),
        )
    if isinstance(definition, (UnionTypeDefinitionNode, UnionTypeExtensionNode)):
        return flt.clean(definition, types=flt.named(definition.types, removed))
    if isinstance(definition, (EnumTypeDefinitionNode, EnumTypeExtensionNode)):
        values: tuple[EnumValueDefinitionNode, ...] = tuple(
            flt.clean(v) for v in definition.values or () if not flt.is_inaccessible(v)
        )
        return flt.clean(definition, values=values)
    if isinstance(definition, (InputObjectTypeDefinitionNode, InputObjectTypeExtensionNode)):
        return flt.clean(definition, fields=flt.arguments(definition.fields))
    if isinstance(definition, (TypeDefinitionNode, TypeExtensionNode)):
        return flt.clean(definition)
    return definition


def build_api_schema(document: DocumentNode, features: LinkedFeatures) -> GraphQLSchema:
    """The API schema of the supergraph ``document`` whose features are ``features``."""
    flt = _Filter(features)
    removed = _removed_types(document, flt)
    definitions: list[DefinitionNode] = []
    for definition in document.definitions:
        if isinstance(definition, (SchemaDefinitionNode, SchemaExtensionNode)):
            definitions.append(flt.clean(definition))
        elif isinstance(definition, DirectiveDefinitionNode):
            name = definition.name.value
            if name in _KEEP_ALWAYS or not features.owns_directive(name):
                definitions.append(
                    flt.clean(definition, arguments=flt.arguments(definition.arguments))
                )
        elif isinstance(definition, (TypeDefinitionNode, TypeExtensionNode)):
            if definition.name.value in removed:
                continue
            cleaned = _type_definition(definition, flt, removed)
            if cleaned is not None:
                definitions.append(cleaned)
        else:
            definitions.append(definition)
    return build_ast_schema(DocumentNode(definitions=tuple(definitions)), assume_valid_sdl=True)
