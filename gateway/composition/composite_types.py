"""Merging object and interface types: keys, fields, sharing, overrides and externals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gateway.composition.arguments import merge_arguments
from gateway.composition.context import MergeContext, merged_description, quote, subgraph_list
from gateway.composition.model import SubgraphField, SubgraphType
from gateway.composition.supergraph_model import MergedField, MergedType
from gateway.composition.type_references import merge_type_references, print_type

__all__ = ["merge_composite_type"]


@dataclass
class _Source:
    subgraph: str
    field: SubgraphField
    removed: bool = False
    used_overridden: bool = False
    override_label: str | None = None


def _join_types(context: MergeContext, sources: Sequence[tuple[str, SubgraphType]]) -> list[str]:
    result: list[str] = []
    for subgraph, subgraph_type in sources:
        graph = context.graph[subgraph]
        extras = ""
        if subgraph_type.extension and subgraph_type.name not in (
            "Query",
            "Mutation",
            "Subscription",
        ):
            extras += ", extension: true"
        if subgraph_type.interface_object:
            extras += ", isInterfaceObject: true"
        if not subgraph_type.keys:
            result.append(f"@join__type(graph: {graph}{extras})")
        for key in subgraph_type.keys:
            resolvable = "" if key.resolvable else ", resolvable: false"
            result.append(
                f"@join__type(graph: {graph}, key: {quote(key.fields)}{extras}{resolvable})"
            )
    return result


def merge_composite_type(
    context: MergeContext,
    name: str,
    kind: str,
    sources: Sequence[tuple[str, SubgraphType]],
) -> MergedType:
    """The supergraph type ``name`` (``object`` or ``interface``) from its ``sources``."""
    all_inaccessible = [t for _, t in sources]
    merged = MergedType(
        name=name,
        kind=kind,
        description=merged_description([(s, t.description) for s, t in sources]),
    )
    merged.directives = _join_types(context, sources)
    for subgraph, subgraph_type in sources:
        for interface in subgraph_type.interfaces:
            merged.directives.append(
                f"@join__implements(graph: {context.graph[subgraph]}, "
                f"interface: {quote(interface)})"
            )
            if interface not in merged.interfaces:
                merged.interfaces.append(interface)
    merged.directives = _sorted_join(merged.directives)
    merged.directives += context.common_directives(
        inaccessible=any(t.inaccessible for t in all_inaccessible),
        tags=[tag for t in all_inaccessible for tag in t.tags],
    )
    type_graphs = [s for s, _ in sources]
    field_names = list(dict.fromkeys(f for _, t in sources for f in t.fields))
    for field_name in field_names:
        field_sources = [
            _Source(s, t.fields[field_name]) for s, t in sources if field_name in t.fields
        ]
        field = _merge_field(context, name, kind, field_name, field_sources, type_graphs)
        if field is not None:
            merged.fields.append(field)
    return merged


def _sorted_join(directives: list[str]) -> list[str]:
    order = {"@join__implements": 0, "@join__type": 1}
    return sorted(directives, key=lambda d: order.get(d.split("(")[0], 2))


def _apply_overrides(
    context: MergeContext, type_name: str, field_name: str, sources: list[_Source]
) -> None:
    by_graph = {s.subgraph: s for s in sources}
    for source in sources:
        origin = source.field.override
        if origin is None:
            continue
        if origin == source.subgraph:
            context.error(
                "OVERRIDE_FROM_SELF_ERROR",
                f'Source and destination subgraphs "{origin}" are the same for overridden '
                f'field "{type_name}.{field_name}"; remove the @override or name the subgraph '
                "the field moves from",
            )
            continue
        overridden = by_graph.get(origin)
        if overridden is None or overridden.field.external:
            continue
        if overridden.field.override is not None:
            context.error(
                "OVERRIDE_SOURCE_HAS_OVERRIDE",
                f'Field "{type_name}.{field_name}" on subgraph "{source.subgraph}" is also '
                f'marked with directive @override in subgraph "{origin}"; only one @override '
                "may apply to a field",
            )
            continue
        if source.field.override_label is not None:
            overridden.override_label = source.field.override_label
        elif (type_name, field_name) in context.used[origin] or _implements_interface_field(
            context, origin, type_name, field_name
        ):
            overridden.used_overridden = True
        else:
            overridden.removed = True


def _implements_interface_field(
    context: MergeContext, subgraph: str, type_name: str, field_name: str
) -> bool:
    """Whether, in ``subgraph``, object type ``type_name`` needs ``field_name`` for an
    interface it implements. Apollo counts such a field as used: overridden, it stays
    in that subgraph (``usedOverridden``) so the subgraph still implements the interface."""
    model = context.by_name[subgraph]
    subgraph_type = model.types.get(type_name)
    if subgraph_type is None or subgraph_type.kind != "object":
        return False
    return any(
        field_name in interface.fields
        for interface in (model.types.get(name) for name in subgraph_type.interfaces)
        if interface is not None
    )


def _merge_field(
    context: MergeContext,
    type_name: str,
    kind: str,
    field_name: str,
    all_sources: list[_Source],
    type_graphs: list[str],
) -> MergedField | None:
    path = f"{type_name}.{field_name}"
    _apply_overrides(context, type_name, field_name, all_sources)
    sources = [s for s in all_sources if not s.removed]
    if all(s.field.external for s in sources):
        context.error(
            "EXTERNAL_MISSING_ON_BASE",
            f'Field "{path}" is marked @external on all the subgraphs in which it is listed '
            f"({subgraph_list([s.subgraph for s in sources])}); define it without @external "
            "in the subgraph that resolves it",
        )
        return None
    if kind == "object":
        _check_sharing(context, type_name, field_name, sources)
    merged_type = merge_type_references(
        [s.field.type for s in sources], output=True, is_subtype=context.is_subtype
    )
    if merged_type is None:
        detail = " but ".join(
            f'type "{print_type(s.field.type)}" in subgraph "{s.subgraph}"' for s in sources[:2]
        )
        context.error(
            "FIELD_TYPE_MISMATCH",
            f'Type of field "{path}" is incompatible across subgraphs: it has {detail}; '
            "use one type (or compatible nullability) everywhere",
        )
        return None
    type_text = print_type(merged_type)
    resolving = [s for s in sources if not s.field.external] or sources
    arguments = merge_arguments(
        context,
        [(s.subgraph, s.field.arguments) for s in resolving],
        owner=path,
        input_type=False,
    )
    joins: list[str] = []
    special = False
    types_differ = any(print_type(s.field.type) != type_text for s in sources)
    for source in sources:
        parts = [f"graph: {context.graph[source.subgraph]}"]
        field = source.field
        if field.requires:
            parts.append(f"requires: {quote(field.requires)}")
        if field.provides:
            parts.append(f"provides: {quote(field.provides)}")
        if types_differ:
            parts.append(f"type: {quote(print_type(field.type))}")
        if field.external:
            parts.append("external: true")
        if field.override:
            parts.append(f"override: {quote(field.override)}")
        if source.used_overridden:
            parts.append("usedOverridden: true")
        label = field.override_label if field.override else source.override_label
        if label is not None:
            parts.append(f"overrideLabel: {quote(label)}")
        # An @override alone does not call for @join__field: Apollo prints none when the
        # subgraph it names does not exist and every other source is plain.
        special = special or len(parts) > 1 + bool(field.override)
        joins.append(f"@join__field({', '.join(parts)})")
    if not special and sorted(s.subgraph for s in sources) == sorted(type_graphs):
        joins = []
    fields = [s.field for s in sources]
    return MergedField(
        name=field_name,
        type=type_text,
        arguments=arguments,
        # Apollo takes the description from every subgraph that resolves the field,
        # those it was overridden from included; never from an @external copy.
        description=merged_description(
            [(s.subgraph, s.field.description) for s in all_sources if not s.field.external]
        ),
        directives=context.common_directives(
            inaccessible=any(f.inaccessible for f in fields),
            tags=[t for f in fields for t in f.tags],
            deprecated=next((f.deprecated for f in fields if f.deprecated), None),
        )
        + joins,
    )


def _check_sharing(
    context: MergeContext, type_name: str, field_name: str, sources: list[_Source]
) -> None:
    resolving = [
        s
        for s in sources
        if not s.field.external
        and not s.used_overridden
        and s.override_label is None
        and not (s.field.override and s.field.override_label)
    ]
    if len(resolving) < 2:
        return
    unshared = [
        s.subgraph
        for s in resolving
        if context.by_name[s.subgraph].federation2
        and not s.field.shareable
        and (type_name, field_name) not in context.keyed[s.subgraph]
    ]
    if not unshared:
        return
    where = "all of them" if len(unshared) == len(resolving) else subgraph_list(unshared)
    context.error(
        "INVALID_FIELD_SHARING",
        f'Non-shareable field "{type_name}.{field_name}" is resolved from multiple subgraphs: '
        f"it is resolved from {subgraph_list([s.subgraph for s in resolving])} and defined as "
        f"non-shareable in {where}; mark it @shareable in every subgraph that resolves it, or "
        "@external where another subgraph resolves it",
    )
