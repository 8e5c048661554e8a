"""Carrying directive applications from the subgraphs into the merged supergraph.

Runs after the types are merged. The access-control directives
(``@authenticated``, ``@requiresScopes``, ``@policy``), the demand-control
ones (``@cost``, ``@listSize``) and the custom directives a subgraph composes
(see :mod:`gateway.composition.composed_directives`) are applied to each
supergraph element as Apollo's composition applies them: one application per
non-repeatable directive (arguments merged, see
:mod:`gateway.composition.directive_values`, or the most common application for
a custom one), every distinct application of a repeatable one. An interface
and its fields also take the access-control requirements of their
implementations, so that a query through the interface asks no less.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from graphql import DirectiveDefinitionNode, print_ast

from gateway.composition.composed_directives import ComposedDirectives, composed_directives
from gateway.composition.context import MergeContext, quote
from gateway.composition.directive_values import MERGED_ARGUMENTS, merge_arguments, python_value
from gateway.composition.model import AppliedDirective, SubgraphModel, SubgraphType
from gateway.composition.supergraph_model import MergedField, MergedType

__all__ = ["CarriedDirectives", "carry_directives"]

ACCESS_CONTROL = ("authenticated", "requiresScopes", "policy")
_CARRIED = (*ACCESS_CONTROL, "cost", "listSize")
_LOCATIONS = "on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM"
_SPEC_LINKS = {
    name: f'@link(url: "https://specs.apollo.dev/{name}/v0.1", for: SECURITY)'
    for name in ACCESS_CONTROL
}
_SPEC_DEFINITIONS = {
    "authenticated": {"authenticated": f"directive @authenticated {_LOCATIONS}"},
    "requiresScopes": {
        "requiresScopes": (
            f"directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) {_LOCATIONS}"
        )
    },
    "policy": {"policy": f"directive @policy(policies: [[policy__Policy!]!]!) {_LOCATIONS}"},
}
_SPEC_TYPES = {"requiresScopes": "requiresScopes__Scope", "policy": "policy__Policy"}
_COST = (
    "directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | "
    "INPUT_FIELD_DEFINITION | OBJECT | SCALAR"
)
_LIST_SIZE = (
    "(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], "
    "requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION"
)

Sources = list[tuple[str, list[AppliedDirective]]]


@dataclass(kw_only=True)
class CarriedDirectives:
    """What the printer adds to the supergraph for the carried directives."""

    links: list[str] = field(default_factory=list)
    """``@link`` applications on the schema, after join's, tag's and inaccessible's."""
    definitions: dict[str, str] = field(default_factory=dict)
    """Directive name -> its printed definition."""
    types: dict[str, str] = field(default_factory=dict)
    """Type name -> its printed definition (the specs' scalars)."""


def _used(subgraphs: Sequence[SubgraphModel]) -> set[str]:
    used: set[str] = set()
    for subgraph in subgraphs:
        for subgraph_type in subgraph.types.values():
            for element in _elements(subgraph_type):
                used.update(a.name for a in element)
    return used


def _elements(subgraph_type: SubgraphType) -> Iterable[list[AppliedDirective]]:
    yield subgraph_type.applied
    for field_def in subgraph_type.fields.values():
        yield field_def.applied
        for argument in field_def.arguments.values():
            yield argument.applied
    for argument in subgraph_type.input_fields.values():
        yield argument.applied
    for value in subgraph_type.values.values():
        yield value.applied


