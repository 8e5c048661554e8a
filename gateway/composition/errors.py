"""Composition errors: Apollo's code for each condition, and one error per problem.

Each code is defined once with what it means and what to do about it; the
messages name the subgraph, the type and the field concerned.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ERROR_CODES", "CompositionError"]

ERROR_CODES: dict[str, str] = {
    "INVALID_GRAPHQL": "A subgraph's SDL does not parse, or names a type it never defines.",
    "INVALID_LINK_DIRECTIVE_USAGE": "A subgraph links an unknown federation version.",
    "TYPE_KIND_MISMATCH": "A type has different kinds across subgraphs.",
    "INVALID_FIELD_SHARING": (
        "A field resolved by several subgraphs is not marked @shareable in all of them."
    ),
    "EXTERNAL_MISSING_ON_BASE": "A field is @external in every subgraph that defines it.",
    "FIELD_TYPE_MISMATCH": "A field has incompatible types across subgraphs.",
    "FIELD_ARGUMENT_TYPE_MISMATCH": "An argument has incompatible types across subgraphs.",
    "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH": (
        "A required argument is missing from the field in some subgraph."
    ),
    "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH": (
        "A required input field is missing from the input type in some subgraph."
    ),
    "EMPTY_MERGED_INPUT_TYPE": "An input type has no field common to all its subgraphs.",
    "EMPTY_MERGED_ENUM_TYPE": "An input enum has no value common to all its subgraphs.",
    "ENUM_VALUE_MISMATCH": "An input and output enum differs across subgraphs.",
    "INPUT_FIELD_DEFAULT_MISMATCH": "An input field has different default values across subgraphs.",
    "ARGUMENT_DEFAULT_MISMATCH": "An argument has different default values across subgraphs.",
    "KEY_FIELDS_SELECT_INVALID_TYPE": "A @key selects a field whose type is an interface or union.",
    "KEY_INVALID_FIELDS": "A @key's field set does not parse or names an unknown field.",
    "KEY_FIELDS_HAS_ARGS": "A @key selects a field that takes arguments.",
    "REQUIRES_INVALID_FIELDS": "A @requires field set does not parse or names an unknown field.",
    "REQUIRES_FIELDS_MISSING_EXTERNAL": "A @requires selects a field that is not @external.",
    "PROVIDES_INVALID_FIELDS": "A @provides field set does not parse or names an unknown field.",
    "PROVIDES_ON_NON_OBJECT_FIELD": "@provides is on a field whose type is not a composite type.",
    "PROVIDES_FIELDS_MISSING_EXTERNAL": "A @provides selects a field that is not @external.",
    "OVERRIDE_FROM_SELF_ERROR": "@override names the subgraph it is used in.",
    "OVERRIDE_SOURCE_HAS_OVERRIDE": "A field is overridden from a subgraph that overrides it too.",
    "INTERFACE_OBJECT_USAGE_ERROR": "An @interfaceObject type is no interface in any subgraph.",
    "SATISFIABILITY_ERROR": (
        "Some query of the API schema cannot be planned: a field is not reachable from "
        "the root types through the subgraphs (no resolvable @key to jump to the subgraph "
        "that resolves it, an @external field nobody else resolves, unmet @requires)."
    ),
    "DIRECTIVE_COMPOSITION_ERROR": "A @composeDirective names a directive that cannot be composed.",
    "AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE": (
        "@authenticated, @requiresScopes or @policy is on an interface, an interface field or "
        "an @interfaceObject type (they come from the implementations)."
    ),
    "MERGED_DIRECTIVE_APPLICATION_ON_EXTERNAL": (
        "A directive merged into the supergraph is applied to an @external field."
    ),
    "UNSUPPORTED_FEATURE": "A subgraph uses a federation feature this composer does not support.",
}


@dataclass(frozen=True)
class CompositionError:
    """One composition failure: a code of :data:`ERROR_CODES` and a message."""

    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
