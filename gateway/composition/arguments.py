"""Merging arguments and input fields: only those every subgraph defines survive."""

from __future__ import annotations

from collections.abc import Sequence

from gateway.composition.context import MergeContext, merged_description, subgraph_list
from gateway.composition.model import SubgraphArgument
from gateway.composition.supergraph_model import MergedArgument
from gateway.composition.type_references import merge_type_references, print_type

__all__ = ["merge_arguments"]


def _required(argument: SubgraphArgument) -> bool:
    return print_type(argument.type).endswith("!") and argument.default is None


def merge_arguments(
    context: MergeContext,
    sources: Sequence[tuple[str, dict[str, SubgraphArgument]]],
    *,
    owner: str,
    input_type: bool,
) -> list[MergedArgument]:
    """The arguments (or, with ``input_type``, input fields) of ``owner``, merged from
    ``sources`` (subgraph name, its arguments) by intersection."""
    names = list(dict.fromkeys(name for _, arguments in sources for name in arguments))
    result: list[MergedArgument] = []
    for name in names:
        present = [(s, args[name]) for s, args in sources if name in args]
        missing = [s for s, args in sources if name not in args]
        path = f"{owner}.{name}" if input_type else f"{owner}({name}:)"
        if missing:
            required = [s for s, a in present if _required(a)]
            if required:
                if input_type:
                    context.error(
                        "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH",
                        f'Input object field "{path}" is required in some subgraphs but does '
                        f"not appear in all subgraphs: it is required in "
                        f"{subgraph_list(required)} but does not appear in "
                        f"{subgraph_list(missing)}; add it to those subgraphs or make it "
                        "optional everywhere",
                    )
                else:
                    context.error(
                        "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
                        f'Argument "{path}" is required in some subgraphs but does not appear '
                        f"in all subgraphs: it is required in {subgraph_list(required)} but "
                        f"does not appear in {subgraph_list(missing)}; add it to those "
                        "subgraphs or make it optional everywhere",
                    )
            continue
        merged = merge_type_references(
            [a.type for _, a in present], output=False, is_subtype=context.is_subtype
        )
        if merged is None:
            detail = " but ".join(
                f'type "{print_type(a.type)}" in subgraph "{s}"' for s, a in present[:2]
            )
            context.error(
                "FIELD_TYPE_MISMATCH" if input_type else "FIELD_ARGUMENT_TYPE_MISMATCH",
                f'Type of {"field" if input_type else "argument"} "{path}" is incompatible '
                f"across subgraphs: it has {detail}; use one type everywhere",
            )
            continue
        defaults = {s: context.default_text(a) for s, a in present}
        distinct = set(defaults.values())
        if len(distinct) > 1:
            detail = ", ".join(
                f'{"no default value" if d is None else f"default value {d}"} in subgraph "{s}"'
                for s, d in defaults.items()
            )
            context.error(
                "INPUT_FIELD_DEFAULT_MISMATCH" if input_type else "ARGUMENT_DEFAULT_MISMATCH",
                f'{"Input field" if input_type else "Argument"} "{path}" has incompatible '
                f"default values across subgraphs: it has {detail}; give it the same default "
                "value everywhere",
            )
            continue
        arguments = [a for _, a in present]
        result.append(
            MergedArgument(
                name=name,
                type=print_type(merged),
                default=next(iter(distinct)),
                description=merged_description([(s, a.description) for s, a in present]),
                directives=context.argument_directives(arguments),
            )
        )
    return result
