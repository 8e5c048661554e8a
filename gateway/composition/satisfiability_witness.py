"""The message of a satisfiability error: the API query that cannot be planned (the
"witness", with made-up argument values) and, per subgraph, why not; the text
follows Apollo's composition so both read the same."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    is_leaf_type,
)
from graphql.pyutils import Undefined

from gateway.composition.satisfiability_moves import Reason

__all__ = ["Step", "satisfiability_message"]

_SCALAR_WITNESSES = {
    "Int": "0",
    "Float": "3.14",
    "Boolean": "true",
    "String": '"A string value"',
    "ID": '"<any id>"',
}


@dataclass(frozen=True, slots=True)
class Step:
    """One step of an API path: a field of ``type_name``, or (``field`` is ``None``)
    a type condition on ``type_name``."""

    type_name: str
    field: str | None = None


def _witness_value(value_type: GraphQLInputType) -> str:
    if isinstance(value_type, GraphQLNonNull):
        return _witness_value(value_type.of_type)
    if isinstance(value_type, GraphQLList):
        return "[]"
    if isinstance(value_type, GraphQLEnumType):
        return str(next(iter(value_type.values)))
    if isinstance(value_type, GraphQLInputObjectType):
        parts = [
            f"{name}: {_witness_value(field.type)}"
            for name, field in value_type.fields.items()
            if field.default_value is Undefined and isinstance(field.type, GraphQLNonNull)
        ]
        return "{" + ", ".join(parts) + "}"
    assert isinstance(value_type, GraphQLScalarType)
    return _SCALAR_WITNESSES.get(value_type.name, '"<some value>"')


def _field_text(schema: GraphQLSchema, step: Step) -> str:
    assert step.field is not None
    parent = schema.get_type(step.type_name)
    assert isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType))
    arguments = parent.fields[step.field].args
    if not arguments:
        return step.field
    values = ", ".join(f"{name}: {_witness_value(a.type)}" for name, a in arguments.items())
    return f"{step.field}({values})"


def witness_query(
    schema: GraphQLSchema, operation: str, steps: Sequence[Step], last_type: str
) -> str:
    """The API operation selecting ``steps``; ``...`` stands for the selections of a
    composite type it ends on."""
    lines = ["{" if operation == "query" else f"{operation} {{"]
    for depth, step in enumerate(steps, start=1):
        opening = f"... on {step.type_name}" if step.field is None else _field_text(schema, step)
        lines.append("  " * depth + opening + " {")
    inner = len(steps)
    end = schema.get_type(last_type)
    if is_leaf_type(end):
        lines[-1] = lines[-1].removesuffix(" {")
        inner -= 1
    else:
        lines.append("  " * (inner + 1) + "...")
    for depth in range(inner, -1, -1):
        lines.append("  " * depth + "}")
    return "\n".join(lines)


def _reasons_text(reasons: Sequence[Reason]) -> str:
    by_source: dict[str, list[str]] = {}
    for reason in reasons:
        by_source.setdefault(reason.source, []).append(reason.details)
    parts = []
    for source, details in by_source.items():
        text = f'- from subgraph "{source}":'
        if len(details) == 1:
            text += f" {details[0]}."
        else:
            text += "".join(f"\n  - {d}." for d in dict.fromkeys(details))
        parts.append(text)
    return "\n".join(parts)


def satisfiability_message(
    schema: GraphQLSchema,
    operation: str,
    steps: Sequence[Step],
    last_type: str,
    reasons: Sequence[Reason],
) -> str:
    """Apollo's ``SATISFIABILITY_ERROR`` message for the path ``steps``."""
    return (
        "The following supergraph API query:\n"
        + witness_query(schema, operation, steps, last_type)
        + "\ncannot be satisfied by the subgraphs because:\n"
        + _reasons_text(reasons)
    )
