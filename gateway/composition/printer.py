"""Printing the merged supergraph as SDL: ``@link``ed link v1.0 and join v0.5, types sorted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from graphql import print_ast
from graphql.language import StringValueNode

from gateway.composition.context import MergeContext, quote
from gateway.composition.supergraph_model import MergedArgument, MergedType

if TYPE_CHECKING:
    from gateway.composition.carried_directives import CarriedDirectives

__all__ = ["print_supergraph"]

_JOIN_DEFINITIONS = """directive @join__directive(graphs: [join__Graph!], name: String!, args: join__DirectiveArguments) repeatable on SCHEMA | OBJECT | INTERFACE | FIELD_DEFINITION

directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE

directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String, contextArguments: [join__ContextArgument!]) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION

directive @join__graph(name: String!, url: String!) on ENUM_VALUE

directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE

directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR

directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION

directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA"""  # noqa: E501

_INACCESSIBLE = (
    "directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | "
    "ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION"
)
_TAG = (
    "directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION "
    "| ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION "
    "| SCHEMA"
)

_MACHINERY_TYPES: dict[str, str] = {
    "join__ContextArgument": (
        "input join__ContextArgument {\n  name: String!\n  type: String!\n  context: String!\n"
        "  selection: join__FieldValue!\n}"
    ),
    "join__DirectiveArguments": "scalar join__DirectiveArguments",
    "join__FieldSet": "scalar join__FieldSet",
    "join__FieldValue": "scalar join__FieldValue",
    "link__Import": "scalar link__Import",
    "link__Purpose": (
        'enum link__Purpose {\n  """\n  `SECURITY` features provide metadata necessary to '
        'securely resolve fields.\n  """\n  SECURITY\n\n  """\n  `EXECUTION` features provide '
        'metadata necessary for operation execution.\n  """\n  EXECUTION\n}'
    ),
}


def _description(text: str | None, indent: str) -> str:
    if text is None:
        return ""
    block = print_ast(StringValueNode(value=text, block=True))
    return "".join(f"{indent}{line}\n" if line else "\n" for line in block.split("\n"))


def _directives(directives: Sequence[str]) -> str:
    return "".join(" " + d for d in directives)


def _argument(argument: MergedArgument) -> str:
    default = f" = {argument.default}" if argument.default is not None else ""
    return f"{argument.name}: {argument.type}{default}{_directives(argument.directives)}"


def _arguments(arguments: Sequence[MergedArgument]) -> str:
    if not arguments:
        return ""
    if any(a.description for a in arguments):
        inner = "".join(
            _description(a.description, "    ") + "    " + _argument(a) + "\n" for a in arguments
        )
        return "(\n" + inner + "  )"
    return "(" + ", ".join(_argument(a) for a in arguments) + ")"


def _type(merged: MergedType) -> str:
    head = _description(merged.description, "")
    keyword = {"object": "type", "input": "input"}.get(merged.kind, merged.kind)
    head += f"{keyword} {merged.name}"
    if merged.interfaces:
        head += " implements " + " & ".join(merged.interfaces)
    if merged.kind == "union":
        members = " = " + " | ".join(merged.members) if merged.members else ""
        return head + "".join(f"\n  {d}" for d in merged.directives) + members
    if merged.directives:
        head += "".join(f"\n  {d}" for d in merged.directives) + "\n"
    else:
        head += " "
    if merged.kind == "scalar":
        return head.rstrip()
    lines: list[str] = []
    for field in merged.fields:
        lines.append(
            _description(field.description, "  ")
            + f"  {field.name}{_arguments(field.arguments)}: {field.type}"
            + _directives(field.directives)
        )
    for argument in merged.input_fields:
        lines.append(_description(argument.description, "  ") + "  " + _argument(argument))
    for value in merged.values:
        lines.append(
            _description(value.description, "  ")
            + f"  {value.name}"
            + _directives(value.directives)
        )
    return head + "{\n" + "\n".join(lines) + "\n}"


def print_supergraph(
    context: MergeContext,
    types: Sequence[MergedType],
    carried: CarriedDirectives | None = None,
) -> str:
    """The supergraph SDL of ``types`` merged in ``context``, with the links, directive
    definitions and types of the ``carried`` directives; definitions sorted by name."""
    links = [
        '@link(url: "https://specs.apollo.dev/link/v1.0")',
        '@link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)',
    ]
    directives = {d.split("(")[0].split(" ")[1][1:]: d for d in _JOIN_DEFINITIONS.split("\n\n")}
    if context.uses_tag:
        links.append('@link(url: "https://specs.apollo.dev/tag/v0.3")')
        directives["tag"] = _TAG
    if context.uses_inaccessible:
        links.append('@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)')
        directives["inaccessible"] = _INACCESSIBLE
    if carried is not None:
        links += carried.links
        directives.update(carried.definitions)
    definitions = [directives[name] for name in sorted(directives, key=lambda n: (n.lower(), n))]
    names = {t.name for t in types}
    roots = [
        f"  {op}: {name}"
        for op, name in (
            ("query", "Query"),
            ("mutation", "Mutation"),
            ("subscription", "Subscription"),
        )
        if name in names
    ]
    schema = (
        "schema\n" + "".join(f"  {link}\n" for link in links) + "{\n" + "\n".join(roots) + "\n}"
    )
    graph_values = "\n".join(
        f"  {context.graph[s.name]} @join__graph(name: {quote(s.name)}, url: {quote(s.url)})"
        for s in context.subgraphs
    )
    printed = {t.name: _type(t) for t in types}
    printed.update(_MACHINERY_TYPES)
    if carried is not None:
        printed.update(carried.types)
    printed["join__Graph"] = "enum join__Graph {\n" + graph_values + "\n}"
    ordered = [printed[name] for name in sorted(printed, key=lambda n: (n.lower(), n))]
    return "\n\n".join([schema, *definitions, *ordered]) + "\n"
