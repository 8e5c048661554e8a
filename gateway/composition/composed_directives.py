"""``@composeDirective``: which custom directives reach the supergraph, and under which link.

A subgraph keeps one of its own directives in the supergraph by linking the
spec defining it (``@link(url: "https://myspecs.dev/myDirective/v1.0", import:
["@myDirective"])``) and naming it in ``@composeDirective(name: "@myDirective")``.
As Apollo's composition does, the supergraph links the newest version of that
spec any composing subgraph links, takes the directive's definition from a
subgraph linking that version, and refuses (``DIRECTIVE_COMPOSITION_ERROR``) a
directive that is not defined, not part of a linked spec, a federation
directive, named differently or linked by different specs or major versions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from graphql import DirectiveDefinitionNode

from gateway.composition.context import MergeContext, subgraph_list
from gateway.composition.model import SubgraphLink, SubgraphModel

__all__ = ["ComposedDirectives", "composed_directives"]

_FEDERATION_IDENTITIES = frozenset(
    f"https://specs.apollo.dev/{name}"
    for name in (
        "core",
        "join",
        "link",
        "tag",
        "inaccessible",
        "federation",
        "authenticated",
        "requiresScopes",
        "source",
        "context",
        "cost",
    )
)
_COMPOSED_BY_DEFAULT = frozenset(
    {"tag", "inaccessible", "authenticated", "requiresScopes", "policy", "context"}
)


@dataclass(frozen=True, kw_only=True)
class _Item:
    subgraph: str
    link: SubgraphLink
    original: str
    """The directive's name in its spec (no ``@``)."""
    local: str
    """Its name in the subgraph and the supergraph (no ``@``)."""


@dataclass(kw_only=True)
class ComposedDirectives:
    """The custom directives composition keeps, per subgraph, with their links and
    definitions."""

    by_subgraph: dict[str, set[str]] = field(default_factory=dict)
    """Subgraph -> local names of the directives it composes."""
    links: list[str] = field(default_factory=list)
    """The supergraph's ``@link`` applications for the composed specs."""
    definitions: dict[str, DirectiveDefinitionNode] = field(default_factory=dict)
    """Local name -> the definition printed in the supergraph."""

    def composes(self, subgraph: str, name: str) -> bool:
        """Whether ``subgraph`` composes its directive ``name``."""
        return name in self.by_subgraph.get(subgraph, ())


def _source_link(subgraph: SubgraphModel, local: str) -> tuple[SubgraphLink, str] | None:
    """The linked spec the subgraph's directive ``local`` comes from, and its name there."""
    for link in subgraph.links:
        for element, alias in link.imports.items():
            if alias == "@" + local and element.startswith("@"):
                return link, element[1:]
        if local == link.prefix:
            return link, link.name
        if local.startswith(link.prefix + "__"):
            return link, local[len(link.prefix) + 2 :]
    return None


def _federation_directive(
    context: MergeContext, subgraph: str, raw: str, federation_name: str
) -> None:
    if federation_name not in _COMPOSED_BY_DEFAULT:
        context.error(
            "DIRECTIVE_COMPOSITION_ERROR",
            f'Composing federation directive "{raw}" in subgraph "{subgraph}" is not '
            "supported; remove that @composeDirective (federation directives compose by "
            "themselves or not at all)",
        )


def _items(context: MergeContext, subgraphs: Sequence[SubgraphModel]) -> list[_Item]:
    items: list[_Item] = []
    for subgraph in subgraphs:
        for raw in subgraph.compose_directives:
            where = f'in subgraph "{subgraph.name}"'
            if not raw:
                context.error(
                    "DIRECTIVE_COMPOSITION_ERROR",
                    f"Argument to @composeDirective {where} cannot be NULL or an empty String; "
                    'name the directive to compose, as in @composeDirective(name: "@myDirective")',
                )
                continue
            if not raw.startswith("@"):
                context.error(
                    "DIRECTIVE_COMPOSITION_ERROR",
                    f'Argument to @composeDirective "{raw}" {where} must have a leading "@"; '
                    f'write @composeDirective(name: "@{raw}")',
                )
                continue
            local = raw[1:]
            if local in subgraph.federation_directives:
                federation_name = subgraph.federation_directives[local]
                _federation_directive(context, subgraph.name, raw, federation_name)
                continue
            if local not in subgraph.directive_definitions:
                context.error(
                    "DIRECTIVE_COMPOSITION_ERROR",
                    f"Could not find matching directive definition for argument to "
                    f'@composeDirective "{raw}" {where}; define the directive in the subgraph',
                )
                continue
            source = _source_link(subgraph, local)
            if source is None:
                context.error(
                    "DIRECTIVE_COMPOSITION_ERROR",
                    f'Directive "{raw}" {where} cannot be composed because it is not a member '
                    "of a core feature; @link the spec that defines it and import it from there",
                )
                continue
            link, original = source
            if link.identity in _FEDERATION_IDENTITIES:
                _federation_directive(context, subgraph.name, raw, original)
                continue
            items.append(_Item(subgraph=subgraph.name, link=link, original=original, local=local))
    return items


