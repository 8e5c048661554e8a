"""A client operation reduced to what the planner walks: fields and inline fragments.

Named fragment spreads become inline fragments (with the spread's directives),
so the planner sees one tree. Nodes keep graphql-core argument and directive
nodes as they are, so subgraph operations print them unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    ArgumentNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableDefinitionNode,
    print_ast,
)

from gateway.planner.errors import PlanningError

__all__ = ["Field", "Fragment", "Operation", "Selection", "normalize", "selections_of"]


@dataclass(frozen=True, slots=True)
class Field:
    """A field selection: ``alias: name(arguments) @directives { selections }``."""

    name: str
    alias: str | None = None
    arguments: tuple[ArgumentNode, ...] = ()
    directives: tuple[DirectiveNode, ...] = ()
    selections: tuple[Selection, ...] | None = None
    signature: str = field(default="", compare=False)
    """Name, arguments and directives printed: two fields merge when these are equal."""

    @property
    def response_key(self) -> str:
        return self.alias or self.name


@dataclass(frozen=True, slots=True)
class Fragment:
    """An inline fragment: ``... on type_condition @directives { selections }``."""

    type_condition: str | None
    directives: tuple[DirectiveNode, ...]
    selections: tuple[Selection, ...]


Selection = Field | Fragment


@dataclass(frozen=True, slots=True)
class Operation:
    """The operation to plan."""

    kind: str
    name: str | None
    variable_definitions: tuple[VariableDefinitionNode, ...]
    selections: tuple[Selection, ...]


def field_signature(
    name: str, arguments: tuple[ArgumentNode, ...], directives: tuple[DirectiveNode, ...]
) -> str:
    """What makes two fields with one response key the same field."""
    if not arguments and not directives:
        return name
    parts = [name]
    if arguments:
        parts.append("(" + ",".join(print_ast(a) for a in arguments) + ")")
    parts.extend(print_ast(d) for d in directives)
    return "".join(parts)


def make_field(
    name: str,
    *,
    alias: str | None = None,
    arguments: tuple[ArgumentNode, ...] = (),
    directives: tuple[DirectiveNode, ...] = (),
    selections: tuple[Selection, ...] | None = None,
) -> Field:
    return Field(
        name,
        alias,
        arguments,
        directives,
        selections,
        field_signature(name, arguments, directives),
    )


def selections_of(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode] | None = None,
    *,
    _seen: tuple[str, ...] = (),
) -> tuple[Selection, ...]:
    """The selections of ``selection_set`` with named fragments inlined."""
    if selection_set is None:
        return ()
    result: list[Selection] = []
    for node in selection_set.selections:
        if isinstance(node, FieldNode):
            result.append(
                make_field(
                    node.name.value,
                    alias=node.alias.value if node.alias else None,
                    arguments=tuple(node.arguments or ()),
                    directives=tuple(node.directives or ()),
                    selections=(
                        selections_of(node.selection_set, fragments, _seen=_seen)
                        if node.selection_set is not None
                        else None
                    ),
                )
            )
        elif isinstance(node, InlineFragmentNode):
            result.append(
                Fragment(
                    node.type_condition.name.value if node.type_condition else None,
                    tuple(node.directives or ()),
                    selections_of(node.selection_set, fragments, _seen=_seen),
                )
            )
        elif isinstance(node, FragmentSpreadNode):
            name = node.name.value
            definition = (fragments or {}).get(name)
            if definition is None:
                raise PlanningError(
                    f"fragment {name!r} is spread but not defined; define it in the document",
                    code="GRAPHQL_VALIDATION_FAILED",
                )
            if name in _seen:
                raise PlanningError(
                    f"fragment {name!r} spreads itself; remove the cycle",
                    code="GRAPHQL_VALIDATION_FAILED",
                )
            result.append(
                Fragment(
                    definition.type_condition.name.value,
                    tuple(node.directives or ()),
                    selections_of(definition.selection_set, fragments, _seen=(*_seen, name)),
                )
            )
    return tuple(result)


def normalize(document: DocumentNode, operation_name: str | None) -> Operation:
    """The operation of ``document`` named ``operation_name`` (or its only one)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    if operation_name is None:
        if len(operations) != 1:
            raise PlanningError(
                "the document holds "
                + ("no operation" if not operations else f"{len(operations)} operations")
                + "; send exactly one operation or name the one to run (operationName)",
                code="GRAPHQL_VALIDATION_FAILED",
            )
        chosen = operations[0]
    else:
        named = [o for o in operations if o.name is not None and o.name.value == operation_name]
        if not named:
            raise PlanningError(
                f"the document has no operation named {operation_name!r}; "
                "check operationName against the operations in the document",
                code="GRAPHQL_VALIDATION_FAILED",
            )
        chosen = named[0]
    return Operation(
        kind=chosen.operation.value,
        name=chosen.name.value if chosen.name else None,
        variable_definitions=tuple(chosen.variable_definitions or ()),
        selections=selections_of(chosen.selection_set, fragments),
    )