class _Merger:
    def __init__(
        self,
        context: MergeContext,
        subgraphs: Sequence[SubgraphModel],
        composed: ComposedDirectives,
        merged: dict[str, MergedType],
    ) -> None:
        self.context = context
        self.subgraphs = subgraphs
        self.composed = composed
        self.merged = merged
        self.implementations: dict[str, list[str]] = {}
        for merged_type in merged.values():
            if merged_type.kind == "object":
                for interface in merged_type.interfaces:
                    self.implementations.setdefault(interface, []).append(merged_type.name)
        self.extra = self._access_control_from_implementations()

    def _access_control_from_implementations(self) -> dict[str, Sources]:
        """Interface (``I``) or interface field (``I.f``) -> access-control applications of
        the implementing objects and fields, which the interface element takes too."""
        interfaces_of: dict[str, list[str]] = {}
        for interface, objects in self.implementations.items():
            for name in objects:
                interfaces_of.setdefault(name, []).append(interface)
        extra: dict[str, Sources] = {}

        def add(key: str, subgraph: str, applied: list[AppliedDirective]) -> None:
            access = [a for a in applied if a.name in ACCESS_CONTROL]
            if access:
                extra.setdefault(key, []).append((subgraph, access))

        for subgraph in self.subgraphs:
            for subgraph_type in subgraph.types.values():
                if subgraph_type.kind != "object":
                    continue
                name = subgraph_type.name
                for interface in interfaces_of.get(name, ()):
                    add(interface, subgraph.name, subgraph_type.applied)
                for field_def in subgraph_type.fields.values():
                    if field_def.external:
                        continue
                    if subgraph_type.interface_object:
                        others: list[str] = []
                        for implementation in self.implementations.get(name, ()):
                            add(
                                f"{implementation}.{field_def.name}",
                                subgraph.name,
                                field_def.applied,
                            )
                            others += [
                                i for i in interfaces_of.get(implementation, ()) if i != name
                            ]
                        for other in dict.fromkeys(others):
                            add(f"{other}.{field_def.name}", subgraph.name, field_def.applied)
                    else:
                        for interface in interfaces_of.get(name, ()):
                            add(f"{interface}.{field_def.name}", subgraph.name, field_def.applied)
        return extra

    # -- one element ------------------------------------------------------------------

    def _is_merged(self, subgraph: str, name: str) -> bool:
        return name in _CARRIED or self.composed.composes(subgraph, name)

    def element(self, sources: Sources, *, key: str | None = None) -> list[str]:
        """The applications the supergraph element gets from ``sources``; with ``key`` (an
        interface or a field), access control first, merged with the implementations'."""
        names = list(
            dict.fromkeys(
                a.name for s, applied in sources for a in applied if self._is_merged(s, a.name)
            )
        )
        result: list[str] = []
        if key is not None:
            extra = self.extra.get(key, [])
            for name in ACCESS_CONTROL:
                if name in names or any(a.name == name for _, applied in extra for a in applied):
                    result += self._merge_one(name, sources + extra)
                    if name in names:
                        names.remove(name)
        for name in names:
            result += self._merge_one(name, sources)
        return result

    def _definition(self, name: str) -> DirectiveDefinitionNode | None:
        return self.composed.definitions.get(name)

    def _comparable(self, application: AppliedDirective) -> str:
        values = {n: print_ast(v) for n, v in application.arguments}
        definition = self._definition(application.name)
        for argument in definition.arguments or () if definition is not None else ():
            if argument.name.value not in values and argument.default_value is not None:
                values[argument.name.value] = print_ast(argument.default_value)
        if application.name == "listSize":
            values.setdefault("requireOneSlicingArgument", "true")
        return repr(sorted(values.items()))

    def _merge_one(self, name: str, sources: Sources) -> list[str]:
        applications = [a for _, applied in sources for a in applied if a.name == name]
        if not applications:
            return []
        distinct: dict[str, AppliedDirective] = {}
        counts: dict[str, int] = {}
        for application in applications:
            comparable = self._comparable(application)
            distinct.setdefault(comparable, application)
            counts[comparable] = counts.get(comparable, 0) + 1
        definition = self._definition(name)
        if definition is not None and definition.repeatable:
            return [_printed(a) for a in distinct.values()]
        if len(distinct) == 1:
            return [_printed(applications[0])]
        if name in MERGED_ARGUMENTS:
            merged = merge_arguments(
                name,
                [{n: python_value(v) for n, v in a.arguments} for a in distinct.values()],
            )
            printed = ", ".join(f"{n}: {_literal(v)}" for n, v in merged.items())
            return [f"@{name}({printed})" if printed else f"@{name}"]
        most = max(counts.values())
        return [_printed(next(a for k, a in distinct.items() if counts[k] == most))]

    # -- the whole supergraph ---------------------------------------------------------

    def apply(self) -> None:
        ordered = sorted(self.merged.values(), key=lambda t: t.kind != "interface")
        for merged_type in ordered:
            sources = [
                (s.name, s.types[merged_type.name])
                for s in self.subgraphs
                if merged_type.name in s.types
            ]
            key = merged_type.name if merged_type.kind == "interface" else None
            merged_type.directives += self.element([(s, t.applied) for s, t in sources], key=key)
            for merged_field in merged_type.fields:
                self._field(merged_type, merged_field, sources)
            for argument in merged_type.input_fields:
                argument.directives += self.element(
                    [
                        (s, t.input_fields[argument.name].applied)
                        for s, t in sources
                        if argument.name in t.input_fields
                    ]
                )
            for value in merged_type.values:
                value.directives += self.element(
                    [
                        (s, t.values[value.name].applied)
                        for s, t in sources
                        if value.name in t.values
                    ]
                )

    def _field(
        self,
        merged_type: MergedType,
        merged_field: MergedField,
        sources: list[tuple[str, SubgraphType]],
    ) -> None:
        definitions = [
            (s, t.fields[merged_field.name])
            for s, t in sources
            if merged_field.name in t.fields and not t.fields[merged_field.name].external
        ]
        key = f"{merged_type.name}.{merged_field.name}"
        if not any(merged_field.name in t.fields for _, t in sources):
            self._from_interface(merged_type, merged_field, key)
            return
        merged_field.directives += self.element([(s, f.applied) for s, f in definitions], key=key)
        for argument in merged_field.arguments:
            argument.directives += self.element(
                [
                    (s, f.arguments[argument.name].applied)
                    for s, f in definitions
                    if argument.name in f.arguments
                ]
            )

    def _from_interface(self, merged_type: MergedType, merged_field: MergedField, key: str) -> None:
        """A field an ``@interfaceObject`` gave the type: the interface field's directives,
        access control merged from the ``@interfaceObject`` fields."""
        merged_field.directives += self.element([], key=key)
        for interface in merged_type.interfaces:
            origin = self.merged.get(interface)
            if origin is None:
                continue
            for interface_field in origin.fields:
                if interface_field.name == merged_field.name:
                    carried = self._carried(interface_field.directives)
                    merged_field.directives += carried
                    return

    def _carried(self, directives: list[str]) -> list[str]:
        names = set(self.composed.definitions) | {"cost", "listSize"}
        return [d for d in directives if d[1:].split("(")[0] in names]


