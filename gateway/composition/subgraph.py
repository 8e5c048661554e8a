"""Reading a subgraph's SDL into a :class:`SubgraphModel`.

Federation 2 subgraphs link ``https://specs.apollo.dev/federation/v2.x``; the
directives they import (under their own names or ``as:`` aliases) and the
prefixed ``@federation__name`` forms are all recognised. A subgraph without
that link is read as Federation 1: its fields are all shareable, ``extend
type`` marks an extension, and ``@external`` on the key fields of an
extension (or unused anywhere) is dropped, as Apollo's upgrade of such
subgraphs does. The federation machinery (``_Service``, ``_Entity``,
``_Any``, ``Query._service``, ``Query._entities``, directive definitions) is
left out.
"""

from __future__ import annotations

import re

from graphql import (
    BooleanValueNode,
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    FieldDefinitionNode,
    GraphQLError,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ListValueNode,
    NamedTypeNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ObjectValueNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    TypeNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    ValueNode,
    Visitor,
    parse,
    print_ast,
    visit,
)

from gateway.composition.errors import CompositionError
from gateway.composition.field_sets import named_type, selected_fields
from gateway.composition.model import (
    AppliedDirective,
    SubgraphArgument,
    SubgraphEnumValue,
    SubgraphField,
    SubgraphKey,
    SubgraphLink,
    SubgraphModel,
    SubgraphType,
)

__all__ = ["read_subgraph"]

_FEDERATION_URL = re.compile(r"^https://specs\.apollo\.dev/federation/v(\d+)\.(\d+)/?$")
_LINK_URL = re.compile(
    r"^(?P<identity>.*?/(?P<name>[A-Za-z_][A-Za-z0-9_-]*))/v(?P<major>\d+)\.(?P<minor>\d+)/?$"
)
_FEDERATION1_DIRECTIVES = (
    "key",
    "external",
    "requires",
    "provides",
    "shareable",
    "override",
    "inaccessible",
    "tag",
    "extends",
    "interfaceObject",
)
_CARRIED = ("authenticated", "requiresScopes", "policy", "cost", "listSize")
"""Federation directives merged into the supergraph as applications of their own spec."""
_FEDERATION_DIRECTIVES = (
    *_FEDERATION1_DIRECTIVES,
    *_CARRIED,
    "composeDirective",
    "context",
    "fromContext",
)
_NOT_CUSTOM = frozenset(
    {"deprecated", "specifiedBy", "include", "skip", "oneOf", "defer", "stream", "link"}
)
_MACHINERY_TYPES = frozenset({"_Service", "_Entity", "_Any", "_FieldSet", "FieldSet"})
_MACHINERY_PREFIXES = ("federation__", "link__", "join__")
_BUILTIN_SCALARS = frozenset({"Int", "Float", "String", "Boolean", "ID"})
_KINDS: dict[type, str] = {
    ObjectTypeDefinitionNode: "object",
    ObjectTypeExtensionNode: "object",
    InterfaceTypeDefinitionNode: "interface",
    InterfaceTypeExtensionNode: "interface",
    UnionTypeDefinitionNode: "union",
    UnionTypeExtensionNode: "union",
    EnumTypeDefinitionNode: "enum",
    EnumTypeExtensionNode: "enum",
    InputObjectTypeDefinitionNode: "input",
    InputObjectTypeExtensionNode: "input",
    ScalarTypeDefinitionNode: "scalar",
    ScalarTypeExtensionNode: "scalar",
}
_ROOT_NAMES = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}


def _value(node: ValueNode | None) -> object:
    if isinstance(node, StringValueNode):
        return node.value
    if isinstance(node, BooleanValueNode):
        return node.value
    if isinstance(node, ListValueNode):
        return [_value(v) for v in node.values]
    if isinstance(node, ObjectValueNode):
        return {f.name.value: _value(f.value) for f in node.fields}
    return getattr(node, "value", None)


