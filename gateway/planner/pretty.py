"""Apollo's pretty text format for query plans (``prettyFormatQueryPlan``).

Plans printed this way diff line by line against Apollo's, which is how the
planner's tests compare them.
"""

from __future__ import annotations

from typing import Any

from graphql import FieldNode, OperationDefinitionNode, parse, print_ast

from gateway.planner.plan import (
    ConditionNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    QueryPlan,
    SequenceNode,
)

__all__ = ["pretty_format"]

_INDENT = "  "


def _indent_block(text: str, indentation: str) -> str:
    return "\n".join(indentation + line if line else line for line in text.split("\n"))


def _selections_text(selections: list[dict[str, Any]], indentation: str) -> str:
    lines = ["{"]
    for selection in selections:
        lines.extend(_INDENT + line for line in _selection_lines(selection))
    lines.append("}")
    return "\n".join(indentation + line for line in lines)


def _selection_lines(selection: dict[str, Any]) -> list[str]:
    if selection["kind"] == "InlineFragment":
        condition = selection.get("typeCondition")
        head = "... on " + condition if condition else "..."
    else:
        head = (selection["alias"] + ": " if selection.get("alias") else "") + selection["name"]
    inner = selection.get("selections")
    if inner is None:
        return [head]
    lines = [head + " {"]
    for child in inner:
        lines.extend(_INDENT + line for line in _selection_lines(child))
    lines.append("}")
    return lines


def _operation_text(operation: str, indentation: str) -> str:
    document = parse(operation)
    parts: list[str] = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            selection_set = definition.selection_set
            first = selection_set.selections[0] if selection_set.selections else None
            if (
                definition.operation.value == "query"
                and isinstance(first, FieldNode)
                and first.name.value == "_entities"
                and first.selection_set is not None
            ):
                selection_set = first.selection_set
            parts.append(print_ast(selection_set))
        else:
            parts.append(print_ast(definition))
    return _indent_block("\n\n".join(parts), indentation)


def _node(node: PlanNode, indentation: str) -> str:
    inner = indentation + _INDENT
    if isinstance(node, FetchNode):
        text = f'Fetch(service: "{node.service_name}"' + (f", id: {node.id}" if node.id else "")
        text += ") {\n"
        if node.requires is not None:
            text += _selections_text(list(node.requires), inner) + " =>\n"
        text += _operation_text(node.operation, inner) + "\n" + indentation + "}"
        return text
    if isinstance(node, FlattenNode):
        return (
            f'Flatten(path: "{".".join(node.path)}")'
            + " {"
            + _children([node.node], indentation)
            + "}"
        )
    if isinstance(node, SequenceNode):
        return "Sequence {" + _children(list(node.nodes), indentation) + "}"
    if isinstance(node, ParallelNode):
        return "Parallel {" + _children(list(node.nodes), indentation) + "}"
    return _condition(node, indentation)


def _condition(node: ConditionNode, indentation: str) -> str:
    inner = indentation + _INDENT
    innermost = inner + _INDENT
    if node.if_clause is not None and node.else_clause is not None:
        return (
            f"Condition(if: ${node.condition}) {{\n"
            f"{inner}Then {{\n{innermost}{_node(node.if_clause, innermost)}\n"
            f"{inner}}} Else {{\n{innermost}{_node(node.else_clause, innermost)}\n"
            f"{inner}}}\n{indentation}}}"
        )
    if node.if_clause is not None:
        return (
            f"Include(if: ${node.condition}) {{\n{inner}{_node(node.if_clause, inner)}\n"
            f"{indentation}}}"
        )
    assert node.else_clause is not None
    return (
        f"Skip(if: ${node.condition}) {{\n{inner}{_node(node.else_clause, inner)}\n{indentation}}}"
    )


def _children(nodes: list[PlanNode], indentation: str) -> str:
    inner = indentation + _INDENT
    text = "\n"
    for node in nodes:
        text += inner + _node(node, inner) + ",\n"
    return text + indentation


def pretty_format(plan: QueryPlan) -> str:
    """``plan`` in Apollo's pretty format."""
    if plan.node is None:
        return "QueryPlan {}"
    return "QueryPlan {" + _children([plan.node], "") + "}"