def _printed(application: AppliedDirective) -> str:
    if not application.arguments:
        return f"@{application.name}"
    arguments = ", ".join(f"{n}: {print_ast(v)}" for n, v in application.arguments)
    return f"@{application.name}({arguments})"


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return str(value)


def _check_subgraphs(
    context: MergeContext, subgraphs: Sequence[SubgraphModel], composed: ComposedDirectives
) -> None:
    for subgraph in subgraphs:
        for subgraph_type in subgraph.types.values():
            kind = (
                "interface"
                if subgraph_type.kind == "interface"
                else "interface object"
                if subgraph_type.interface_object
                else None
            )
            if kind is not None:
                _no_access_control(
                    context, subgraph.name, kind, subgraph_type.name, subgraph_type.applied
                )
            for field_def in subgraph_type.fields.values():
                coordinate = f"{subgraph_type.name}.{field_def.name}"
                if subgraph_type.kind == "interface":
                    _no_access_control(
                        context, subgraph.name, "field", coordinate, field_def.applied
                    )
                if not field_def.external:
                    continue
                for application in field_def.applied:
                    if application.name in _CARRIED or composed.composes(
                        subgraph.name, application.name
                    ):
                        context.error(
                            "MERGED_DIRECTIVE_APPLICATION_ON_EXTERNAL",
                            f"[{subgraph.name}] Cannot apply merged directive "
                            f'{application.source} to external field "{coordinate}"; apply it '
                            "in the subgraph that resolves the field",
                        )


def _no_access_control(
    context: MergeContext,
    subgraph: str,
    kind: str,
    coordinate: str,
    applied: list[AppliedDirective],
) -> None:
    for application in applied:
        if application.name in ACCESS_CONTROL:
            name = application.name
            context.error(
                "AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE",
                f'[{subgraph}] Invalid use of @{name} on {kind} "{coordinate}": @{name} cannot '
                "be applied on interfaces, interface fields and interface objects; apply it to "
                "the implementing object types and their fields",
            )


def carry_directives(
    context: MergeContext, subgraphs: Sequence[SubgraphModel], merged: dict[str, MergedType]
) -> CarriedDirectives:
    """Apply the carried directives to ``merged`` (errors go to ``context``); the links,
    definitions and types the supergraph needs for them."""
    composed = composed_directives(context, subgraphs)
    _check_subgraphs(context, subgraphs, composed)
    result = CarriedDirectives()
    used = _used(subgraphs)
    for name in ACCESS_CONTROL:
        if name in used:
            result.links.append(_SPEC_LINKS[name])
            result.definitions.update(_SPEC_DEFINITIONS[name])
            if name in _SPEC_TYPES:
                result.types[_SPEC_TYPES[name]] = f"scalar {_SPEC_TYPES[name]}"
    if "cost" in used or "listSize" in used:
        list_size = "listSize" if "listSize" in used else "cost__listSize"
        imports = ', import: ["@listSize"]' if "listSize" in used else ""
        result.links.append(f'@link(url: "https://specs.apollo.dev/cost/v0.1"{imports})')
        result.definitions["cost"] = _COST
        result.definitions[list_size] = f"directive @{list_size}{_LIST_SIZE}"
    result.links += composed.links
    for name, definition in composed.definitions.items():
        result.definitions[name] = print_ast(definition)
    if not context.errors:
        _Merger(context, subgraphs, composed, merged).apply()
    return result
