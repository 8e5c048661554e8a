"""State shared by the merge of every type: subgraphs, graph names, errors, helpers."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from graphql import print_ast

from gateway.composition.errors import CompositionError
from gateway.composition.field_sets import named_type, selected_fields
from gateway.composition.model import SubgraphArgument, SubgraphModel

__all__ = ["MergeContext", "merged_description", "quote", "subgraph_list"]


def quote(text: str) -> str:
    """``text`` as a GraphQL string literal."""
    return json.dumps(text, ensure_ascii=False)


def subgraph_list(names: Sequence[str]) -> str:
    """``subgraph "a"`` or ``subgraphs "a", "b" and "c"``."""
    quoted = [f'"{n}"' for n in names]
    if len(quoted) == 1:
        return f"subgraph {quoted[0]}"
    return f"subgraphs {', '.join(quoted[:-1])} and {quoted[-1]}"


def _enum_name(name: str) -> str:
    value = re.sub(r"[^A-Za-z0-9_]", "_", name).upper()
    return "_" + value if value[:1].isdigit() or not value else value


class MergeContext:
    """The subgraphs being composed and what every merge step needs to know about them."""

    def __init__(self, subgraphs: Sequence[SubgraphModel]) -> None:
        self.subgraphs = list(subgraphs)
        self.by_name = {s.name: s for s in subgraphs}
        self.graph: dict[str, str] = {}
        for subgraph in subgraphs:
            value = _enum_name(subgraph.name)
            while value in self.graph.values():
                value += "_"
            self.graph[subgraph.name] = value
        self.errors: list[CompositionError] = []
        self.uses_inaccessible = False
        self.uses_tag = False
        self.supertypes: dict[str, set[str]] = {}
        for subgraph in subgraphs:
            for subgraph_type in subgraph.types.values():
                for interface in subgraph_type.interfaces:
                    self.supertypes.setdefault(subgraph_type.name, set()).add(interface)
                for member in subgraph_type.members:
                    self.supertypes.setdefault(member, set()).add(subgraph_type.name)
        self.used: dict[str, set[tuple[str, str]]] = {
            s.name: self._used_fields(s) for s in subgraphs
        }
        self.keyed: dict[str, set[tuple[str, str]]] = {
            s.name: {
                pair
                for t in s.types.values()
                for key in t.keys
                for pair in selected_fields(s, t.name, key.fields)
            }
            for s in subgraphs
        }

    @staticmethod
    def _used_fields(subgraph: SubgraphModel) -> set[tuple[str, str]]:
        used: set[tuple[str, str]] = set()
        for subgraph_type in subgraph.types.values():
            for key in subgraph_type.keys:
                used |= selected_fields(subgraph, subgraph_type.name, key.fields)
            for field in subgraph_type.fields.values():
                if field.requires:
                    used |= selected_fields(subgraph, subgraph_type.name, field.requires)
                if field.provides:
                    used |= selected_fields(subgraph, named_type(field.type), field.provides)
        return used

    def is_subtype(self, sub: str, sup: str) -> bool:
        """Whether ``sub`` implements interface ``sup`` or is a member of union ``sup``."""
        seen: set[str] = set()
        todo = [sub]
        while todo:
            current = todo.pop()
            for parent in self.supertypes.get(current, ()):
                if parent == sup:
                    return True
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return False

    def error(self, code: str, message: str) -> None:
        self.errors.append(CompositionError(code, message))

    def common_directives(
        self, *, inaccessible: bool, tags: Sequence[str], deprecated: str | None = None
    ) -> list[str]:
        """``@deprecated``, ``@inaccessible`` and ``@tag`` applications, recording the links."""
        result: list[str] = []
        if deprecated is not None:
            reason = "" if deprecated == "No longer supported" else f"(reason: {quote(deprecated)})"
            result.append(f"@deprecated{reason}")
        if inaccessible:
            self.uses_inaccessible = True
            result.append("@inaccessible")
        for tag in dict.fromkeys(tags):
            self.uses_tag = True
            result.append(f"@tag(name: {quote(tag)})")
        return result

    def argument_directives(self, sources: Sequence[SubgraphArgument]) -> list[str]:
        return self.common_directives(
            inaccessible=any(a.inaccessible for a in sources),
            tags=[t for a in sources for t in a.tags],
            deprecated=next((a.deprecated for a in sources if a.deprecated), None),
        )

    @staticmethod
    def default_text(argument: SubgraphArgument) -> str | None:
        return print_ast(argument.default) if argument.default is not None else None


def merged_description(candidates: Sequence[tuple[str, str | None]]) -> str | None:
    """The description Apollo's composition gives a type or field: of the subgraphs'
    descriptions, the one most subgraphs give, a tie going to the first subgraph by name;
    an empty description only when there is no other."""
    counts: dict[str, int] = {}
    for _, text in sorted(candidates, key=lambda candidate: candidate[0]):
        if text is not None:
            counts[text] = counts.get(text, 0) + 1
    non_empty = {text: count for text, count in counts.items() if text}
    if not non_empty:
        return "" if counts else None
    return max(non_empty, key=non_empty.__getitem__)
