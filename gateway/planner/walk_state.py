"""The state of one walk over an operation: the fetch groups being built
(:class:`PlanRun`) and where selections are being placed (:class:`Position`)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gateway.planner.fetch_group import FetchGroup

if TYPE_CHECKING:
    from gateway.planner.operation import Field, Fragment, Selection
    from gateway.planner.selection import OutSet

__all__ = ["PlanRun", "Position"]


@dataclass(frozen=True, slots=True)
class Position:
    """Where selections on one object (or list of objects) are being placed."""

    group: FetchGroup
    path: tuple[str, ...]
    out: OutSet
    """Where the selections go (inside any conditional fragments)."""
    base: OutSet
    """The object's own selection set, outside conditional fragments: keys go here."""
    provided: tuple[Selection, ...] | None = None
    conditions: tuple[Fragment, ...] = ()
    """Conditional fragments (``@include``/``@skip``) between ``base`` and ``out``."""
    rel: tuple[str, ...] | None = None
    """Inside a key or ``@requires`` selection: the path within it (for aliases)."""
    renames: list[tuple[tuple[str, ...], str]] | None = None
    avoid: frozenset[tuple[str, str]] = frozenset()
    """(type, subgraph) jumps already being made further up: never loop."""
    type_name: str = ""
    """The type of the objects here, narrowed by the fragments crossed (``frags``)."""
    parent: Position | None = None
    """The position of the object holding this one (``None`` at the root)."""
    via: Field | None = None
    """The field of ``parent`` leading here."""
    frags: tuple[Fragment, ...] = ()
    """Fragments crossed inside this object so far."""
    possible: frozenset[str] | None = None
    """For an abstract type: the only object types the field here can return."""
    depth: int = 0
    """How many ``@requires`` are being resolved for this position (loop guard)."""
    serving: frozenset[str] | None = None
    """The subgraphs that could serve the object here (``None``: any)."""
    known: frozenset[str] = frozenset()
    """Keys (field sets) already in the data here: the group was entered by them."""


@dataclass
class PlanRun:
    """The groups of one plan (or of one run of mutation fields)."""

    counter: itertools.count[int]
    groups: list[FetchGroup] = field(default_factory=list)
    roots: dict[str, FetchGroup] = field(default_factory=dict)
    by_path: dict[tuple[str, tuple[str, ...]], list[FetchGroup]] = field(default_factory=dict)
    mutation: bool = False
    aliases: itertools.count[int] = field(default_factory=itertools.count)

    def new_group(self, subgraph: str, path: tuple[str, ...], *, entity: bool) -> FetchGroup:
        group = FetchGroup(index=next(self.counter), subgraph=subgraph, path=path, is_entity=entity)
        self.groups.append(group)
        if entity:
            self.by_path.setdefault((subgraph, path), []).append(group)
        return group