def _args(directive: DirectiveNode) -> dict[str, object]:
    return {a.name.value: _value(a.value) for a in directive.arguments or ()}


class _Names:
    """Local directive name -> federation directive name, from the subgraph's ``@link``."""

    def __init__(self, document: DocumentNode) -> None:
        self.federation2 = False
        self.version = (1, 0)
        self.local: dict[str, str] = {}
        for definition in document.definitions:
            if not isinstance(definition, (SchemaDefinitionNode, SchemaExtensionNode)):
                continue
            for directive in definition.directives or ():
                args = _args(directive)
                url = args.get("url")
                match = _FEDERATION_URL.match(url) if isinstance(url, str) else None
                if match is None:
                    continue
                self.federation2 = True
                self.version = (int(match[1]), int(match[2]))
                prefix = args.get("as") if isinstance(args.get("as"), str) else "federation"
                for name in _FEDERATION_DIRECTIVES:
                    self.local[f"{prefix}__{name}"] = name
                imports = args.get("import")
                for item in imports if isinstance(imports, list) else ():
                    if isinstance(item, str) and item.startswith("@"):
                        self.local[item[1:]] = item[1:]
                    elif isinstance(item, dict) and isinstance(item.get("name"), str):
                        alias = item.get("as") or item["name"]
                        if isinstance(alias, str) and alias.startswith("@"):
                            self.local[alias[1:]] = str(item["name"])[1:]
        if not self.federation2:
            self.local = {name: name for name in _FEDERATION1_DIRECTIVES}
        self.custom = {
            d.name.value: d
            for d in document.definitions
            if isinstance(d, DirectiveDefinitionNode)
            and d.name.value not in self.local
            and d.name.value not in _NOT_CUSTOM
            and not d.name.value.startswith(_MACHINERY_PREFIXES)
        }

    def applied(self, node: object) -> list[AppliedDirective]:
        """The applications on ``node`` composition may carry into the supergraph."""
        result: list[AppliedDirective] = []
        for directive in getattr(node, "directives", None) or ():
            local = directive.name.value
            name = self.local.get(local)
            if name in _CARRIED or (name is None and local in self.custom):
                result.append(
                    AppliedDirective(
                        name=name or local,
                        arguments=tuple((a.name.value, a.value) for a in directive.arguments or ()),
                        source=print_ast(directive),
                    )
                )
        return result

    def of(self, node: object) -> list[tuple[str, dict[str, object]]]:
        """The federation directives (and ``@deprecated``, ``@specifiedBy``) on ``node``."""
        result: list[tuple[str, dict[str, object]]] = []
        for directive in getattr(node, "directives", None) or ():
            name = directive.name.value
            if name in ("deprecated", "specifiedBy"):
                result.append((name, _args(directive)))
            elif name in self.local:
                result.append((self.local[name], _args(directive)))
        return result


_UNSUPPORTED = ("context", "fromContext")
"""Federation directives whose meaning the composer does not carry into a supergraph:
refused, never dropped silently (a dropped ``@fromContext`` would leave an argument no
subgraph can be given)."""


def _links(document: DocumentNode) -> list[SubgraphLink]:
    """The subgraph's ``@link``s to features other than federation."""
    result: list[SubgraphLink] = []
    for definition in document.definitions:
        if not isinstance(definition, (SchemaDefinitionNode, SchemaExtensionNode)):
            continue
        for directive in definition.directives or ():
            args = _args(directive)
            url = args.get("url")
            match = _LINK_URL.match(url) if isinstance(url, str) else None
            if match is None or _FEDERATION_URL.match(str(url)) or match["name"] == "link":
                continue
            imports: dict[str, str] = {}
            raw = args.get("import")
            for item in raw if isinstance(raw, list) else ():
                if isinstance(item, str):
                    imports[item] = item
                elif isinstance(item, dict) and isinstance(item.get("name"), str):
                    alias = item.get("as")
                    imports[str(item["name"])] = alias if isinstance(alias, str) else item["name"]
            alias = args.get("as")
            result.append(
                SubgraphLink(
                    url=str(url),
                    identity=match["identity"],
                    name=match["name"],
                    major=int(match["major"]),
                    minor=int(match["minor"]),
                    prefix=alias if isinstance(alias, str) else match["name"],
                    imports=imports,
                )
            )
    return result