def _latest_links(
    context: MergeContext,
    subgraphs: Sequence[SubgraphModel],
    items: list[_Item],
) -> dict[str, tuple[SubgraphLink, list[str]]]:
    """Per composed spec identity: the link version the supergraph uses and the subgraphs
    linking that very version (newest last, as Apollo looks them up)."""
    result: dict[str, tuple[SubgraphLink, list[str]]] = {}
    composing: dict[str, set[str]] = {}
    for item in items:
        composing.setdefault(item.link.identity, set()).add(item.subgraph)
    for identity, users in composing.items():
        linked = [
            (s.name, link) for s in subgraphs for link in s.links if link.identity == identity
        ]
        majors = {link.major for name, link in linked if name in users}
        if len(majors) > 1:
            context.error(
                "DIRECTIVE_COMPOSITION_ERROR",
                f'Core feature "{identity}" requested to be merged has major version mismatch '
                "across subgraphs; link the same major version of it in every subgraph",
            )
            continue
        candidates = [link for name, link in linked if name in users]
        latest = max(candidates, key=lambda link: link.minor)
        same = [
            name
            for name, link in linked
            if (link.major, link.minor) == (latest.major, latest.minor)
        ]
        result[identity] = (latest, list(reversed(same)))
    return result


def _check_names(context: MergeContext, items: list[_Item]) -> set[str]:
    """Report inconsistently composed directives; their local names, not to be merged."""
    refused: set[str] = set()
    by_local: dict[str, list[_Item]] = {}
    by_original: dict[tuple[str, str], list[_Item]] = {}
    for item in items:
        by_local.setdefault(item.local, []).append(item)
        by_original.setdefault((item.link.identity, item.original), []).append(item)
    for local, group in by_local.items():
        if len({i.original for i in group}) > 1:
            refused.add(local)
            context.error(
                "DIRECTIVE_COMPOSITION_ERROR",
                f'Composed directive "@{local}" does not refer to the same directive in every '
                f"subgraph ({subgraph_list([i.subgraph for i in group])}); import the same "
                "directive under that name everywhere",
            )
        if len({i.link.identity for i in group}) > 1:
            refused.add(local)
            context.error(
                "DIRECTIVE_COMPOSITION_ERROR",
                f'Composed directive "@{local}" is not linked by the same core feature in every '
                f"subgraph ({subgraph_list([i.subgraph for i in group])}); link one spec for it",
            )
    for (_, original), group in by_original.items():
        if len({i.local for i in group}) > 1:
            refused.update(i.local for i in group)
            detail = " and ".join(f'"@{i.local}" in subgraph "{i.subgraph}"' for i in group)
            context.error(
                "DIRECTIVE_COMPOSITION_ERROR",
                f'Composed directive is not named consistently in all subgraphs: "@{original}" '
                f"is imported as {detail}; import it under one name everywhere",
            )
    return refused


def _link_text(link: SubgraphLink, directives: dict[str, str]) -> str:
    imports = [
        f'"@{local}"' if local == original else f'{{name: "@{original}", as: "@{local}"}}'
        for local, original in directives.items()
    ]
    return f'@link(url: "{link.url}", import: [{", ".join(imports)}])'


def composed_directives(
    context: MergeContext, subgraphs: Sequence[SubgraphModel]
) -> ComposedDirectives:
    """Validate every ``@composeDirective`` of ``subgraphs``; what the supergraph keeps."""
    result = ComposedDirectives()
    items = _items(context, subgraphs)
    latest = _latest_links(context, subgraphs, items)
    refused = _check_names(context, items)
    by_name = {s.name: s for s in subgraphs}
    per_feature: dict[str, dict[str, str]] = {}
    for item in items:
        per_feature.setdefault(item.link.identity, {}).setdefault(item.local, item.original)
        if item.link.identity in latest and item.local not in refused:
            result.by_subgraph.setdefault(item.subgraph, set()).add(item.local)
    for identity, (link, users) in latest.items():
        result.links.append(_link_text(link, per_feature[identity]))
        for local in per_feature[identity]:
            if local in refused:
                continue
            definition = next(
                (
                    by_name[u].directive_definitions[local]
                    for u in users
                    if local in by_name[u].directive_definitions
                ),
                None,
            )
            if definition is None:
                context.error(
                    "DIRECTIVE_COMPOSITION_ERROR",
                    f'Core feature "{link.url}" in {subgraph_list(users)} does not have a '
                    f'directive definition for "@{local}"; define it in those subgraphs',
                )
                continue
            result.definitions[local] = definition
    return result
