"""Merging the type of one field, argument or input field across subgraphs.

Output positions take the most general type (nullable if any subgraph has it
nullable; an interface or union over its implementations); input positions
the most restrictive one (non-null if any subgraph requires it). List depth
must agree everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from graphql import ListTypeNode, NamedTypeNode, NonNullTypeNode, TypeNode, print_ast

__all__ = ["merge_type_references", "print_type"]


def print_type(type_node: TypeNode) -> str:
    """``[String!]``-style text of ``type_node``."""
    return print_ast(type_node)


def _strip(type_node: TypeNode) -> tuple[bool, TypeNode]:
    if isinstance(type_node, NonNullTypeNode):
        return True, type_node.type
    return False, type_node


def merge_type_references(
    types: Sequence[TypeNode],
    *,
    output: bool,
    is_subtype: Callable[[str, str], bool],
) -> TypeNode | None:
    """The merged type of ``types``, or ``None`` if they are incompatible.

    ``is_subtype(sub, sup)`` says whether named type ``sub`` may be returned where ``sup``
    is declared (output positions only).
    """
    stripped = [_strip(t) for t in types]
    non_null = [flag for flag, _ in stripped]
    inner = [node for _, node in stripped]
    if all(isinstance(node, ListTypeNode) for node in inner):
        merged_inner = merge_type_references(
            [node.type for node in inner if isinstance(node, ListTypeNode)],
            output=output,
            is_subtype=is_subtype,
        )
        if merged_inner is None:
            return None
        result: TypeNode = ListTypeNode(type=merged_inner)
    elif all(isinstance(node, NamedTypeNode) for node in inner):
        names = [node.name.value for node in inner if isinstance(node, NamedTypeNode)]
        unique = list(dict.fromkeys(names))
        if len(unique) == 1:
            chosen = unique[0]
        elif output:
            supers = [s for s in unique if all(n == s or is_subtype(n, s) for n in unique)]
            if not supers:
                return None
            chosen = supers[0]
        else:
            return None
        result = next(
            node for node in inner if isinstance(node, NamedTypeNode) and node.name.value == chosen
        )
    else:
        return None
    wrap = all(non_null) if output else any(non_null)
    return NonNullTypeNode(type=result) if wrap else result  # type: ignore[arg-type]
