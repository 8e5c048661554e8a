"""Loading supergraphs: join versions, renamed imports, metadata, URLs, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import print_ast

from gateway.supergraph import Supergraph, SupergraphError

HERE = Path(__file__).parent / "supergraphs"
PLANNER = Path(__file__).parents[1] / "planner" / "supergraphs"


def _campus_sdl() -> str:
    return (HERE / "campus.graphql").read_text()


@pytest.mark.parametrize("version", ["0.2", "0.3", "0.4", "0.5"])
def test_supported_join_versions_load(version: str) -> None:
    sdl = _campus_sdl().replace("specs.apollo.dev/join/v0.4", f"specs.apollo.dev/join/v{version}")
    supergraph = Supergraph.parse(sdl)
    assert set(supergraph.subgraphs) == {"campus", "enrolment"}


@pytest.mark.parametrize("version", ["0.1", "0.6", "1.0"])
def test_unsupported_join_versions_are_refused(version: str) -> None:
    sdl = _campus_sdl().replace("specs.apollo.dev/join/v0.4", f"specs.apollo.dev/join/v{version}")
    with pytest.raises(SupergraphError, match=rf"join v{version} is not supported"):
        Supergraph.parse(sdl)


def test_subgraphs_and_urls() -> None:
    supergraph = Supergraph.parse(_campus_sdl())
    info = supergraph.subgraphs["enrolment"]
    assert (info.name, info.url, info.enum_value) == (
        "enrolment",
        "http://enrolment/graphql",
        "ENROLMENT",
    )
    moved = supergraph.with_urls({"enrolment": "http://127.0.0.1:9000/graphql"})
    assert moved.subgraphs["enrolment"].url == "http://127.0.0.1:9000/graphql"
    assert moved.subgraphs["campus"].url == "http://campus/graphql"
    assert supergraph.subgraphs["enrolment"].url == "http://enrolment/graphql"
    assert moved.api_schema is supergraph.api_schema
    with pytest.raises(SupergraphError, match="no subgraph named nowhere"):
        supergraph.with_urls({"nowhere": "http://x"})


def test_keys_requires_provides_external() -> None:
    supergraph = Supergraph.parse(_campus_sdl())
    department = supergraph.type_in("Department")
    assert [(k.fields, k.resolvable) for k in department["enrolment"].keys] == [("id", False)]
    assert department["enrolment"].resolvable_keys == ()
    assert [k.fields for k in department["campus"].resolvable_keys] == ["id"]
    label = supergraph.field_in("Course", "label")["enrolment"]
    assert label.requires is not None
    assert print_ast(label.requires) == "{\n  title\n}"
    assert supergraph.field_in("Course", "title")["enrolment"].external
    popular = supergraph.field_in("Query", "popular")["enrolment"]
    assert popular.provides is not None
    assert set(supergraph.field_in("Course", "seats")) == {"enrolment"}


def test_union_members_interfaces_and_enum_values_per_subgraph() -> None:
    supergraph = Supergraph.parse(_campus_sdl())
    assert supergraph.union_members_in("Searchable", "campus") == {"Course", "Department"}
    assert supergraph.union_members_in("Searchable", "enrolment") == {"Course"}
    assert supergraph.interfaces_in("Department", "campus") == {"Named"}
    assert supergraph.possible_types_in("Named", "campus") == {"Department"}
    assert supergraph.enum_values_in("Level", "enrolment") == {"INTRO", "EXPERT"}
    assert supergraph.enum_values_in("Level", "campus") == {"INTRO", "ADVANCED"}


def test_override_and_interface_object_metadata() -> None:
    override = Supergraph.parse((PLANNER / "override.graphql").read_text())
    title = override.field_in("Course", "title")
    assert set(title) == {"courses"}
    assert title["courses"].override == "legacy"
    credits = override.field_in("Course", "credits")
    assert credits["courses"].override_label == "percent(10)"
    assert credits["legacy"].override_label == "percent(10)"
    assert credits["legacy"].override is None
    objects = Supergraph.parse((PLANNER / "interface_object.graphql").read_text())
    assert objects.type_in("Account")["activity"].is_interface_object
    assert not objects.type_in("Account")["accounts"].is_interface_object


def test_directives_imported_under_another_prefix() -> None:
    sdl = (
        _campus_sdl()
        .replace(
            '@link(url: "https://specs.apollo.dev/join/v0.4", for: EXECUTION)',
            '@link(url: "https://specs.apollo.dev/join/v0.4", as: "fed", for: EXECUTION)',
        )
        .replace("join__", "fed__")
    )
    supergraph = Supergraph.parse(sdl)
    assert [k.fields for k in supergraph.type_in("Course")["campus"].keys] == ["id"]
    assert not any(d.name.startswith("fed__") for d in supergraph.api_schema.directives)


def test_inaccessible_imported_under_another_name() -> None:
    sdl = (
        _campus_sdl()
        .replace("@inaccessible", "@hidden")
        .replace(
            '@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)',
            '@link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY, '
            'import: [{name: "@inaccessible", as: "@hidden"}])',
        )
    )
    assert "@inaccessible" not in sdl.split("import:")[0]
    api = Supergraph.parse(sdl).api_schema
    assert api.get_type("AuditLog") is None
    assert not any(d.name == "hidden" for d in api.directives)


@pytest.mark.parametrize(
    ("sdl", "message"),
    [
        ("type Query {", "not valid GraphQL SDL"),
        ("type Query { a: Int }", "not a Federation v2 supergraph"),
        (
            'schema @core(feature: "https://specs.apollo.dev/core/v0.1") '
            '@core(feature: "https://specs.apollo.dev/join/v0.1") { query: Query }\n'
            "directive @core(feature: String!) repeatable on SCHEMA\n"
            "type Query { a: Int }",
            "join v0.1 is not supported",
        ),
        (
            'schema @link(url: "https://specs.apollo.dev/link/v1.0") { query: Query }\n'
            "directive @link(url: String) repeatable on SCHEMA\n"
            "type Query { a: Int }",
            "links no join feature",
        ),
    ],
)
def test_bad_input_is_refused_with_one_clear_message(sdl: str, message: str) -> None:
    with pytest.raises(SupergraphError, match=message):
        Supergraph.parse(sdl)


def test_graph_enum_value_must_exist() -> None:
    sdl = _campus_sdl().replace(
        '@join__type(graph: ENROLMENT, key: "id")', '@join__type(graph: NOWHERE, key: "id")', 1
    )
    with pytest.raises(SupergraphError, match="NOWHERE"):
        Supergraph.parse(sdl)


def test_every_fixture_supergraph_loads() -> None:
    for path in [*PLANNER.glob("*.graphql"), *HERE.glob("campus.graphql")]:
        assert Supergraph.parse(path.read_text()).subgraphs
