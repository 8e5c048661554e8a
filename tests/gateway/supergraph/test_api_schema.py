"""The API schema: the supergraph minus ``@inaccessible`` and the federation machinery.

``supergraphs/campus.graphql`` was composed by Apollo's composition from
``supergraphs/sources/*.graphql``; ``campus.api.graphql`` is Apollo's API
schema for it (``node tests/oracle/planner-api-schema.mjs``).
"""

from __future__ import annotations

from pathlib import Path

from graphql import GraphQLEnumType, GraphQLObjectType, print_schema

from gateway.supergraph import Supergraph

HERE = Path(__file__).parent / "supergraphs"


def _campus() -> Supergraph:
    return Supergraph.parse((HERE / "campus.graphql").read_text())


def test_api_schema_prints_as_apollo_prints_it() -> None:
    expected = (HERE / "campus.api.graphql").read_text().strip()
    assert print_schema(_campus().api_schema).strip() == expected


def test_inaccessible_elements_are_gone_and_kept_in_the_supergraph_schema() -> None:
    supergraph = _campus()
    api_query = supergraph.api_schema.query_type
    assert api_query is not None
    assert "audit" not in api_query.fields
    assert "internalFilter" not in api_query.fields["courses"].args
    assert supergraph.api_schema.get_type("AuditLog") is None
    term = supergraph.api_schema.get_type("Term")
    assert isinstance(term, GraphQLEnumType)
    assert list(term.values) == ["SPRING", "SUMMER", "FALL"]
    full_query = supergraph.schema.query_type
    assert full_query is not None
    assert "audit" in full_query.fields


def test_machinery_is_gone_and_descriptions_and_deprecations_stay() -> None:
    api = _campus().api_schema
    assert {d.name for d in api.directives} >= {"deprecated", "include", "skip"}
    assert not any(
        d.name.startswith(("join__", "link", "tag", "inaccessible")) for d in api.directives
    )
    assert not any(name.startswith(("join__", "link__")) for name in api.type_map)
    course = api.get_type("Course")
    assert isinstance(course, GraphQLObjectType)
    assert course.description == "A course offered by a department."
    assert course.fields["code"].deprecation_reason == "Use `title`."
