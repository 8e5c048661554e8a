"""Composition: Federation v2 subgraph SDLs in, a supergraph (join v0.5) or errors out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from gateway.composition.carried_directives import carry_directives
from gateway.composition.composite_types import merge_composite_type
from gateway.composition.context import MergeContext, subgraph_list
from gateway.composition.errors import CompositionError
from gateway.composition.field_sets import check_field_set, named_type
from gateway.composition.leaf_types import merge_leaf_type
from gateway.composition.model import SubgraphModel, SubgraphType
from gateway.composition.printer import print_supergraph
from gateway.composition.satisfiability import check_satisfiability
from gateway.composition.subgraph import read_subgraph
from gateway.composition.supergraph_model import MergedField, MergedType

__all__ = ["CompositionResult", "SubgraphSource", "compose"]

_KIND_NAMES = {
    "object": "Object Type",
    "interface": "Interface Type",
    "union": "Union Type",
    "enum": "Enum Type",
    "input": "Input Object Type",
    "scalar": "Scalar Type",
}


@dataclass(frozen=True, kw_only=True)
class SubgraphSource:
    """A subgraph to compose: its name, the URL the gateway will call, its SDL."""

    name: str
    url: str
    sdl: str


@dataclass(frozen=True)
class CompositionResult:
    """The supergraph SDL, or ``None`` with the errors that prevented it."""

    supergraph_sdl: str | None
    errors: list[CompositionError] = field(default_factory=list)


def _validate_field_sets(subgraph: SubgraphModel) -> list[CompositionError]:
    errors: list[CompositionError] = []
    for subgraph_type in subgraph.types.values():
        for key in subgraph_type.keys:
            errors += check_field_set(
                subgraph,
                subgraph_type.name,
                key.fields,
                directive="key",
                origin=f'On type "{subgraph_type.name}"',
            )
        for field_def in subgraph_type.fields.values():
            origin = f'On field "{subgraph_type.name}.{field_def.name}"'
            if field_def.requires:
                errors += check_field_set(
                    subgraph,
                    subgraph_type.name,
                    field_def.requires,
                    directive="requires",
                    origin=origin,
                )
            if field_def.provides:
                target = subgraph.types.get(named_type(field_def.type))
                if target is None or target.kind not in ("object", "interface", "union"):
                    errors.append(
                        CompositionError(
                            "PROVIDES_ON_NON_OBJECT_FIELD",
                            f"[{subgraph.name}] {origin}: Invalid @provides directive on field "
                            f'"{subgraph_type.name}.{field_def.name}": field has type '
                            f'"{named_type(field_def.type)}" which is not a Composite Type; '
                            "remove the @provides",
                        )
                    )
                else:
                    errors += check_field_set(
                        subgraph,
                        target.name,
                        field_def.provides,
                        directive="provides",
                        origin=origin,
                    )
    return errors


def _kind(context: MergeContext, name: str, sources: list[tuple[str, SubgraphType]]) -> str | None:
    kinds = {t.kind for _, t in sources}
    interface_objects = [s for s, t in sources if t.interface_object]
    if interface_objects:
        if "interface" not in kinds:
            context.error(
                "INTERFACE_OBJECT_USAGE_ERROR",
                f'Type "{name}" is declared with @interfaceObject in '
                f"{subgraph_list(interface_objects)} but is not an interface in any subgraph; "
                "define it as an interface (with the same @key) in the subgraph that owns it",
            )
            return None
        kinds.discard("object")
    if len(kinds) == 1:
        return kinds.pop()
    detail = " but ".join(
        f'{_KIND_NAMES[t.kind]} in subgraph "{s}"' for s, t in sources if not t.interface_object
    )
    context.error(
        "TYPE_KIND_MISMATCH",
        f'Type "{name}" has mismatched kind: it is defined as {detail}; give it one kind '
        "everywhere or rename it in some subgraphs",
    )
    return None


def _enum_usages(subgraphs: Sequence[SubgraphModel]) -> dict[str, tuple[str | None, str | None]]:
    usages: dict[str, tuple[str | None, str | None]] = {}

    def note(type_name: str, where: str, *, as_input: bool) -> None:
        current = usages.get(type_name, (None, None))
        if as_input and current[0] is None:
            usages[type_name] = (where, current[1])
        elif not as_input and current[1] is None:
            usages[type_name] = (current[0], where)

    for subgraph in subgraphs:
        for subgraph_type in subgraph.types.values():
            for field_def in subgraph_type.fields.values():
                path = f"{subgraph_type.name}.{field_def.name}"
                note(named_type(field_def.type), path, as_input=False)
                for argument in field_def.arguments.values():
                    note(named_type(argument.type), f"{path}({argument.name}:)", as_input=True)
            for argument in subgraph_type.input_fields.values():
                path = f"{subgraph_type.name}.{argument.name}"
                note(named_type(argument.type), path, as_input=True)
    return usages


def _add_interface_object_fields(
    merged: dict[str, MergedType], sources: dict[str, list[tuple[str, SubgraphType]]]
) -> None:
    """Fields an ``@interfaceObject`` adds to an interface reach its implementations too."""
    for name, type_sources in sources.items():
        if name not in merged or merged[name].kind != "interface":
            continue
        added = {f for _, t in type_sources if t.interface_object for f in t.fields}
        if not added:
            continue
        for implementation in merged.values():
            if name not in implementation.interfaces:
                continue
            present = {f.name for f in implementation.fields}
            for interface_field in merged[name].fields:
                if interface_field.name in added and interface_field.name not in present:
                    implementation.fields.append(
                        MergedField(
                            name=interface_field.name,
                            type=interface_field.type,
                            arguments=interface_field.arguments,
                            description=interface_field.description,
                            directives=[
                                d
                                for d in interface_field.directives
                                if not d.startswith("@join__field")
                            ]
                            + ["@join__field"],
                        )
                    )


def compose(subgraphs: Sequence[SubgraphSource]) -> CompositionResult:
    """Compose ``subgraphs`` into a supergraph, or say why they do not compose."""
    errors: list[CompositionError] = []
    models: list[SubgraphModel] = []
    seen: set[str] = set()
    for source in subgraphs:
        if source.name in seen:
            errors.append(
                CompositionError(
                    "INVALID_GRAPHQL",
                    f'two subgraphs are named "{source.name}"; give each subgraph its own name',
                )
            )
            continue
        seen.add(source.name)
        model, read_errors = read_subgraph(name=source.name, url=source.url, sdl=source.sdl)
        errors += read_errors
        if model is not None:
            errors += _validate_field_sets(model)
            models.append(model)
    if errors:
        return CompositionResult(None, errors)
    if not models:
        return CompositionResult(
            None, [CompositionError("INVALID_GRAPHQL", "no subgraph to compose; name at least one")]
        )
    context = MergeContext(models)
    by_type: dict[str, list[tuple[str, SubgraphType]]] = {}
    for model in models:
        for subgraph_type in model.types.values():
            by_type.setdefault(subgraph_type.name, []).append((model.name, subgraph_type))
    usages = _enum_usages(models)
    merged: dict[str, MergedType] = {}
    for name, sources in by_type.items():
        kind = _kind(context, name, sources)
        if kind is None:
            continue
        result: MergedType | None
        if kind in ("object", "interface"):
            result = merge_composite_type(context, name, kind, sources)
        else:
            result = merge_leaf_type(
                context, name, kind, sources, enum_usage=usages.get(name, (None, None))
            )
        if result is not None:
            merged[name] = result
    _add_interface_object_fields(merged, by_type)
    carried = carry_directives(context, models, merged)
    if context.errors:
        return CompositionResult(None, context.errors)
    supergraph_sdl = print_supergraph(context, list(merged.values()), carried)
    unsatisfiable = check_satisfiability(supergraph_sdl)
    if unsatisfiable:
        return CompositionResult(None, unsatisfiable)
    return CompositionResult(supergraph_sdl)