def _compose_directives(document: DocumentNode, names: _Names) -> list[str]:
    """The ``name:`` of each ``@composeDirective`` on the schema."""
    result: list[str] = []
    for definition in document.definitions:
        if isinstance(definition, (SchemaDefinitionNode, SchemaExtensionNode)):
            for directive, args in names.of(definition):
                if directive == "composeDirective":
                    name = args.get("name")
                    result.append(name if isinstance(name, str) else "")
    return result


def _unsupported_directives(document: DocumentNode, names: _Names) -> list[str]:
    """The unsupported federation directives ``document`` applies, by federation name."""
    found: set[str] = set()

    class _Collector(Visitor):
        def enter_directive(self, node: DirectiveNode, *_: object) -> None:
            local = node.name.value
            federation_name = names.local.get(local) or local.rpartition("__")[2]
            if federation_name in _UNSUPPORTED and (
                local in names.local or local.startswith("federation__")
            ):
                found.add(federation_name)

    visit(document, _Collector())
    return sorted(found)


def _description(node: object) -> str | None:
    description = getattr(node, "description", None)
    return description.value if description is not None else None


def _common(
    target: SubgraphArgument | SubgraphEnumValue | SubgraphField | SubgraphType,
    directives: list[tuple[str, dict[str, object]]],
) -> None:
    for name, args in directives:
        if name == "inaccessible":
            target.inaccessible = True
        elif name == "tag" and isinstance(args.get("name"), str):
            target.tags.append(str(args["name"]))
        elif name == "deprecated" and not isinstance(target, SubgraphType):
            reason = args.get("reason")
            target.deprecated = reason if isinstance(reason, str) else "No longer supported"


def _argument(node: InputValueDefinitionNode, names: _Names) -> SubgraphArgument:
    argument = SubgraphArgument(
        name=node.name.value,
        type=node.type,
        default=node.default_value,
        description=_description(node),
        applied=names.applied(node),
    )
    _common(argument, names.of(node))
    return argument


def _field(node: FieldDefinitionNode, names: _Names, type_shareable: bool) -> SubgraphField:
    field = SubgraphField(
        name=node.name.value,
        type=node.type,
        description=_description(node),
        arguments={a.name.value: _argument(a, names) for a in node.arguments or ()},
        shareable=type_shareable,
        applied=names.applied(node),
    )
    directives = names.of(node)
    _common(field, directives)
    for name, args in directives:
        if name == "shareable":
            field.shareable = True
        elif name == "external":
            field.external = True
        elif name == "requires" and isinstance(args.get("fields"), str):
            field.requires = str(args["fields"])
        elif name == "provides" and isinstance(args.get("fields"), str):
            field.provides = str(args["fields"])
        elif name == "override" and isinstance(args.get("from"), str):
            field.override = str(args["from"])
            label = args.get("label")
            field.override_label = label if isinstance(label, str) else None
    return field


def _rename(type_node: TypeNode, roots: dict[str, str]) -> TypeNode:
    """``type_node`` with a renamed root type (``schema { query: MyQuery }``) as ``Query``."""
    name = named_type(type_node)
    if name not in roots:
        return type_node
    if isinstance(type_node, NamedTypeNode):
        return NamedTypeNode(name=type(type_node.name)(value=roots[name]))
    inner = _rename(type_node.type, roots)  # type: ignore[attr-defined]
    return type(type_node)(type=inner)  # type: ignore[call-arg]


