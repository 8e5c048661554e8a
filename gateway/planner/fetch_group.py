"""A fetch group: the part of a plan that becomes one subgraph fetch.

While the planner walks an operation it fills groups: a root group per
subgraph (per run of mutation fields), and entity groups keyed by subgraph and
merge path. A group knows the groups whose results it needs (``parents``),
the representation it sends (``requires``) and the selections it asks for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gateway.planner.operation import Field, Fragment, Selection
from gateway.planner.selection import OutSet

__all__ = ["FetchGroup", "RequiresPart"]


@dataclass(frozen=True, slots=True)
class RequiresPart:
    """Selections a representation must carry for objects of ``type_condition``.

    ``renames`` maps a path inside the selections (response keys) to the alias the
    value was fetched under, when the plain name was taken by another field.
    """

    type_condition: str
    selections: tuple[Selection, ...]
    renames: tuple[tuple[tuple[str, ...], str], ...] = ()


def _signature(selection: Selection) -> str:
    if isinstance(selection, Fragment):
        inner = " ".join(_signature(s) for s in selection.selections)
        return f"...{selection.type_condition or ''}{{{inner}}}"
    text = selection.signature
    if selection.selections is not None:
        text += "{" + " ".join(_signature(s) for s in selection.selections) + "}"
    return text


@dataclass(eq=False)
class FetchGroup:
    """One future fetch."""

    index: int
    subgraph: str
    path: tuple[str, ...]
    is_entity: bool
    selections: OutSet = field(default_factory=OutSet)
    parents: set[FetchGroup] = field(default_factory=set)
    requires: list[RequiresPart] = field(default_factory=list)
    type_rewrites: dict[str, str] = field(default_factory=dict)
    """Representation type condition -> ``__typename`` the subgraph expects
    (an ``@interfaceObject``)."""
    _requires_keys: dict[tuple[str, str], str] = field(default_factory=dict)

    def __hash__(self) -> int:
        return self.index

    def is_ancestor_of(self, other: FetchGroup) -> bool:
        """Whether ``other`` (transitively) waits for this group."""
        stack = [other]
        seen: set[int] = set()
        while stack:
            current = stack.pop()
            if current is self:
                return True
            if current.index in seen:
                continue
            seen.add(current.index)
            stack.extend(current.parents)
        return False

    def accepts(self, part: RequiresPart) -> bool:
        """Whether ``part`` fits this group's representations without a clash."""
        for selection in part.selections:
            if isinstance(selection, Field):
                key = (part.type_condition, selection.name)
                known = self._requires_keys.get(key)
                if known is not None and known != _signature(selection):
                    return False
        return True

    def add_requires(self, part: RequiresPart) -> None:
        for selection in part.selections:
            if isinstance(selection, Field):
                self._requires_keys[(part.type_condition, selection.name)] = _signature(selection)
        self.requires.append(part)

    def requires_json(self) -> list[dict[str, Any]]:
        """The representation selections, in Apollo's JSON form."""
        out = OutSet()
        for part in self.requires:
            target = out.fragment(part.type_condition)
            renames = dict(part.renames)
            _copy(target, part.selections, renames, ())
        return out.to_json()

    def input_rewrites(self) -> list[dict[str, Any]]:
        rewrites: list[dict[str, Any]] = []
        for type_condition, typename in self.type_rewrites.items():
            rewrites.append(
                {
                    "kind": "ValueSetter",
                    "path": [f"... on {type_condition}", "__typename"],
                    "setValueTo": typename,
                }
            )
        seen: set[tuple[str, ...]] = set()
        for part in self.requires:
            for path, alias in part.renames:
                full = (f"... on {part.type_condition}", *path[:-1], alias)
                if full in seen:
                    continue
                seen.add(full)
                rewrites.append({"kind": "KeyRenamer", "path": list(full), "renameKeyTo": path[-1]})
        return rewrites


def _copy(
    out: OutSet,
    selections: tuple[Selection, ...],
    renames: dict[tuple[str, ...], str],
    path: tuple[str, ...],
) -> None:
    for selection in selections:
        if isinstance(selection, Fragment):
            _copy(out.fragment(selection.type_condition), selection.selections, renames, path)
            continue
        here = (*path, selection.name)
        alias = renames.get(here)
        target = out.field(
            selection.name,
            alias=alias,
            arguments=selection.arguments,
            leaf=selection.selections is None,
        )
        if target is None:
            continue
        if target.selections is not None and selection.selections is not None:
            _copy(target.selections, selection.selections, renames, here)
