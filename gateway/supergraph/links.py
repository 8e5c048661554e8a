"""The ``@link`` machinery of a supergraph: which features it links, under which names.

A supergraph declares its features on the schema definition, for example
``@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)``. Each
feature's elements are named ``prefix__element`` where the prefix is the
feature's name or its ``as:`` rename; the feature's own directive (``@tag`` for
the tag feature) is ``@prefix``; ``import:`` brings elements in unprefixed or
under another name. :class:`LinkedFeatures` answers "what is this feature's
directive called here" and "does this schema element belong to a feature".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    EnumValueNode,
    ListValueNode,
    ObjectValueNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    ValueNode,
)

from gateway.supergraph.errors import SupergraphError

__all__ = [
    "SUPPORTED_JOIN_VERSIONS",
    "SUPPORTED_PURPOSEFUL_FEATURES",
    "Feature",
    "LinkedFeatures",
    "boolean_argument",
    "string_argument",
]

SUPPORTED_JOIN_VERSIONS = ("0.2", "0.3", "0.4", "0.5")

SUPPORTED_PURPOSEFUL_FEATURES = frozenset(
    {
        *(f"https://specs.apollo.dev/join/v{v}" for v in SUPPORTED_JOIN_VERSIONS),
        "https://specs.apollo.dev/inaccessible/v0.1",
        "https://specs.apollo.dev/inaccessible/v0.2",
        "https://specs.apollo.dev/authenticated/v0.1",
        "https://specs.apollo.dev/requiresScopes/v0.1",
        "https://specs.apollo.dev/policy/v0.1",
    }
)
"""Features linked ``for: SECURITY`` or ``for: EXECUTION`` this gateway serves. Any other
such feature changes what a query may do or return, so its supergraph is refused (as
Apollo Gateway refuses it). The access-control features are accepted but not enforced
here: the subgraphs owning the data check authentication, tenancy and permissions."""

_URL = re.compile(r"^(?P<base>.*?)/(?P<name>[A-Za-z_][A-Za-z0-9_-]*)/v(?P<version>\d+\.\d+)/?$")


@dataclass(frozen=True, kw_only=True)
class Feature:
    """One linked feature: its identity, version and local naming."""

    url: str
    identity: str
    name: str
    version: str
    prefix: str
    imports: dict[str, str] = field(default_factory=dict)
    """Imported element (``@key``, ``FieldSet``) -> its local name (``@key``, ``@mykey``)."""

    def directive_name(self, element: str) -> str:
        """The local name of the feature's directive ``element`` (no ``@``)."""
        imported = self.imports.get("@" + element)
        if imported is not None:
            return imported[1:]
        if element == self.name:
            return self.prefix
        return f"{self.prefix}__{element}"

    def type_name(self, element: str) -> str:
        """The local name of the feature's type ``element``."""
        return self.imports.get(element, f"{self.prefix}__{element}")

    def owns_directive(self, local: str) -> bool:
        if local == self.prefix or local.startswith(self.prefix + "__"):
            return True
        return ("@" + local) in self.imports.values()

    def owns_type(self, local: str) -> bool:
        return local.startswith(self.prefix + "__") or local in self.imports.values()


def _string(value: ValueNode | None) -> str | None:
    return value.value if isinstance(value, (StringValueNode, EnumValueNode)) else None


def _arguments(directive: DirectiveNode) -> dict[str, ValueNode]:
    return {arg.name.value: arg.value for arg in directive.arguments or ()}


def _imports(value: ValueNode | None) -> dict[str, str]:
    result: dict[str, str] = {}
    if not isinstance(value, ListValueNode):
        return result
    for item in value.values:
        if isinstance(item, StringValueNode):
            result[item.value] = item.value
        elif isinstance(item, ObjectValueNode):
            fields = {f.name.value: _string(f.value) for f in item.fields}
            name, alias = fields.get("name"), fields.get("as")
            if name:
                result[name] = alias or name
    return result


class LinkedFeatures:
    """The features a supergraph links, found on its schema definition."""

    def __init__(self, document: DocumentNode) -> None:
        schema_directives: list[DirectiveNode] = []
        for definition in document.definitions:
            if isinstance(definition, (SchemaDefinitionNode, SchemaExtensionNode)):
                schema_directives.extend(definition.directives or ())
        self.features: dict[str, Feature] = {}
        self.link_directive_names: set[str] = set()
        for directive in schema_directives:
            args = _arguments(directive)
            url = _string(args.get("url")) or _string(args.get("feature"))
            if url is None:
                continue
            match = _URL.match(url)
            if match is None:
                continue
            name = match["name"]
            if name in ("link", "core"):
                self.link_directive_names.add(directive.name.value)
            if name in self.features:
                continue
            purpose = _string(args.get("for"))
            if purpose in ("SECURITY", "EXECUTION") and name != "join":
                base = f"{match['base']}/{name}/v{match['version']}"
                if base not in SUPPORTED_PURPOSEFUL_FEATURES:
                    raise SupergraphError(
                        f"feature {url} is for: {purpose} but is unsupported by this gateway; "
                        "recompose the subgraphs without the directives of that feature"
                    )
            alias = _string(args.get("as"))
            self.features[name] = Feature(
                url=url,
                identity=f"{match['base']}/{name}",
                name=name,
                version=match["version"],
                prefix=alias or name,
                imports=_imports(args.get("import")),
            )
        self._validate()

    def _validate(self) -> None:
        if not self.features:
            raise SupergraphError(
                "this is not a Federation v2 supergraph: the schema definition has no "
                '@link(url: "https://specs.apollo.dev/join/v0.x"); compose the subgraphs '
                "with Federation v2 composition (rover supergraph compose) and load its output"
            )
        join = self.features.get("join")
        if join is None:
            raise SupergraphError(
                "this supergraph links no join feature (https://specs.apollo.dev/join); "
                "compose the subgraphs with Federation v2 composition and load its output"
            )
        if join.version not in SUPPORTED_JOIN_VERSIONS:
            supported = ", ".join("v" + v for v in SUPPORTED_JOIN_VERSIONS)
            raise SupergraphError(
                f"join v{join.version} is not supported (supported: {supported}); "
                "recompose the subgraphs with Federation v2 composition"
            )

    @property
    def join(self) -> Feature:
        return self.features["join"]

    def directive_name(self, feature: str, element: str) -> str | None:
        """The local name of ``feature``'s directive ``element``, or ``None`` if not linked."""
        linked = self.features.get(feature)
        return None if linked is None else linked.directive_name(element)

    def owns_directive(self, local: str) -> bool:
        """Whether the directive named ``local`` belongs to a linked feature."""
        if local in self.link_directive_names:
            return True
        return any(f.owns_directive(local) for f in self.features.values())

    def owns_type(self, local: str) -> bool:
        """Whether the type named ``local`` belongs to a linked feature."""
        return any(f.owns_type(local) for f in self.features.values())


def boolean_argument(directive: DirectiveNode, name: str, *, default: bool = False) -> bool:
    """The boolean argument ``name`` of ``directive`` (literal only)."""
    value = _arguments(directive).get(name)
    return value.value if isinstance(value, BooleanValueNode) else default


def string_argument(directive: DirectiveNode, name: str) -> str | None:
    """The string or enum argument ``name`` of ``directive`` (literal only)."""
    return _string(_arguments(directive).get(name))