def read_subgraph(
    *, name: str, url: str, sdl: str
) -> tuple[SubgraphModel | None, list[CompositionError]]:
    """The subgraph ``name`` served at ``url`` with schema ``sdl``, or the errors in it."""
    try:
        document = parse(sdl, no_location=True)
    except GraphQLError as exc:
        return None, [
            CompositionError(
                "INVALID_GRAPHQL",
                f"[{name}] the SDL does not parse: {exc.message}; fix the subgraph's schema",
            )
        ]
    names = _Names(document)
    if names.federation2 and names.version[0] != 2:
        return None, [
            CompositionError(
                "INVALID_LINK_DIRECTIVE_USAGE",
                f"[{name}] links federation v{names.version[0]}.{names.version[1]}; "
                "link a Federation v2 version (https://specs.apollo.dev/federation/v2.x)",
            )
        ]
    unsupported = _unsupported_directives(document, names)
    if unsupported:
        return None, [
            CompositionError(
                "UNSUPPORTED_FEATURE",
                f"[{name}] uses @{directive}, which lms compose does not support yet (it would "
                "be left out of the supergraph); pass the value as an ordinary argument instead, "
                "or compose this set with Apollo's composition (rover supergraph compose)",
            )
            for directive in unsupported
        ]
    roots: dict[str, str] = {}
    for definition in document.definitions:
        if isinstance(definition, (SchemaDefinitionNode, SchemaExtensionNode)):
            for operation in definition.operation_types or ():
                wanted = _ROOT_NAMES[operation.operation.value]
                if operation.type.name.value != wanted:
                    roots[operation.type.name.value] = wanted
    model = SubgraphModel(
        name=name,
        url=url,
        federation2=names.federation2,
        links=_links(document) if names.federation2 else [],
        directive_definitions=dict(names.custom),
        federation_directives=dict(names.local),
        compose_directives=_compose_directives(document, names),
    )
    definitions: dict[str, list[TypeDefinitionNode | TypeExtensionNode]] = {}
    for definition in document.definitions:
        if isinstance(definition, (TypeDefinitionNode, TypeExtensionNode)):
            type_name = definition.name.value
            if type_name in _MACHINERY_TYPES or type_name.startswith(_MACHINERY_PREFIXES):
                continue
            definitions.setdefault(roots.get(type_name, type_name), []).append(definition)
    errors: list[CompositionError] = []
    for type_name, nodes in definitions.items():
        kinds = {_KINDS[type(node)] for node in nodes}
        if len(kinds) > 1:
            errors.append(
                CompositionError(
                    "INVALID_GRAPHQL",
                    f'[{name}] type "{type_name}" is defined as {" and ".join(sorted(kinds))}; '
                    "give it one kind",
                )
            )
            continue
        model.types[type_name] = _read_type(type_name, kinds.pop(), nodes, names, roots)
    for subgraph_type in model.types.values():
        errors.extend(_unknown_types(model, subgraph_type))
    if errors:
        return None, errors
    if model.federation2:
        _internalize_extension_keys(model)
    else:
        _upgrade_federation1(model)
    model.types.setdefault("Query", SubgraphType(name="Query", kind="object"))
    return model, []


