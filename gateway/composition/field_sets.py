"""Field sets of ``@key``, ``@requires`` and ``@provides``, checked against their subgraph."""

from __future__ import annotations

from graphql import (
    FieldNode,
    GraphQLError,
    InlineFragmentNode,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeNode,
    parse,
)

from gateway.composition.errors import CompositionError
from gateway.composition.model import SubgraphModel

__all__ = ["check_field_set", "named_type", "parse_field_set", "selected_fields"]


def named_type(type_node: TypeNode) -> str:
    """The name of the type under every list and non-null wrapper."""
    while isinstance(type_node, (ListTypeNode, NonNullTypeNode)):
        type_node = type_node.type
    assert isinstance(type_node, NamedTypeNode)
    return type_node.name.value


def parse_field_set(text: str) -> SelectionSetNode:
    """The selections of ``text``; raises :class:`GraphQLError` if it does not parse."""
    document = parse("{" + text + "}", no_location=True)
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation.selection_set


def selected_fields(subgraph: SubgraphModel, type_name: str, text: str) -> set[tuple[str, str]]:
    """The (type, field) pairs ``text`` selects from ``type_name``, nested ones included."""
    try:
        selections = parse_field_set(text)
    except GraphQLError:
        return set()
    result: set[tuple[str, str]] = set()
    _collect(subgraph, type_name, selections, result)
    return result


def _collect(
    subgraph: SubgraphModel,
    type_name: str,
    selections: SelectionSetNode,
    result: set[tuple[str, str]],
) -> None:
    parent = subgraph.types.get(type_name)
    for selection in selections.selections:
        if isinstance(selection, InlineFragmentNode):
            target = selection.type_condition.name.value if selection.type_condition else type_name
            _collect(subgraph, target, selection.selection_set, result)
        elif isinstance(selection, FieldNode) and parent is not None:
            name = selection.name.value
            result.add((type_name, name))
            field = parent.fields.get(name)
            if field is not None and selection.selection_set is not None:
                _collect(subgraph, named_type(field.type), selection.selection_set, result)


def check_field_set(
    subgraph: SubgraphModel,
    type_name: str,
    text: str,
    *,
    directive: str,
    origin: str,
) -> list[CompositionError]:
    """Errors of the ``directive`` (``key``, ``requires``, ``provides``) field set ``text``
    applied to ``type_name`` (the field's parent for ``requires``, its type for ``provides``);
    ``origin`` says where it is written (``On type "T"`` or ``On field "T.f"``)."""
    invalid = f"{directive.upper()}_INVALID_FIELDS"
    where = f'[{subgraph.name}] {origin}, for @{directive}(fields: "{text}")'
    try:
        selections = parse_field_set(text)
    except GraphQLError as exc:
        return [CompositionError(invalid, f"{where}: {exc.message}; write a valid selection")]
    errors: list[CompositionError] = []
    _check(subgraph, type_name, selections, directive, where, errors, top=True)
    return errors


def _check(
    subgraph: SubgraphModel,
    type_name: str,
    selections: SelectionSetNode,
    directive: str,
    where: str,
    errors: list[CompositionError],
    *,
    top: bool,
) -> None:
    parent = subgraph.types.get(type_name)
    invalid = f"{directive.upper()}_INVALID_FIELDS"
    for selection in selections.selections:
        if isinstance(selection, InlineFragmentNode):
            target = selection.type_condition.name.value if selection.type_condition else type_name
            _check(subgraph, target, selection.selection_set, directive, where, errors, top=top)
            continue
        if not isinstance(selection, FieldNode) or parent is None:
            continue
        name = selection.name.value
        if name == "__typename":
            continue
        field = parent.fields.get(name)
        if field is None:
            errors.append(
                CompositionError(
                    invalid,
                    f'{where}: Cannot query field "{name}" on type "{type_name}" (the field '
                    "should either be added to this subgraph or, if it should not be resolved "
                    "by this subgraph, you need to add it to this subgraph with @external).",
                )
            )
            continue
        target_type = subgraph.types.get(named_type(field.type))
        target_kind = target_type.kind if target_type is not None else "scalar"
        if directive == "key" and target_kind in ("interface", "union"):
            errors.append(
                CompositionError(
                    "KEY_FIELDS_SELECT_INVALID_TYPE",
                    f'{where}: field "{type_name}.{name}" is a '
                    f"{target_kind.capitalize()} type which is not allowed in @key; select "
                    "fields of object, scalar or enum types only",
                )
            )
        if directive == "key" and field.arguments:
            errors.append(
                CompositionError(
                    "KEY_FIELDS_HAS_ARGS",
                    f"{where}: field {type_name}.{name} cannot be included because it has "
                    "arguments (fields with argument are not allowed in @key)",
                )
            )
        if (
            top
            and subgraph.federation2
            and directive in ("requires", "provides")
            and selection.selection_set is None
            and not field.external
        ):
            errors.append(
                CompositionError(
                    f"{directive.upper()}_FIELDS_MISSING_EXTERNAL",
                    f'{where}: field "{type_name}.{name}" should not be part of a @{directive} '
                    "since it is already provided by this subgraph (it is not marked @external)",
                )
            )
        if selection.selection_set is not None:
            if target_kind in ("scalar", "enum"):
                errors.append(
                    CompositionError(
                        invalid,
                        f'{where}: Field "{name}" must not have a selection since type '
                        f'"{named_type(field.type)}" has no subfields.',
                    )
                )
                continue
            _check(
                subgraph,
                named_type(field.type),
                selection.selection_set,
                directive,
                where,
                errors,
                top=False,
            )
        elif target_kind in ("object", "interface", "union"):
            errors.append(
                CompositionError(
                    invalid,
                    f'{where}: Field "{name}" of type "{named_type(field.type)}" must have a '
                    "selection of subfields.",
                )
            )
