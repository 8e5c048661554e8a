"""Planning ``node``/``nodes``: every node is always fetched from the subgraph owning it.

The ``_node`` subgraph is key-only (see ``key_only_subgraphs`` of
:class:`~gateway.planner.QueryPlanner`): a client's ``id`` comes from the owner,
not from ``_node``. A selection of only ``__typename`` would still need no
owner at all, so before planning, every ``node``/``nodes`` selection set at the
root of a query gets an ``id`` (aliased when the client uses the response key
``id`` for something else). The response is shaped from the client's own
document, so the added field never shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    NameNode,
    OperationDefinitionNode,
    OperationType,
    SelectionNode,
    SelectionSetNode,
)

from gateway.node.extension import NODE_SUBGRAPH
from gateway.planner import QueryPlanner
from gateway.planner.plan import QueryPlan
from gateway.supergraph import Supergraph

__all__ = ["PROBE_ALIAS", "NodeQueryPlanner", "add_node_probes"]

PROBE_ALIAS = "lmsNodeId__"
"""Response key of the added ``id`` when the client uses ``id`` for another field."""

_NODE_FIELDS = frozenset({"node", "nodes"})

N = TypeVar("N")


class NodeQueryPlanner(QueryPlanner):
    """The planner of a supergraph extended with ``_node`` (see :mod:`gateway.node`)."""

    def __init__(self, supergraph: Supergraph, *, override_labels: Iterable[str] = ()) -> None:
        super().__init__(
            supergraph, override_labels=override_labels, key_only_subgraphs=(NODE_SUBGRAPH,)
        )

    def plan(self, document: DocumentNode, operation_name: str | None = None) -> QueryPlan:
        return super().plan(add_node_probes(document), operation_name)


def add_node_probes(document: DocumentNode) -> DocumentNode:
    """``document`` with ``id`` selected in every root ``node``/``nodes`` field of its
    queries (root fragments included); ``document`` itself when nothing changes."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    at_root: set[str] = set()
    pending = [
        d.selection_set
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode) and d.operation is OperationType.QUERY
    ]
    while pending:
        for name in _root_spreads(pending.pop().selections):
            if name not in at_root and name in fragments:
                at_root.add(name)
                pending.append(fragments[name].selection_set)
    changed = False
    definitions = []
    for definition in document.definitions:
        if (
            isinstance(definition, OperationDefinitionNode)
            and definition.operation is OperationType.QUERY
        ) or (isinstance(definition, FragmentDefinitionNode) and definition.name.value in at_root):
            rewritten = _root(definition.selection_set)
            if rewritten is not definition.selection_set:
                changed = True
                definition = _copy(definition, selection_set=rewritten)
        definitions.append(definition)
    return DocumentNode(definitions=tuple(definitions)) if changed else document


def _root_spreads(selections: Iterable[SelectionNode]) -> Iterable[str]:
    for selection in selections:
        if isinstance(selection, FragmentSpreadNode):
            yield selection.name.value
        elif isinstance(selection, InlineFragmentNode):
            yield from _root_spreads(selection.selection_set.selections)


def _root(selection_set: SelectionSetNode) -> SelectionSetNode:
    selections: list[SelectionNode] = []
    changed = False
    for selection in selection_set.selections:
        if (
            isinstance(selection, FieldNode)
            and selection.name.value in _NODE_FIELDS
            and selection.selection_set is not None
        ):
            probed = _probed(selection.selection_set)
            if probed is not selection.selection_set:
                selection = _copy(selection, selection_set=probed)
                changed = True
        elif isinstance(selection, InlineFragmentNode):
            inner = _root(selection.selection_set)
            if inner is not selection.selection_set:
                selection = _copy(selection, selection_set=inner)
                changed = True
        selections.append(selection)
    return _copy(selection_set, selections=tuple(selections)) if changed else selection_set


def _probed(selection_set: SelectionSetNode) -> SelectionSetNode:
    """The node's selections, with ``id`` added unless selected already."""
    alias = None
    for selection in selection_set.selections:
        if not isinstance(selection, FieldNode):
            continue
        key = (selection.alias or selection.name).value
        if key == "id":
            if selection.name.value == "id" and not selection.directives:
                return selection_set
            alias = NameNode(value=PROBE_ALIAS)
    probe = FieldNode(name=NameNode(value="id"), alias=alias, arguments=(), directives=())
    return _copy(selection_set, selections=(*selection_set.selections, probe))


def _copy(node: N, **changes: object) -> N:
    values = {key: getattr(node, key) for key in node.keys}  # type: ignore[attr-defined]
    values.update(changes)
    return type(node)(**values)