def _read_type(
    type_name: str,
    kind: str,
    nodes: list[TypeDefinitionNode | TypeExtensionNode],
    names: _Names,
    roots: dict[str, str],
) -> SubgraphType:
    result = SubgraphType(name=type_name, kind=kind)
    result.extension = all(isinstance(node, TypeExtensionNode) for node in nodes)
    for node in nodes:
        directives = names.of(node)
        _common(result, directives)
        result.applied += names.applied(node)
        for directive, args in directives:
            if directive == "key" and isinstance(args.get("fields"), str):
                resolvable = args.get("resolvable")
                result.keys.append(
                    SubgraphKey(fields=str(args["fields"]), resolvable=resolvable is not False)
                )
            elif directive == "shareable":
                result.shareable = True
            elif directive == "extends":
                result.extension = True
            elif directive == "interfaceObject":
                result.interface_object = True
            elif directive == "specifiedBy" and isinstance(args.get("url"), str):
                result.specified_by = str(args["url"])
        if result.description is None:
            result.description = _description(node)
    type_external = any(d == "external" for node in nodes for d, _ in names.of(node))
    for node in nodes:
        shareable = any(d == "shareable" for d, _ in names.of(node))
        for field_node in getattr(node, "fields", None) or ():
            if isinstance(field_node, FieldDefinitionNode):
                if type_name == "Query" and field_node.name.value in ("_service", "_entities"):
                    continue
                field = _field(field_node, names, shareable)
                field.type = _rename(field.type, roots)
                field.external = field.external or type_external
                result.fields[field.name] = field
            elif isinstance(field_node, InputValueDefinitionNode):
                result.input_fields[field_node.name.value] = _argument(field_node, names)
        for interface in getattr(node, "interfaces", None) or ():
            result.interfaces.append(interface.name.value)
        for member in getattr(node, "types", None) or ():
            result.members.append(roots.get(member.name.value, member.name.value))
        for value in getattr(node, "values", None) or ():
            enum_value = SubgraphEnumValue(
                name=value.name.value,
                description=_description(value),
                applied=names.applied(value),
            )
            _common(enum_value, names.of(value))
            result.values[enum_value.name] = enum_value
    return result


def _unknown_types(model: SubgraphModel, subgraph_type: SubgraphType) -> list[CompositionError]:
    referenced: list[tuple[str, str]] = []
    for field in subgraph_type.fields.values():
        referenced.append((f"{subgraph_type.name}.{field.name}", named_type(field.type)))
        for argument in field.arguments.values():
            referenced.append(
                (f"{subgraph_type.name}.{field.name}({argument.name}:)", named_type(argument.type))
            )
    for argument in subgraph_type.input_fields.values():
        referenced.append((f"{subgraph_type.name}.{argument.name}", named_type(argument.type)))
    referenced.extend((subgraph_type.name, member) for member in subgraph_type.members)
    referenced.extend((subgraph_type.name, interface) for interface in subgraph_type.interfaces)
    return [
        CompositionError(
            "INVALID_GRAPHQL",
            f'[{model.name}] Unknown type "{target}" (used by {where}); define it in this '
            "subgraph or fix the name",
        )
        for where, target in referenced
        if target not in model.types and target not in _BUILTIN_SCALARS
    ]


def _internalize_extension_keys(model: SubgraphModel) -> None:
    """In an extension (``extend type`` or ``@extends``), ``@external`` key fields are the
    subgraph's own: it receives them in every representation, so it resolves them."""
    for subgraph_type in model.types.values():
        if not subgraph_type.extension:
            continue
        keyed: set[tuple[str, str]] = set()
        for key in subgraph_type.keys:
            keyed |= selected_fields(model, subgraph_type.name, key.fields)
        for field in subgraph_type.fields.values():
            if field.external and (subgraph_type.name, field.name) in keyed:
                field.external = False


def _upgrade_federation1(model: SubgraphModel) -> None:
    """Apply Apollo's reading of Federation 1 subgraphs (see the module docstring)."""
    used: set[tuple[str, str]] = set()
    for subgraph_type in model.types.values():
        for key in subgraph_type.keys:
            used |= selected_fields(model, subgraph_type.name, key.fields)
        for field in subgraph_type.fields.values():
            if field.requires:
                used |= selected_fields(model, subgraph_type.name, field.requires)
            if field.provides:
                used |= selected_fields(model, named_type(field.type), field.provides)
    for subgraph_type in model.types.values():
        keyed = set()
        for key in subgraph_type.keys:
            keyed |= selected_fields(model, subgraph_type.name, key.fields)
        for field in list(subgraph_type.fields.values()):
            field.shareable = True
            if not field.external:
                continue
            if subgraph_type.extension and (subgraph_type.name, field.name) in keyed:
                field.external = False
            elif (subgraph_type.name, field.name) not in used and subgraph_type.kind == "object":
                del subgraph_type.fields[field.name]
