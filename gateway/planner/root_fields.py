"""Root fields: each goes to a subgraph resolving it (chosen by the cost estimate,
preferring one already fetched from). Mutation fields keep their order:
consecutive fields of one subgraph form one run, and runs execute in sequence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gateway.planner.errors import PlanningError
from gateway.planner.operation import Field, Fragment
from gateway.planner.walk_state import Position

if TYPE_CHECKING:
    from gateway.planner.fetch_group import FetchGroup
    from gateway.planner.operation import Selection
    from gateway.planner.walk import SelectionWalker
    from gateway.planner.walk_state import PlanRun

__all__ = ["mutation_runs", "walk_root"]

_INTROSPECTION = frozenset({"__schema", "__type"})


def mutation_runs(
    walker: SelectionWalker, root_type: str, selections: tuple[Selection, ...]
) -> list[tuple[str, tuple[Selection, ...]]]:
    """The mutation's root fields in order, grouped into runs of consecutive fields
    served by one subgraph: (subgraph, fields) per run."""
    runs: list[tuple[str, list[Selection]]] = []
    for selection in _root_fields(root_type, selections):
        subgraph = walker.costs.choose_root_subgraph(
            root_type, selection, preferred=runs[-1][0] if runs else None
        )
        if runs and runs[-1][0] == subgraph:
            runs[-1][1].append(selection)
        else:
            runs.append((subgraph, [selection]))
    return [(subgraph, tuple(fields)) for subgraph, fields in runs]


def _root_fields(root_type: str, selections: tuple[Selection, ...]) -> list[Selection]:
    """Top-level selections in order; unconditional root fragments are flattened."""
    result: list[Selection] = []
    for selection in selections:
        if isinstance(selection, Fragment) and not selection.directives:
            result.extend(_root_fields(root_type, selection.selections))
        elif isinstance(selection, Field) and (
            selection.name == "__typename" or selection.name in _INTROSPECTION
        ):
            continue
        else:
            result.append(selection)
    return result


def walk_root(
    walker: SelectionWalker,
    run: PlanRun,
    root_type: str,
    selections: tuple[Selection, ...],
    conditions: tuple[Fragment, ...],
    *,
    only: FetchGroup | None,
) -> None:
    """Place the root fields in ``selections`` (under ``conditions``): all in ``only``
    when given, otherwise each in the root group of the subgraph chosen for it."""
    for selection in _root_fields(root_type, selections):
        if isinstance(selection, Fragment):
            walk_root(
                walker, run, root_type, selection.selections, (*conditions, selection), only=only
            )
            continue
        if only is not None:
            group = only
        else:
            subgraph = walker.costs.choose_root_subgraph(
                root_type, selection, preferred=None, run=run
            )
            existing = run.roots.get(subgraph)
            if existing is None:
                existing = run.roots[subgraph] = run.new_group(subgraph, (), entity=False)
            group = existing
        out = group.selections
        for fragment in conditions:
            out = out.fragment(None, fragment.directives)
        pos = Position(
            group=group,
            path=(),
            out=out,
            base=group.selections,
            conditions=conditions,
            type_name=root_type,
            frags=conditions,
        )
        info = walker.fields.usable_field(root_type, selection.name, group.subgraph)
        if info is None:
            raise PlanningError(
                f"no subgraph resolves {root_type}.{selection.name}; recompose the supergraph"
            )
        walker.place(run, pos, root_type, selection, info, provided=None)
