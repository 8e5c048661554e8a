"""Fetch groups, with their dependencies, become a plan tree of Apollo's node kinds.

Groups that wait on nothing run in parallel; a group follows, in the same
branch, the group it waits on when that is all it waits on; a group waiting on
groups of several branches runs after the whole parallel step. Mutation runs
(consecutive top-level fields of one subgraph) run one after another.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from graphql import (
    ArgumentNode,
    DirectiveNode,
    ListValueNode,
    ObjectValueNode,
    ValueNode,
    VariableNode,
    print_ast,
    strip_ignored_characters,
)

from gateway.planner.fetch_group import FetchGroup
from gateway.planner.field_conflicts import alias_conflicts
from gateway.planner.operation import Operation
from gateway.planner.plan import (
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    QueryPlan,
    SequenceNode,
)
from gateway.planner.selection import OutField, OutSet
from gateway.supergraph import Supergraph

__all__ = ["build_plan"]


def _variables_in_value(value: ValueNode) -> Iterator[str]:
    if isinstance(value, VariableNode):
        yield value.name.value
    elif isinstance(value, ListValueNode):
        for item in value.values:
            yield from _variables_in_value(item)
    elif isinstance(value, ObjectValueNode):
        for object_field in value.fields:
            yield from _variables_in_value(object_field.value)


def _variables_in_nodes(nodes: Sequence[ArgumentNode | DirectiveNode]) -> Iterator[str]:
    for node in nodes:
        if isinstance(node, DirectiveNode):
            yield from _variables_in_nodes(tuple(node.arguments or ()))
        else:
            yield from _variables_in_value(node.value)


def _variables(selections: OutSet) -> set[str]:
    names: set[str] = set()
    for item in selections:
        if not isinstance(item, OutField) and item.selections.empty_leaves():
            continue
        names.update(_variables_in_nodes(item.directives))
        if isinstance(item, OutField):
            names.update(_variables_in_nodes(item.arguments))
        if item.selections is not None:
            names |= _variables(item.selections)
    return names


class _Builder:
    def __init__(self, operation: Operation, supergraph: Supergraph, root_type: str) -> None:
        self.operation = operation
        self.supergraph = supergraph
        self.root_type = root_type
        self.fetches = 0
        self.scheduled: set[FetchGroup] = set()

    def fetch(self, group: FetchGroup) -> PlanNode:
        operation = self.operation
        output_rewrites = alias_conflicts(
            group.selections,
            parent_type=self.root_type,
            subgraph=group.subgraph,
            supergraph=self.supergraph,
        )
        used = _variables(group.selections)
        definitions = [d for d in operation.variable_definitions if d.variable.name.value in used]
        name = f" {operation.name}__{group.subgraph}__{self.fetches}" if operation.name else ""
        self.fetches += 1
        declared = [print_ast(d) for d in definitions]
        if group.is_entity:
            declared.insert(0, "$representations: [_Any!]!")
            body = (
                "{ _entities(representations: $representations) " + group.selections.text() + " }"
            )
            kind = "query"
        else:
            body = group.selections.text()
            kind = operation.kind
        head = kind + name + ("(" + ", ".join(declared) + ")" if declared else "")
        if head == "query":
            head = ""
        text = strip_ignored_characters(f"{head} {body}".strip())
        fetch = FetchNode(
            service_name=group.subgraph,
            operation=text,
            operation_kind=kind,  # type: ignore[arg-type]
            operation_name=name.strip() or None,
            variable_usages=tuple(d.variable.name.value for d in definitions),
            requires=tuple(group.requires_json()) if group.is_entity else None,
            input_rewrites=tuple(group.input_rewrites()) or None,
            output_rewrites=tuple(output_rewrites) or None,
        )
        if group.is_entity:
            return FlattenNode(path=group.path, node=fetch)
        return fetch

    def stage(
        self,
        ready: list[FetchGroup],
        done: frozenset[FetchGroup],
        children: dict[int, list[FetchGroup]],
    ) -> PlanNode:
        branches: list[PlanNode] = []
        for group in ready:
            local_done = done | {group}
            following = [
                c
                for c in children.get(group.index, ())
                if c not in self.scheduled and c.parents <= local_done
            ]
            self.scheduled.update(following)
            node = self.fetch(group)
            if following:
                rest = self.stage(following, local_done, children)
                node = _sequence([node, rest])
            branches.append(node)
        return branches[0] if len(branches) == 1 else ParallelNode(nodes=tuple(branches))

    def run(self, groups: list[FetchGroup]) -> PlanNode | None:
        children: dict[int, list[FetchGroup]] = {}
        for group in groups:
            for parent in sorted(group.parents, key=lambda g: g.index):
                children.setdefault(parent.index, []).append(group)
        nodes: list[PlanNode] = []
        done: frozenset[FetchGroup] = frozenset()
        while True:
            ready = [g for g in groups if g not in self.scheduled and g.parents <= done]
            if not ready:
                break
            self.scheduled.update(ready)
            before = set(self.scheduled)
            nodes.append(self.stage(ready, done, children))
            done = done | frozenset(self.scheduled) | frozenset(before)
        return _sequence(nodes) if nodes else None


def _sequence(nodes: list[PlanNode]) -> PlanNode:
    flat: list[PlanNode] = []
    for node in nodes:
        if isinstance(node, SequenceNode):
            flat.extend(node.nodes)
        else:
            flat.append(node)
    return flat[0] if len(flat) == 1 else SequenceNode(nodes=tuple(flat))


def build_plan(
    operation: Operation,
    runs: list[list[FetchGroup]],
    *,
    supergraph: Supergraph,
    root_type: str,
) -> QueryPlan:
    """The plan running the groups of each run, runs one after another."""
    builder = _Builder(operation, supergraph, root_type)
    nodes = [node for groups in runs if (node := builder.run(groups)) is not None]
    if not nodes:
        return QueryPlan(node=None)
    return QueryPlan(node=_sequence(nodes))
