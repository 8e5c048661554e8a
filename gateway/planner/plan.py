"""Query plan nodes, named as Apollo's so printed plans diff against theirs.

A plan is a tree: ``Sequence`` runs its children one after another, ``Parallel``
at once; a ``Fetch`` sends one operation to one subgraph; a ``Flatten`` runs its
``Fetch`` for every object found at ``path`` in the data gathered so far
(``@`` steps through a list), sending those objects as ``_entities``
representations built from the fetch's ``requires`` selections; a
``Condition`` picks a branch by a boolean variable (``@skip`` / ``@include``).

``to_json()`` gives the shape of Apollo's serialized query plans (``kind``,
``serviceName``, ``variableUsages``, ``operation``, ``requires`` ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "ConditionNode",
    "FetchNode",
    "FlattenNode",
    "ParallelNode",
    "PlanNode",
    "QueryPlan",
    "Selection",
    "SequenceNode",
]

Selection = dict[str, Any]
"""A selection of ``requires`` in Apollo's JSON form: ``{"kind": "Field", "name": ...,
"selections": [...]}`` (with ``"alias"`` when the value is fetched under one) or
``{"kind": "InlineFragment", "typeCondition": ..., "selections": [...]}``."""


@dataclass(frozen=True, kw_only=True)
class FetchNode:
    """One operation sent to one subgraph.

    Without ``requires`` it is a root fetch (``Query``/``Mutation`` fields).
    With ``requires`` it is an entity fetch: the operation takes
    ``$representations: [_Any!]!`` and selects ``_entities(representations:
    $representations) { ... on T { ... } }``; each representation is built
    from an object at the enclosing ``Flatten`` path by ``requires``.
    ``input_rewrites`` / ``output_rewrites`` follow Apollo's:

    * an object is sent only when its ``__typename`` satisfies one of the
      ``requires`` type conditions (equal to it, or a possible type of an
      abstract condition); ``Flatten`` paths carry no type conditions;
    * ``{"kind": "ValueSetter", "path": ["... on T", "__typename"], "setValueTo": "I"}``
      (input): the target subgraph knows ``T`` only as the ``@interfaceObject``
      ``I``, so representations of ``T`` objects are sent as ``I``;
    * ``{"kind": "KeyRenamer", "path": ["... on T", "price__alias_0"], "renameKeyTo":
      "price"}`` (input): a required field fetched under a planner alias (its
      plain name held another field) is renamed back in the representation;
      the alias also names it in ``requires`` (``"alias"`` next to ``"name"``);
    * ``KeyRenamer`` (output): a field the subgraph would reject as conflicting
      (same response key, different types in sibling fragments) is fetched as
      ``id__alias_0`` and renamed back before merging; its path starts at the
      fetch's data (a root field, or ``... on T`` of an entity).

    Objects from an ``@interfaceObject`` subgraph carry the interface's name as
    ``__typename``; plans fetch the real ``__typename`` from a subgraph that
    knows the implementations before anything depends on it.
    """

    service_name: str
    operation: str
    operation_kind: Literal["query", "mutation", "subscription"] = "query"
    operation_name: str | None = None
    variable_usages: tuple[str, ...] = ()
    requires: tuple[Selection, ...] | None = None
    input_rewrites: tuple[dict[str, Any], ...] | None = None
    output_rewrites: tuple[dict[str, Any], ...] | None = None
    id: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": "Fetch",
            "serviceName": self.service_name,
            "variableUsages": list(self.variable_usages),
            "operation": self.operation,
            "operationKind": self.operation_kind,
        }
        if self.operation_name is not None:
            data["operationName"] = self.operation_name
        if self.requires is not None:
            data["requires"] = list(self.requires)
        if self.input_rewrites:
            data["inputRewrites"] = list(self.input_rewrites)
        if self.output_rewrites:
            data["outputRewrites"] = list(self.output_rewrites)
        if self.id is not None:
            data["id"] = self.id
        return data


@dataclass(frozen=True, kw_only=True)
class FlattenNode:
    """Run ``node`` over every object at ``path`` (``@`` for each list item)."""

    path: tuple[str, ...]
    node: FetchNode

    def to_json(self) -> dict[str, Any]:
        return {"kind": "Flatten", "path": list(self.path), "node": self.node.to_json()}


@dataclass(frozen=True, kw_only=True)
class SequenceNode:
    nodes: tuple[PlanNode, ...]

    def to_json(self) -> dict[str, Any]:
        return {"kind": "Sequence", "nodes": [n.to_json() for n in self.nodes]}


@dataclass(frozen=True, kw_only=True)
class ParallelNode:
    nodes: tuple[PlanNode, ...]

    def to_json(self) -> dict[str, Any]:
        return {"kind": "Parallel", "nodes": [n.to_json() for n in self.nodes]}


@dataclass(frozen=True, kw_only=True)
class ConditionNode:
    """``if_clause`` when the boolean variable ``condition`` is true, else ``else_clause``."""

    condition: str
    if_clause: PlanNode | None = None
    else_clause: PlanNode | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": "Condition", "condition": self.condition}
        if self.if_clause is not None:
            data["ifClause"] = self.if_clause.to_json()
        if self.else_clause is not None:
            data["elseClause"] = self.else_clause.to_json()
        return data


PlanNode = FetchNode | FlattenNode | SequenceNode | ParallelNode | ConditionNode


@dataclass(frozen=True, kw_only=True)
class QueryPlan:
    """The plan of one operation; ``node`` is ``None`` when nothing needs fetching
    (an operation of only ``__typename`` or introspection)."""

    node: PlanNode | None = None
    extras: dict[str, Any] = field(default_factory=dict, compare=False)

    def pretty(self) -> str:
        """This plan in Apollo's pretty format (``prettyFormatQueryPlan``)."""
        from gateway.planner.pretty import pretty_format

        return pretty_format(self)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": "QueryPlan"}
        if self.node is not None:
            data["node"] = self.node.to_json()
        return data
