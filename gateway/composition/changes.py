"""Changes between two API schemas, each classed by what it does to existing clients.

``find_changes(old, new)`` walks both graphql-core schemas and lists every
difference once, at the outermost element that changed (a removed type is one
change, not one per field), as a :class:`SchemaChange` with its schema
coordinate (``Course``, ``Course.title``, ``Query.courses(first:)``,
``Role.ADMIN``, ``@cached(ttl:)``) and one of three severities:

* ``BREAKING``: an operation that worked before may now fail validation or
  get a value its client cannot read (removed type, field, argument, enum
  value, union member or interface; an output field made nullable; an input
  made non-null; a new required argument or input field).
* ``DANGEROUS``: existing operations still validate but may see something
  new (an enum value or union member clients may not handle, a new interface,
  a default value that changed what an omitted input means).
* ``SAFE``: nothing an existing operation sends or receives changes (added
  types, fields, optional arguments and input fields; descriptions;
  deprecations).

The rules and change codes follow graphql-core's ``find_schema_changes``
(GraphQL.js ``findBreakingChanges``), with three differences: a new optional
argument or input field is safe (no existing operation sends it); removing the
default of a non-null argument or input field is breaking (operations that
omitted it now fail); and a default given to a non-null input that had none is
safe (every operation already sends it). Standard scalars and introspection
types are not compared: they appear or vanish only as a consequence of other
changes, which are reported themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

from graphql import (
    GraphQLArgument,
    GraphQLDirective,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLType,
    GraphQLUnionType,
    is_introspection_type,
    is_specified_scalar_type,
    print_ast,
)
from graphql.utilities import get_default_value_ast
from graphql.utilities.sort_value_node import sort_value_node

__all__ = ["SchemaChange", "Severity", "find_changes", "group_changes"]


class Severity(Enum):
    """What a change does to operations written against the old schema."""

    BREAKING = "breaking"
    DANGEROUS = "dangerous"
    SAFE = "safe"


@dataclass(frozen=True, kw_only=True)
class SchemaChange:
    """One difference between two API schemas."""

    severity: Severity
    code: str
    """What kind of change, in UPPER_SNAKE (graphql-core's name where it has one)."""
    coordinate: str
    """The schema coordinate of the element that changed, e.g. ``Course.title``."""
    message: str
    """One sentence naming the coordinate and what happened to it."""

    def __str__(self) -> str:
        return self.message


def find_changes(old: GraphQLSchema, new: GraphQLSchema) -> list[SchemaChange]:
    """Every difference from ``old`` to ``new``, once each: types by name, then directives."""
    diff = _Diff()
    diff.types(_named_types(old), _named_types(new))
    diff.directives({d.name: d for d in old.directives}, {d.name: d for d in new.directives})
    return diff.changes


def group_changes(changes: Iterable[SchemaChange]) -> dict[Severity, list[SchemaChange]]:
    """``changes`` by severity: breaking, dangerous, safe (every key present, in that order)."""
    groups: dict[Severity, list[SchemaChange]] = {severity: [] for severity in Severity}
    for change in changes:
        groups[change.severity].append(change)
    return groups


def _named_types(schema: GraphQLSchema) -> dict[str, GraphQLNamedType]:
    return {
        name: type_
        for name, type_ in schema.type_map.items()
        if not is_introspection_type(type_) and not is_specified_scalar_type(type_)
    }


_KIND_NAMES: dict[type[GraphQLNamedType], str] = {
    GraphQLScalarType: "a scalar",
    GraphQLObjectType: "an object type",
    GraphQLInterfaceType: "an interface",
    GraphQLUnionType: "a union",
    GraphQLEnumType: "an enum",
    GraphQLInputObjectType: "an input type",
}


def _kind(type_: GraphQLNamedType) -> str:
    for cls, name in _KIND_NAMES.items():
        if isinstance(type_, cls):
            return name
    raise TypeError(f"unexpected named type {type_!r}")


def _output_change_is_safe(old: GraphQLType, new: GraphQLType) -> bool:
    """Whether a field of type ``old`` may become ``new`` without failing its readers.

    A field may become non-null (readers handled null already), never nullable,
    and its named type and list nesting must stay the same.
    """
    if isinstance(new, GraphQLNonNull) and not isinstance(old, GraphQLNonNull):
        return _output_change_is_safe(old, new.of_type)
    if isinstance(old, GraphQLNonNull):
        return isinstance(new, GraphQLNonNull) and _output_change_is_safe(old.of_type, new.of_type)
    if isinstance(old, GraphQLList):
        return isinstance(new, GraphQLList) and _output_change_is_safe(old.of_type, new.of_type)
    return not isinstance(new, GraphQLList) and str(old) == str(new)


def _input_change_is_safe(old: GraphQLType, new: GraphQLType) -> bool:
    """Whether an input of type ``old`` may become ``new`` without refusing its senders.

    An input may become nullable (senders never sent null), never non-null,
    and its named type and list nesting must stay the same.
    """
    if isinstance(old, GraphQLNonNull):
        if isinstance(new, GraphQLNonNull):
            return _input_change_is_safe(old.of_type, new.of_type)
        return _input_change_is_safe(old.of_type, new)
    if isinstance(new, GraphQLNonNull):
        return False
    if isinstance(old, GraphQLList):
        return isinstance(new, GraphQLList) and _input_change_is_safe(old.of_type, new.of_type)
    return not isinstance(new, GraphQLList) and str(old) == str(new)


def _default(value: GraphQLArgument | GraphQLInputField) -> str | None:
    """The default value as introspection prints it (object fields sorted), or ``None``."""
    ast = get_default_value_ast(value)
    return None if ast is None else print_ast(sort_value_node(ast))


def _is_required(value: GraphQLArgument | GraphQLInputField) -> bool:
    return isinstance(value.type, GraphQLNonNull) and _default(value) is None


_InputKind = Literal["ARG", "INPUT_FIELD", "DIRECTIVE_ARG"]

_INPUT_LABELS: dict[_InputKind, str] = {
    "ARG": "Argument",
    "INPUT_FIELD": "Input field",
    "DIRECTIVE_ARG": "Directive argument",
}


@dataclass
class _Diff:
    """Collects changes while walking two schemas side by side."""

    changes: list[SchemaChange] = field(default_factory=list)

    def add(self, severity: Severity, code: str, coordinate: str, message: str) -> None:
        self.changes.append(
            SchemaChange(severity=severity, code=code, coordinate=coordinate, message=message)
        )

    # -- types ------------------------------------------------------------------------

    def types(
        self, old: Mapping[str, GraphQLNamedType], new: Mapping[str, GraphQLNamedType]
    ) -> None:
        for name in sorted(old.keys() | new.keys()):
            old_type, new_type = old.get(name), new.get(name)
            if new_type is None:
                self.add(Severity.BREAKING, "TYPE_REMOVED", name, f"Type {name} was removed.")
            elif old_type is None:
                self.add(
                    Severity.SAFE,
                    "TYPE_ADDED",
                    name,
                    f"Type {name} ({_kind(new_type)}) was added.",
                )
            elif type(old_type) is not type(new_type):
                self.add(
                    Severity.BREAKING,
                    "TYPE_CHANGED_KIND",
                    name,
                    f"{name} changed from {_kind(old_type)} to {_kind(new_type)}.",
                )
            else:
                self.named_type(old_type, new_type)

    def named_type(self, old: GraphQLNamedType, new: GraphQLNamedType) -> None:
        self.description(new.name, "type", old.description, new.description)
        if isinstance(old, GraphQLObjectType | GraphQLInterfaceType):
            assert isinstance(new, GraphQLObjectType | GraphQLInterfaceType)
            self.members(
                new.name,
                [i.name for i in old.interfaces],
                [i.name for i in new.interfaces],
                added=("IMPLEMENTED_INTERFACE_ADDED", "{member} now implements interface {m}."),
                removed=(
                    "IMPLEMENTED_INTERFACE_REMOVED",
                    "{member} no longer implements interface {m}.",
                ),
            )
            self.fields(new.name, old.fields, new.fields)
        elif isinstance(old, GraphQLUnionType):
            assert isinstance(new, GraphQLUnionType)
            self.members(
                new.name,
                [t.name for t in old.types],
                [t.name for t in new.types],
                added=("TYPE_ADDED_TO_UNION", "{m} was added to union {member}."),
                removed=("TYPE_REMOVED_FROM_UNION", "{m} was removed from union {member}."),
            )
        elif isinstance(old, GraphQLEnumType):
            assert isinstance(new, GraphQLEnumType)
            self.enum_values(new.name, old, new)
        elif isinstance(old, GraphQLInputObjectType):
            assert isinstance(new, GraphQLInputObjectType)
            self.inputs("INPUT_FIELD", new.name, "{name}.{field}", old.fields, new.fields)
        elif isinstance(old, GraphQLScalarType):
            assert isinstance(new, GraphQLScalarType)
            if old.specified_by_url != new.specified_by_url:
                self.add(
                    Severity.SAFE,
                    "SPECIFIED_BY_CHANGED",
                    new.name,
                    f"@specifiedBy of scalar {new.name} changed from "
                    f"{old.specified_by_url!r} to {new.specified_by_url!r}.",
                )

    def members(
        self,
        owner: str,
        old: list[str],
        new: list[str],
        *,
        added: tuple[str, str],
        removed: tuple[str, str],
    ) -> None:
        """Union members or implemented interfaces: removing breaks, adding is dangerous."""
        for name in sorted(set(old) - set(new)):
            code, text = removed
            self.add(Severity.BREAKING, code, owner, text.format(member=owner, m=name))
        for name in sorted(set(new) - set(old)):
            code, text = added
            self.add(Severity.DANGEROUS, code, owner, text.format(member=owner, m=name))

    def enum_values(self, name: str, old: GraphQLEnumType, new: GraphQLEnumType) -> None:
        for value in sorted(old.values.keys() | new.values.keys()):
            coordinate = f"{name}.{value}"
            old_value, new_value = old.values.get(value), new.values.get(value)
            if new_value is None:
                self.add(
                    Severity.BREAKING,
                    "VALUE_REMOVED_FROM_ENUM",
                    coordinate,
                    f"Enum value {coordinate} was removed.",
                )
            elif old_value is None:
                self.add(
                    Severity.DANGEROUS,
                    "VALUE_ADDED_TO_ENUM",
                    coordinate,
                    f"Enum value {coordinate} was added; clients that switch over "
                    f"{name} may not handle it.",
                )
            else:
                self.description(
                    coordinate, "enum value", old_value.description, new_value.description
                )
                self.deprecation(
                    coordinate,
                    "enum value",
                    old_value.deprecation_reason,
                    new_value.deprecation_reason,
                )

    # -- output fields ----------------------------------------------------------------

    def fields(
        self,
        owner: str,
        old: Mapping[str, GraphQLField],
        new: Mapping[str, GraphQLField],
    ) -> None:
        for name in sorted(old.keys() | new.keys()):
            coordinate = f"{owner}.{name}"
            old_field, new_field = old.get(name), new.get(name)
            if new_field is None:
                self.add(
                    Severity.BREAKING,
                    "FIELD_REMOVED",
                    coordinate,
                    f"Field {coordinate} was removed.",
                )
                continue
            if old_field is None:
                self.add(
                    Severity.SAFE,
                    "FIELD_ADDED",
                    coordinate,
                    f"Field {coordinate} ({new_field.type}) was added.",
                )
                continue
            if str(old_field.type) != str(new_field.type):
                safe = _output_change_is_safe(old_field.type, new_field.type)
                self.add(
                    Severity.SAFE if safe else Severity.BREAKING,
                    "FIELD_CHANGED_KIND_SAFE" if safe else "FIELD_CHANGED_KIND",
                    coordinate,
                    f"Field {coordinate} changed type from {old_field.type} to {new_field.type}.",
                )
            self.description(coordinate, "field", old_field.description, new_field.description)
            self.deprecation(
                coordinate, "field", old_field.deprecation_reason, new_field.deprecation_reason
            )
            self.inputs("ARG", coordinate, "{name}({field}:)", old_field.args, new_field.args)

    # -- arguments and input fields ---------------------------------------------------

    def inputs(
        self,
        kind: _InputKind,
        owner: str,
        template: str,
        old: Mapping[str, GraphQLArgument] | Mapping[str, GraphQLInputField],
        new: Mapping[str, GraphQLArgument] | Mapping[str, GraphQLInputField],
    ) -> None:
        """Arguments of a field or directive, or the fields of an input type."""
        label = _INPUT_LABELS[kind]
        for name in sorted(old.keys() | new.keys()):
            coordinate = template.format(name=owner, field=name)
            old_value, new_value = old.get(name), new.get(name)
            if new_value is None:
                code = "FIELD_REMOVED" if kind == "INPUT_FIELD" else f"{kind}_REMOVED"
                self.add(Severity.BREAKING, code, coordinate, f"{label} {coordinate} was removed.")
            elif old_value is None:
                required = _is_required(new_value)
                self.add(
                    Severity.BREAKING if required else Severity.SAFE,
                    f"{'REQUIRED' if required else 'OPTIONAL'}_{kind}_ADDED",
                    coordinate,
                    f"{'A required' if required else 'An optional'} "
                    f"{label.lower()} {coordinate} ({new_value.type}) was added"
                    + ("; operations that do not send it now fail." if required else "."),
                )
            else:
                self.input_value(kind, coordinate, old_value, new_value)

    def input_value(
        self,
        kind: _InputKind,
        coordinate: str,
        old: GraphQLArgument | GraphQLInputField,
        new: GraphQLArgument | GraphQLInputField,
    ) -> None:
        label = _INPUT_LABELS[kind]
        code = "FIELD" if kind == "INPUT_FIELD" else "ARG"
        if str(old.type) != str(new.type):
            safe = _input_change_is_safe(old.type, new.type)
            self.add(
                Severity.SAFE if safe else Severity.BREAKING,
                f"{code}_CHANGED_KIND_SAFE" if safe else f"{code}_CHANGED_KIND",
                coordinate,
                f"{label} {coordinate} changed type from {old.type} to {new.type}.",
            )
        self.default_value(kind, coordinate, old, new)
        self.description(coordinate, label.lower(), old.description, new.description)
        self.deprecation(coordinate, label.lower(), old.deprecation_reason, new.deprecation_reason)

    def default_value(
        self,
        kind: _InputKind,
        coordinate: str,
        old: GraphQLArgument | GraphQLInputField,
        new: GraphQLArgument | GraphQLInputField,
    ) -> None:
        old_default, new_default = _default(old), _default(new)
        if old_default == new_default:
            return
        prefix = "INPUT_FIELD" if kind == "INPUT_FIELD" else "ARG"
        label = _INPUT_LABELS[kind]
        if new_default is None and isinstance(new.type, GraphQLNonNull):
            self.add(
                Severity.BREAKING,
                f"{prefix}_DEFAULT_VALUE_REMOVED",
                coordinate,
                f"{label} {coordinate} lost its default value {old_default} and is now "
                "required; operations that do not send it now fail.",
            )
        elif old_default is None and isinstance(old.type, GraphQLNonNull):
            self.add(
                Severity.SAFE,
                f"{prefix}_DEFAULT_VALUE_ADDED",
                coordinate,
                f"{label} {coordinate} got the default value {new_default} and is now optional.",
            )
        else:
            self.add(
                Severity.DANGEROUS,
                f"{prefix}_DEFAULT_VALUE_CHANGE",
                coordinate,
                f"Default value of {label.lower()} {coordinate} changed from "
                f"{old_default or '(none)'} to {new_default or '(none)'}; operations that "
                "omit it now get the new behaviour.",
            )

    # -- directives -------------------------------------------------------------------

    def directives(
        self, old: Mapping[str, GraphQLDirective], new: Mapping[str, GraphQLDirective]
    ) -> None:
        for name in sorted(old.keys() | new.keys()):
            coordinate = f"@{name}"
            old_directive, new_directive = old.get(name), new.get(name)
            if new_directive is None:
                self.add(
                    Severity.BREAKING,
                    "DIRECTIVE_REMOVED",
                    coordinate,
                    f"Directive {coordinate} was removed.",
                )
            elif old_directive is None:
                self.add(
                    Severity.SAFE,
                    "DIRECTIVE_ADDED",
                    coordinate,
                    f"Directive {coordinate} was added.",
                )
            else:
                self.directive(coordinate, old_directive, new_directive)

    def directive(self, coordinate: str, old: GraphQLDirective, new: GraphQLDirective) -> None:
        self.description(coordinate, "directive", old.description, new.description)
        if old.is_repeatable != new.is_repeatable:
            self.add(
                Severity.BREAKING if old.is_repeatable else Severity.SAFE,
                "DIRECTIVE_REPEATABLE_REMOVED"
                if old.is_repeatable
                else "DIRECTIVE_REPEATABLE_ADDED",
                coordinate,
                f"Directive {coordinate} is "
                f"{'no longer' if old.is_repeatable else 'now'} repeatable.",
            )
        old_locations = {location.name for location in old.locations}
        new_locations = {location.name for location in new.locations}
        for location in sorted(old_locations - new_locations):
            self.add(
                Severity.BREAKING,
                "DIRECTIVE_LOCATION_REMOVED",
                coordinate,
                f"Directive {coordinate} may no longer be used on {location}.",
            )
        for location in sorted(new_locations - old_locations):
            self.add(
                Severity.SAFE,
                "DIRECTIVE_LOCATION_ADDED",
                coordinate,
                f"Directive {coordinate} may now be used on {location}.",
            )
        self.inputs("DIRECTIVE_ARG", coordinate, "{name}({field}:)", old.args, new.args)

    # -- documentation ----------------------------------------------------------------

    def description(self, coordinate: str, what: str, old: str | None, new: str | None) -> None:
        if old == new:
            return
        change = "added" if old is None else "removed" if new is None else "changed"
        self.add(
            Severity.SAFE,
            "DESCRIPTION_CHANGED",
            coordinate,
            f"Description of {what} {coordinate} was {change}.",
        )

    def deprecation(self, coordinate: str, what: str, old: str | None, new: str | None) -> None:
        if old == new:
            return
        if old is None:
            code, text = (
                "DEPRECATION_ADDED",
                f"{what.capitalize()} {coordinate} is deprecated: {new}",
            )
        elif new is None:
            code, text = (
                "DEPRECATION_REMOVED",
                f"{what.capitalize()} {coordinate} is no longer deprecated.",
            )
        else:
            code = "DEPRECATION_REASON_CHANGED"
            text = f"Deprecation reason of {what} {coordinate} changed to: {new}"
        self.add(Severity.SAFE, code, coordinate, text)
