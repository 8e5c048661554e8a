"""Merging unions, enums, input types and scalars."""

from __future__ import annotations

from collections.abc import Sequence

from gateway.composition.arguments import merge_arguments
from gateway.composition.context import MergeContext, merged_description, quote, subgraph_list
from gateway.composition.model import SubgraphType
from gateway.composition.supergraph_model import MergedEnumValue, MergedType

__all__ = ["merge_leaf_type"]


def merge_leaf_type(
    context: MergeContext,
    name: str,
    kind: str,
    sources: Sequence[tuple[str, SubgraphType]],
    *,
    enum_usage: tuple[str | None, str | None] = (None, None),
) -> MergedType | None:
    """The supergraph ``union``, ``enum``, ``input`` or ``scalar`` ``name``; ``enum_usage``
    is (an input position, an output position) where the enum is used, if any."""
    types = [t for _, t in sources]
    merged = MergedType(
        name=name,
        kind=kind,
        description=merged_description([(s, t.description) for s, t in sources]),
        directives=[f"@join__type(graph: {context.graph[s]})" for s, _ in sources],
    )
    merged.directives += context.common_directives(
        inaccessible=any(t.inaccessible for t in types), tags=[g for t in types for g in t.tags]
    )
    if kind == "scalar":
        url = next((t.specified_by for t in types if t.specified_by), None)
        if url is not None:
            merged.directives.append(f"@specifiedBy(url: {quote(url)})")
    elif kind == "union":
        for subgraph, union in sources:
            for member in union.members:
                merged.directives.append(
                    f"@join__unionMember(graph: {context.graph[subgraph]}, member: {quote(member)})"
                )
                if member not in merged.members:
                    merged.members.append(member)
    elif kind == "input":
        merged.input_fields = merge_arguments(
            context, [(s, t.input_fields) for s, t in sources], owner=name, input_type=True
        )
        if not merged.input_fields:
            context.error(
                "EMPTY_MERGED_INPUT_TYPE",
                f'None of the fields of input object type "{name}" are consistently defined '
                f"in all the subgraphs defining that type; define at least one field in "
                f"{subgraph_list([s for s, _ in sources])}",
            )
            return None
    elif kind == "enum":
        return _merge_enum(context, merged, sources, enum_usage)
    return merged


def _merge_enum(
    context: MergeContext,
    merged: MergedType,
    sources: Sequence[tuple[str, SubgraphType]],
    usage: tuple[str | None, str | None],
) -> MergedType | None:
    used_as_input, used_as_output = usage
    names = list(dict.fromkeys(v for _, t in sources for v in t.values))
    for value in names:
        having = [s for s, t in sources if value in t.values]
        lacking = [s for s, t in sources if value not in t.values]
        hidden = any(t.values[value].inaccessible for _, t in sources if value in t.values)
        if lacking and used_as_input and used_as_output and not hidden:
            context.error(
                "ENUM_VALUE_MISMATCH",
                f'Enum type "{merged.name}" is used as both input type (for example, as type of '
                f'"{used_as_input}") and output type (for example, as type of '
                f'"{used_as_output}"), but value "{value}" is not defined in all the subgraphs '
                f'defining "{merged.name}": "{value}" is defined in {subgraph_list(having)} '
                f"but not in {subgraph_list(lacking)}; define it everywhere or nowhere",
            )
            continue
        if lacking and used_as_input and not hidden:
            continue
        with_value = [(s, t.values[value]) for s, t in sources if value in t.values]
        definitions = [v for _, v in with_value]
        directives = context.common_directives(
            inaccessible=any(v.inaccessible for v in definitions),
            tags=[g for v in definitions for g in v.tags],
            deprecated=next((v.deprecated for v in definitions if v.deprecated), None),
        )
        directives += [f"@join__enumValue(graph: {context.graph[s]})" for s in having]
        merged.values.append(
            MergedEnumValue(
                name=value,
                description=merged_description([(s, v.description) for s, v in with_value]),
                directives=directives,
            )
        )
    if not merged.values:
        context.error(
            "EMPTY_MERGED_ENUM_TYPE",
            f'None of the values of enum type "{merged.name}" are defined consistently in all '
            "the subgraphs defining that type; as it is used as an input type, define at least "
            f"one value in {subgraph_list([s for s, _ in sources])}",
        )
        return None
    return merged
